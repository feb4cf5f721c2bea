package dev.herald.connections.entity;

/**
 * CDI event fired, on the calling thread, after {@code WebSocketManager.sendMessage} or
 * {@code broadcast} queued a message on this node's sessions (and, in cluster mode, published it to
 * the other nodes); messages that arrive from other nodes do not fire it again.
 *
 * @param userId the target user, or {@link #EVERYONE} for a broadcast
 * @param json   the message as it is sent, serialized once
 */
public record MessageSent(long userId, String json) {

    /** The {@link #userId()} of a broadcast (user ids are positive). */
    public static final long EVERYONE = 0;

    /** @return true for a broadcast */
    public boolean isBroadcast() {
        return userId == EVERYONE;
    }
}
