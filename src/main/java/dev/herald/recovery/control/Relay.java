package dev.herald.recovery.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where {@code herald.v1} streams are sequenced when they are shared by several nodes (cluster mode:
 * Redis). The manager falls back to its in-memory {@link History} whenever a call answers false or
 * empty (Redis unreachable).
 */
public interface Relay {

    /** No shared streams (a single node, unit tests): every stream is sequenced in memory. */
    Relay NONE = new Relay() {
        @Override
        public boolean isActive() {
            return false;
        }

        @Override
        public boolean publish(StreamKey streamKey, OutboundMessage message) {
            return false;
        }

        @Override
        public Optional<Replay> replay(long userId, StreamPosition user, StreamPosition broadcast) {
            return Optional.empty();
        }
    };

    /**
     * @return true while the streams are shared (cluster mode, between the cluster's start and stop);
     *         false: the caller sequences in memory and never calls the other methods
     */
    default boolean isActive() {
        return true;
    }

    /**
     * @param streamKey a stream
     * @return true when {@link #publish} carries this kind of stream to every node, and {@link #resume}
     *         and {@link #read} read it. The default: user and broadcast streams only; group and topic
     *         streams are then sequenced and delivered on the sending node alone (an adapter whose
     *         publications name any {@link StreamKey} says so)
     */
    default boolean routes(StreamKey streamKey) {
        return !(streamKey instanceof StreamKey.Named);
    }

    /**
     * Assigns the message its sequence number in the shared stream, records it and publishes it to
     * the nodes that hold the stream's sessions, this one included when it does; each then queues it
     * on its {@code herald.v1} sessions of the stream, in sequence order.
     *
     * @param streamKey the stream
     * @param message   the bare JSON
     * @return true when recorded and published; false when the caller must deliver it itself
     */
    boolean publish(StreamKey streamKey, OutboundMessage message);

    /**
     * Like {@link #publish}, and in the same round trip counts the sessions other nodes hold of a
     * user's stream, as the shared presence knew them when the message was published.
     *
     * @param streamKey the stream
     * @param message   the bare JSON
     * @return empty when the caller must deliver it itself; otherwise the user's sessions on other
     *         nodes (0 for any other stream)
     */
    default OptionalInt publishCounted(StreamKey streamKey, OutboundMessage message) {
        return publish(streamKey, message) ? OptionalInt.of(0) : OptionalInt.empty();
    }

    /**
     * Reads the shared streams for a connecting {@code herald.v1} session.
     *
     * @param userId    the user
     * @param user      the client's user-stream position, or null
     * @param broadcast the client's broadcast-stream position, or null
     * @return the replay and welcome; empty when the shared history cannot be read now
     */
    Optional<Replay> replay(long userId, StreamPosition user, StreamPosition broadcast);

    /**
     * Reads the shared streams for a connecting {@code herald.v1} session, its group streams included
     * (only called when the relay {@linkplain #routes routes} group streams).
     *
     * @param userId the user
     * @param resume the client's positions
     * @param groups the session's group streams, in the order their messages break ties
     * @return the replay and welcome with every group's head; empty when the shared history cannot be
     *         read now. The default reads no group stream: empty when there are groups
     */
    default Optional<Replay> resume(long userId, Resume resume, List<StreamKey.Group> groups) {
        return groups.isEmpty() ? replay(userId, resume.user(), resume.broadcast()) : Optional.empty();
    }

    /**
     * Reads one shared stream (a topic's, when a session subscribes; only called when the relay
     * {@linkplain #routes routes} it).
     *
     * @param stream the stream
     * @param given  the client's position, or null
     * @return the stream's head and what it holds after {@code Replay.replayAfter(given, head)}; empty
     *         when it cannot be read now
     */
    default Optional<Replay.Part> read(StreamKey stream, StreamPosition given) {
        return Optional.empty();
    }
}
