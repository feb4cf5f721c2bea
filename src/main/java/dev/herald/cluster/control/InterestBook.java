package dev.herald.cluster.control;

import dev.herald.messages.entity.StreamKey;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Keeps this node's entries in the groups' and topics' node hashes ({@link KeyLayout#interest}), its
 * session count of each, equal to its sessions, without a lock, as {@link PresenceBook} does for
 * users: a group or topic that got its first session here or lost its last is marked, and
 * {@link #flush()} writes its count now (read after it was unmarked, so the last write carries the
 * latest state); other count changes are written by {@link #refresh()} at the heartbeat. One flush at
 * a time; a failed write, or {@link #resync()}, makes the next flush write every group and topic this
 * node has sessions of or wrote before.
 */
final class InterestBook {

    /** Where the entries go (Redis in a cluster, a map in tests). */
    interface Store {
        /**
         * @param stream   a group or topic
         * @param sessions this node's sessions of it; 0: none (publish nothing of it here)
         * @return false when the write failed
         */
        boolean write(StreamKey.Named stream, int sessions);
    }

    private final Set<StreamKey.Named> dirty = ConcurrentHashMap.newKeySet();
    private final Map<StreamKey.Named, Integer> written = new ConcurrentHashMap<>();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final ToIntFunction<StreamKey.Named> sessions;
    private final Supplier<List<StreamKey.Named>> streams;
    private final Store store;
    private volatile boolean resync = true;

    /**
     * @param sessions this node's member or subscriber sessions of the stream now (opening ones included)
     * @param streams  every group and topic this node has sessions of, now
     * @param store    where the entries are written
     */
    InterestBook(ToIntFunction<StreamKey.Named> sessions, Supplier<List<StreamKey.Named>> streams, Store store) {
        this.sessions = sessions;
        this.streams = streams;
        this.store = store;
    }

    /** @param stream a group or topic whose sessions here went from none to some, or the reverse */
    void changed(StreamKey.Named stream) {
        dirty.add(stream);
    }

    /**
     * The heartbeat's part: marks every group and topic whose count here differs from the one last
     * written, then flushes.
     *
     * @return false when a write failed
     */
    boolean refresh() {
        Set<StreamKey.Named> known = new HashSet<>(streams.get());
        known.addAll(written.keySet());
        for (StreamKey.Named stream : known) {
            if (sessions.applyAsInt(stream) != written.getOrDefault(stream, 0)) {
                dirty.add(stream);
            }
        }
        return flush();
    }

    /** Makes the next flush write every entry again (Redis is back, or it lost them). */
    void resync() {
        resync = true;
    }

    /**
     * Writes what changed, unless another thread is flushing (it picks the changes up before it stops).
     *
     * @return false when a write failed (the next flush writes everything)
     */
    boolean flush() {
        while ((resync || !dirty.isEmpty()) && flushing.compareAndSet(false, true)) {
            try {
                if (resync) {
                    resync = false;
                    dirty.addAll(streams.get());
                    dirty.addAll(written.keySet());
                }
                for (StreamKey.Named stream : dirty) {
                    dirty.remove(stream); // before reading the state: a later change is marked again
                    int count = sessions.applyAsInt(stream);
                    if (!store.write(stream, count)) {
                        resync = true;
                        return false;
                    }
                    if (count > 0) {
                        written.put(stream, count);
                    } else {
                        written.remove(stream);
                    }
                }
            } finally {
                flushing.set(false);
            }
        }
        return true;
    }
}
