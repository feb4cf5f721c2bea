package dev.herald.connections.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import java.util.Map;

/**
 * What a cluster adapter may ask of and hand to this node's sessions ({@link WebSocketManager}
 * implements it): presence counts, and the deliveries and disconnects other nodes published.
 */
public interface NodeSessions {

    /** @return true while the application stops */
    boolean isStopping();

    /**
     * @param userId the user
     * @return the user's live sessions on this node, those whose handshake is completing included
     */
    int liveSessions(long userId);

    /** @return user id to live sessions on this node */
    Map<Long, Integer> liveSessionCounts();

    /**
     * Closes every session of a user on this node (another node disconnected the user).
     *
     * @param userId the user
     * @return how many sessions were removed
     */
    int disconnectLocal(long userId);

    /**
     * Queues a message another node sent on this node's plain sessions of its stream.
     *
     * @param streamKey the stream
     * @param message   the bare JSON
     * @return how many sessions it was queued on
     */
    Delivery sendPlainLocal(StreamKey streamKey, OutboundMessage message);

    /**
     * Queues a message the cluster sequenced on this node's {@code herald.v1} sessions of its stream,
     * in sequence order; a session that sees a gap is closed to resync (1012).
     *
     * @param streamKey the stream
     * @param epoch     the stream's epoch
     * @param seq       the message's sequence number
     * @param data      the bare JSON
     * @return how many sessions it was queued on
     */
    Delivery deliverRelayed(StreamKey streamKey, String epoch, long seq, String data);

    /** @return groups and topics on this node (where another node's join or leave of a user is applied) */
    Audiences audiences();
}
