package dev.herald.connections.entity;

/**
 * CDI event fired whenever a user's registrations on this node change: a handshake registered a
 * session (before the client sees the 101) or a registration was removed. The cluster rewrites the
 * user's presence from it, so other nodes count a session as soon as its client may be told.
 *
 * @param userId the user
 */
public record PresenceChanged(long userId) {
}
