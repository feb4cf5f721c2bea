package dev.herald.connections.control;

/**
 * How many sessions a user holds on the other nodes of a cluster (a CDI bean the cluster adapter
 * produces; on a single node, and while the shared presence cannot be read, always 0).
 */
@FunctionalInterface
public interface RemotePresence {

    /**
     * @param userId a user
     * @return the user's live sessions on other nodes
     */
    int sessionsElsewhere(long userId);
}
