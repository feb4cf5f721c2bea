package dev.herald.cluster.control;

import dev.herald.connections.control.NodeSessions;
import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.stats.control.HeraldStats;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * What the subscriber thread reads on the delivery channel, handed to this node's sessions: another
 * node's publication to the plain sessions; every sequenced one, from any node, to the v1 sessions;
 * another node's disconnect to the user's sessions here. Every publication is sequenced since
 * {@code herald.v1}: an envelope without a position (and without a disconnect) is not Herald's.
 */
final class Inbox implements Consumer<String> {

    private static final Logger LOG = Logger.getLogger(Inbox.class.getName());

    private final NodeSessions sessions;
    private final String nodeId;
    private final String channel;
    private final HeraldStats stats;

    Inbox(NodeSessions sessions, String nodeId, String channel, HeraldStats stats) {
        this.sessions = sessions;
        this.nodeId = nodeId;
        this.channel = channel;
        this.stats = stats;
    }

    @Override
    public void accept(String wire) {
        Optional<Envelope> decoded = Envelope.decode(wire).filter(e -> e.isDisconnect() || e.isSequenced());
        if (decoded.isEmpty()) {
            stats.clusterMalformed();
            LOG.warning(() -> "Ignored a message on " + channel + " that is not a Herald envelope (" + wire.length() + " chars)");
            return;
        }
        Envelope envelope = decoded.get();
        boolean own = envelope.origin().equals(nodeId); // its plain sessions had it before it was published
        if (envelope.isDisconnect()) {
            if (!own) {
                sessions.disconnectLocal(envelope.userId());
            }
            return;
        }
        StreamKey stream = envelope.stream();
        if (!own) {
            sessions.sendPlainLocal(stream, OutboundMessage.of(envelope.json()));
            stats.clusterReceived();
        }
        sessions.deliverRelayed(stream, envelope.epoch(), envelope.seq(), envelope.json());
    }
}
