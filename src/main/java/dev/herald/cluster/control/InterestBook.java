package dev.herald.cluster.control;

import dev.herald.messages.entity.StreamKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Keeps this node's entries in the groups' and topics' node hashes ({@link KeyLayout#interest})
 * equal to its sessions, without a lock, as {@link PresenceBook} does for users: a group or topic
 * that got its first session here or lost its last is marked, and {@link #flush()} writes whether it
 * has sessions here now (read after it was unmarked, so the last write carries the latest state).
 * One flush at a time; a failed write, or {@link #resync()}, makes the next flush write every group
 * and topic this node has sessions of or wrote before.
 */
final class InterestBook {

    /** Where the entries go (Redis in a cluster, a map in tests). */
    interface Store {
        /**
         * @param stream     a group or topic
         * @param interested true: this node has sessions of it (publish to it); false: it has none
         * @return false when the write failed
         */
        boolean write(StreamKey.Named stream, boolean interested);
    }

    private final Set<StreamKey.Named> dirty = ConcurrentHashMap.newKeySet();
    private final Set<StreamKey.Named> written = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final Predicate<StreamKey.Named> targets;
    private final Supplier<List<StreamKey.Named>> streams;
    private final Store store;
    private volatile boolean resync = true;

    /**
     * @param targets true when this node has a member or subscriber session of the stream now
     * @param streams every group and topic this node has sessions of, now
     * @param store   where the entries are written
     */
    InterestBook(Predicate<StreamKey.Named> targets, Supplier<List<StreamKey.Named>> streams, Store store) {
        this.targets = targets;
        this.streams = streams;
        this.store = store;
    }

    /** @param stream a group or topic whose sessions here went from none to some, or the reverse */
    void changed(StreamKey.Named stream) {
        dirty.add(stream);
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
                    dirty.addAll(written);
                }
                for (StreamKey.Named stream : dirty) {
                    dirty.remove(stream); // before reading the state: a later change is marked again
                    boolean interested = targets.test(stream);
                    if (!store.write(stream, interested)) {
                        resync = true;
                        return false;
                    }
                    if (interested) {
                        written.add(stream);
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
