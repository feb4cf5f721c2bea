package dev.herald.connections.entity;

/**
 * CDI event fired when the application disconnects a user ({@code WebSocketManager.disconnect}): this
 * node has closed the user's sessions; in cluster mode every other node closes its own.
 *
 * @param userId the user
 */
public record DisconnectRequested(long userId) {
}
