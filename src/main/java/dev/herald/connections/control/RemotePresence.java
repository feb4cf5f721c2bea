package dev.herald.connections.control;

import dev.herald.messages.entity.StreamKey;

/**
 * How many sessions a user, group or topic has on the other nodes of a cluster (a CDI bean the
 * cluster adapter produces; on a single node, and while the shared presence cannot be read, always 0).
 */
@FunctionalInterface
public interface RemotePresence {

    /**
     * @param userId a user
     * @return the user's live sessions on other nodes
     */
    int sessionsElsewhere(long userId);

    /**
     * @param stream a group or topic
     * @return its sessions on the other nodes (per their counts, at most a heartbeat old); 0 by default
     */
    default int sessionsElsewhere(StreamKey.Named stream) {
        return 0;
    }
}
