package dev.herald.connections.entity;

/**
 * CDI event fired once when a user's first registration on this node is made (nobody of the user was
 * registered here before; the handshake of the session is completing).
 *
 * @param userId the user
 */
public record UserOnline(long userId) {
}
