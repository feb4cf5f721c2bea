package dev.herald.cluster.control;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongToIntFunction;
import java.util.function.Supplier;

/**
 * Keeps this node's entry in the shared presence (user id → live session count on this node) equal
 * to the local registry, without a lock: a session opening or closing marks its user dirty, and
 * {@link #flush()} writes the current count of every dirty user. Flushes never run concurrently (one
 * flag), and a count is read after the user was taken off the dirty set, so the last write for a user
 * always carries its latest count, whatever the order in which threads opened and closed sessions.
 * A failed write, or {@link #resync()} (after an outage), makes the next flush replace the whole entry
 * from a snapshot of the registry.
 */
final class PresenceBook {

    /** Where the counts go (Redis in a cluster, a map in tests). */
    interface Store {
        /**
         * @param counts  user id → live sessions on this node; 0 removes the user
         * @param replace true when {@code counts} is everything this node has (the old entry is dropped)
         * @return false when the write failed
         */
        boolean write(Map<Long, Integer> counts, boolean replace);
    }

    private final Set<Long> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final LongToIntFunction sessions;
    private final Supplier<Map<Long, Integer>> snapshot;
    private final Store store;
    private volatile boolean resync = true;

    /**
     * @param sessions live sessions of one user on this node now
     * @param snapshot every user with live sessions on this node, and their counts, now
     * @param store    where the counts are written
     */
    PresenceBook(LongToIntFunction sessions, Supplier<Map<Long, Integer>> snapshot, Store store) {
        this.sessions = sessions;
        this.snapshot = snapshot;
        this.store = store;
    }

    /** @param userId a user whose sessions on this node changed */
    void changed(long userId) {
        dirty.add(userId);
    }

    /** Makes the next flush rewrite the whole entry. */
    void resync() {
        resync = true;
    }

    /** @return true when a flush has something to write */
    boolean pending() {
        return resync || !dirty.isEmpty();
    }

    /**
     * Writes what changed, unless another thread is flushing (it picks the changes up before it
     * stops). Stops at the first failed write; the next flush replaces the whole entry.
     *
     * @return false when a write failed
     */
    boolean flush() {
        while (pending() && flushing.compareAndSet(false, true)) {
            try {
                if (!writePending()) {
                    resync = true;
                    return false;
                }
            } finally {
                flushing.set(false);
            }
        }
        return true;
    }

    private boolean writePending() {
        if (resync) {
            resync = false;
            dirty.clear(); // before the snapshot: a change after this point is marked again
            return store.write(snapshot.get(), true);
        }
        Map<Long, Integer> counts = new HashMap<>();
        for (Long userId : dirty) {
            dirty.remove(userId); // before reading the count: a later change is marked again
            counts.put(userId, Math.max(0, sessions.applyAsInt(userId)));
        }
        return counts.isEmpty() || store.write(counts, false);
    }
}
