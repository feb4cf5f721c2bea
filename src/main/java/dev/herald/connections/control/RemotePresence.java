package dev.herald.connections.control;

import dev.herald.messages.entity.StreamKey;
import java.util.Set;

/**
 * How many sessions a user, group or topic has (and a group or topic, which users) on the other nodes of a cluster (a CDI bean the
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
     * @return its sessions and users on the other nodes (per their entries, at most a heartbeat old);
     *         none by default
     */
    default Elsewhere elsewhere(StreamKey.Named stream) {
        return Elsewhere.NONE;
    }

    /**
     * A group's or topic's presence on the other nodes of a cluster.
     *
     * @param sessions their sessions of it
     * @param users    the distinct users those sessions belong to
     */
    record Elsewhere(int sessions, Set<Long> users) {

        /** Nothing elsewhere: a single node, or the shared presence could not be read. */
        public static final Elsewhere NONE = new Elsewhere(0, Set.of());
    }
}
