package dev.herald.connections.entity;

/**
 * CDI event fired when a WebSocket session is registered for a user.
 *
 * @param userId    the user, from the handshake principal
 * @param sessionId the container's session id
 */
public record SessionOpened(long userId, String sessionId) {
}
