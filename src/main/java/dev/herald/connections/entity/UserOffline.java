package dev.herald.connections.entity;

/**
 * CDI event fired once when a user goes offline: the user's last session closed. On a single node,
 * when the last session on this node closes; in a cluster, on every node, when the user's last
 * session anywhere closed or the node that held it died (within {@code herald.cluster.presence-ttl-ms}
 * and a heartbeat), fired like {@link UserOnline}.
 *
 * @param userId the user
 */
public record UserOffline(long userId) {
}
