package dev.herald.connections.entity;

/**
 * CDI event fired once when a user comes online: the user's first session opened (its handshake is
 * completing) while the user had none. On a single node, when the first session on this node opens;
 * in a cluster, on every node, when the first session in the whole cluster opens (fired from
 * Herald's Redis subscriber thread shortly after, in the order Redis saw the changes; none during a
 * Redis outage: the changes it hid are fired when Redis is back). Keep observers short.
 *
 * @param userId the user
 */
public record UserOnline(long userId) {
}
