package dev.herald.connections.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.History;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.Resume;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.recovery.control.V1Protocol;
import dev.herald.stats.control.HeraldStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * The {@code herald.v1} sessions' order: each message of a stream reaches them once, in sequence
 * order, whether replayed on connect or queued live. On one node (or while the cluster's {@link Relay}
 * cannot be reached) the in-memory {@link History} sequences: a message gets its number, is recorded
 * and is offered to the sessions under its stream's lock, and a connecting session registers, reads
 * what it missed and queues its replay and welcome under its user stream's lock, the broadcast
 * stream's and its groups' ({@link History#inStreams}). In cluster mode the relay sequences; its messages
 * come back from the subscriber, in order, through {@link #relayed}.
 */
final class Sequencer {

    private static final Logger LOG = Logger.getLogger(Sequencer.class.getName());

    private final Registry registry;
    private final History history;
    private final Replay.Bound replayBound;
    private final HeraldStats stats;

    Sequencer(Registry registry, History history, Replay.Bound replayBound, HeraldStats stats) {
        this.registry = registry;
        this.history = history;
        this.replayBound = replayBound;
        this.stats = stats;
    }

    /** @return the in-memory history */
    History history() {
        return history;
    }

    /**
     * Registers a v1 session and queues its replay and welcome, race-free.
     *
     * @param resume   the client's positions
     * @param groups   the session's groups, sorted by name: their streams are locked after the user's
     *                 and the broadcast stream, replayed from the positions {@code resume} gives, and
     *                 their heads told in the welcome (from the relay when it routes group
     *                 streams; from memory otherwise, and then, while the relay is active, a group
     *                 position makes the replay {@code recovered:false})
     * @param register adds the registration to the registry (called once)
     * @return the replay; null when a relayed message that arrived meanwhile shows a gap
     */
    Replay connect(Connection connection, Resume resume, List<StreamKey.Group> groups, Relay relay, Runnable register) {
        long userId = connection.userId();
        boolean shared = relay.isActive();
        StreamPosition user = resume.user();
        StreamPosition broadcast = resume.broadcast();
        Replay replay = null;
        if (shared) {
            register.run(); // relayed messages wait in the connection until it goes live
            if (groups.isEmpty() || relay.routes(groups.get(0))) {
                replay = relay.resume(userId, resume, groups).orElse(null); // the group streams from the relay too
            } else {
                replay = relay.replay(userId, user, broadcast).orElse(null);
                boolean groupPositions = groups.stream().anyMatch(resume.groups()::containsKey);
                replay = replay != null && groupPositions ? replay.unrecovered() : replay;
            }
        }
        boolean inOrder;
        if (replay != null) {
            inOrder = connection.goLive(replay);
        } else {
            Replay[] local = new Replay[1];
            List<StreamKey> keys = new ArrayList<>(groups.size() + 2);
            keys.add(StreamKey.user(userId));
            keys.add(StreamKey.BROADCAST);
            keys.addAll(groups);
            inOrder = history.inStreams(keys, streams -> {
                if (!shared) {
                    register.run();
                }
                List<Replay.Part> parts = new ArrayList<>(groups.size());
                for (int i = 0; i < groups.size(); i++) {
                    parts.add(part(groups.get(i), resume.groups().get(groups.get(i)), streams.get(i + 2)));
                }
                Replay.Part userPart = part(keys.get(0), user, streams.get(0));
                Replay.Part broadcastPart = part(StreamKey.BROADCAST, broadcast, streams.get(1));
                local[0] = Replay.plan(user, userPart.head(), userPart.held(), broadcast, broadcastPart.head(), broadcastPart.held(),
                        parts, replayBound);
                return connection.goLive(local[0]);
            });
            replay = local[0];
        }
        stats.recovery(replay.requested(), replay.recovered(), replay.replayed());
        return inOrder ? replay : null;
    }

    private static Replay.Part part(StreamKey key, StreamPosition given, History.Stream stream) {
        StreamPosition head = stream.head();
        return new Replay.Part(key, given, head, stream.after(Replay.replayAfter(given, head)));
    }

    /** @return the most a replay may send */
    Replay.Bound replayBound() {
        return replayBound;
    }

    /** Records the message in the in-memory stream and offers it to the stream's v1 sessions, under the stream's lock. */
    void sequenced(StreamKey streamKey, OutboundMessage message, Delivery delivery) {
        List<Connection> offered = new ArrayList<>();
        history.inStream(streamKey, stream -> {
            Replay.Held held = stream.append(message.json());
            String epoch = stream.head().epoch();
            registry.forEachTarget(streamKey, connection -> {
                if (connection.isV1() && connection.isLive()) {
                    delivery.expect();
                    connection.offerSequenced(streamKey, epoch, held.seq(), held.frame(), delivery, false);
                    offered.add(connection);
                }
            });
            return null;
        });
        for (Connection connection : offered) {
            connection.sender().flush();
        }
    }

    /**
     * Queues a message the relay sequenced on this node's v1 sessions of its stream, in sequence
     * order, written by the {@code writers} (the caller, the cluster's subscriber, only queues); a
     * session that sees a gap (this node missed publications) is closed to resync.
     */
    Delivery relayed(StreamKey streamKey, String epoch, long seq, String data, Executor writers) {
        OutboundMessage frame = V1Protocol.message(streamKey, epoch, seq, data);
        Delivery delivery = new Delivery();
        registry.forEachTarget(streamKey, connection -> {
            if (connection.isV1() && connection.isLive()) {
                delivery.expect();
                boolean inOrder = connection.offerSequenced(streamKey, epoch, seq, frame, delivery, true);
                connection.sender().flushOn(writers);
                if (!inOrder) {
                    stats.resync();
                    LOG.info(() -> "Closing " + connection + " to resync: it missed relayed messages of its "
                            + streamKey.wireName() + " stream before " + epoch + ":" + seq);
                    connection.sender().terminate(HeraldCloseCodes.RESYNC, null);
                }
            }
        });
        return delivery.seal();
    }
}
