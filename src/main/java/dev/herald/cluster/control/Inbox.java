package dev.herald.cluster.control;

import dev.herald.connections.control.NodeSessions;
import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.sse.control.ForwardedMessages;
import dev.herald.stats.control.HeraldStats;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * What the subscriber thread reads on this node's channels, handed to this node's sessions: another
 * node's publication to the plain sessions; every sequenced one, from any node, to the v1 sessions;
 * another node's disconnect, or a user's group join or leave, to the user's sessions here; a client's message
 * posted to another node for an SSE stream of this one to the stream ({@link ForwardedMessages}); a user's
 * presence change in the cluster to this node's events. A group's or topic's message comes on this node's
 * channel of its shard (this node has members or subscribers); the sessions pick their targets locally. Every publication is sequenced since
 * {@code herald.v1}: an envelope without a position (and without a disconnect) is not Herald's.
 */
final class Inbox implements Consumer<String> {

    private static final Logger LOG = Logger.getLogger(Inbox.class.getName());

    private final NodeSessions sessions;
    private final String nodeId;
    private final String channels;
    private final HeraldStats stats;
    private final ForwardedMessages forwards;
    private final Consumer<Envelope.PresenceChange> presence;

    /**
     * @param sessions this node's sessions
     * @param nodeId   this node's id
     * @param channels the channels read, for logs
     * @param stats    counters
     * @param forwards where clients' messages posted to other nodes for this node's SSE streams go
     * @param presence where users coming online in the cluster and going offline everywhere go
     */
    Inbox(NodeSessions sessions, String nodeId, String channels, HeraldStats stats, ForwardedMessages forwards,
          Consumer<Envelope.PresenceChange> presence) {
        this.forwards = forwards;
        this.presence = presence;
        this.sessions = sessions;
        this.nodeId = nodeId;
        this.channels = channels;
        this.stats = stats;
    }

    @Override
    public void accept(String wire) {
        Optional<Envelope> decoded = Envelope.decode(wire).filter(e -> e.isSequenced() || e.disconnectedUser().isPresent()
                || e.membershipChange().isPresent() || e.forwarded().isPresent() || e.presenceChanges().isPresent());
        if (decoded.isEmpty()) {
            stats.clusterMalformed();
            LOG.warning(() -> "Ignored a message on " + channels + " that is not a Herald envelope (" + wire.length() + " chars)");
            return;
        }
        Envelope envelope = decoded.get();
        boolean own = envelope.origin().equals(nodeId); // its plain sessions had it before it was published
        Optional<Long> disconnected = envelope.disconnectedUser();
        if (disconnected.isPresent()) {
            if (!own) {
                sessions.disconnectLocal(disconnected.get());
            }
            return;
        }
        Optional<List<Envelope.PresenceChange>> changes = envelope.presenceChanges();
        if (changes.isPresent()) {
            changes.get().forEach(presence); // from any node, this one included: every node fires each change
            return;
        }
        Optional<Envelope.Forwarded> forwarded = envelope.forwarded();
        if (forwarded.isPresent()) {
            Envelope.Forwarded message = forwarded.get();
            forwards.deliver(message.streamId(), message.userId(), message.text());
            return;
        }
        Optional<Envelope.Membership> membership = envelope.membershipChange();
        if (membership.isPresent()) {
            if (!own) {
                Envelope.Membership change = membership.get();
                sessions.audiences().changedElsewhere(change.userId(), change.group(), change.joined());
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
