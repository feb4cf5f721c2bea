package dev.herald.connections.entity;

/**
 * CDI event fired once when a user's last registration on this node is removed.
 *
 * @param userId the user
 */
public record UserOffline(long userId) {
}
