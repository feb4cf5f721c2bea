package dev.herald.connections.entity;

/**
 * CDI event fired by every {@code join} and {@code leave} at run time, on the calling thread, after
 * this node's sessions of the user were changed (a cluster adapter relays it to the other nodes).
 *
 * @param userId the user
 * @param group  the group's name
 * @param joined true for a join, false for a leave
 */
public record GroupMembershipChanged(long userId, String group, boolean joined) {
}
