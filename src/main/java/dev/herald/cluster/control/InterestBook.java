package dev.herald.cluster.control;

import dev.herald.messages.entity.StreamKey;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Keeps this node's entries in the groups' and topics' node hashes ({@link KeyLayout#interest}), its
 * session count and its users of each, equal to its sessions, without a lock, as {@link PresenceBook} does for
 * users: a group or topic that got its first session here or lost its last is marked, and
 * {@link #flush()} writes its count now (read after it was unmarked, so the last write carries the
 * latest state); other changes of count or users are written by {@link #refresh()} at the heartbeat. One flush at
 * a time; a failed write, or {@link #resync()}, makes the next flush write every group and topic this
 * node has sessions of or wrote before.
 */
final class InterestBook {

    /** Where the entries go (Redis in a cluster, a map in tests). */
    interface Store {
        /**
         * @param stream   a group or topic
         * @param sessions this node's sessions of it; 0: none (publish nothing of it here)
         * @param users    the users those sessions belong to
         * @return false when the write failed
         */
        boolean write(StreamKey.Named stream, int sessions, Collection<Long> users);
    }

    private final Set<StreamKey.Named> dirty = ConcurrentHashMap.newKeySet();
    private final Map<StreamKey.Named, Written> written = new ConcurrentHashMap<>();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final ToIntFunction<StreamKey.Named> sessions;
    private final Function<StreamKey.Named, ? extends Collection<Long>> users;
    private final Supplier<List<StreamKey.Named>> streams;
    private final Store store;
    private volatile boolean resync = true;

    /**
     * @param sessions this node's member or subscriber sessions of the stream now (opening ones included)
     * @param users    the users of those sessions now
     * @param streams  every group and topic this node has sessions of, now
     * @param store    where the entries are written
     */
    InterestBook(ToIntFunction<StreamKey.Named> sessions, Function<StreamKey.Named, ? extends Collection<Long>> users,
                 Supplier<List<StreamKey.Named>> streams, Store store) {
        this.sessions = sessions;
        this.users = users;
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
            if (!Written.of(sessions.applyAsInt(stream), users.apply(stream)).equals(written.getOrDefault(stream, Written.NONE))) {
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
                    Collection<Long> now = count > 0 ? users.apply(stream) : List.of();
                    if (!store.write(stream, count, now)) {
                        resync = true;
                        return false;
                    }
                    if (count > 0) {
                        written.put(stream, Written.of(count, now));
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

    /**
     * What was written of a stream: its count, and its users as a size and a 64-bit fingerprint (a sum
     * of mixed ids, so a swap of users shows as a change without keeping a copy of every set).
     */
    private record Written(int sessions, int users, long fingerprint) {

        static final Written NONE = new Written(0, 0, 0);

        static Written of(int sessions, Collection<Long> users) {
            if (sessions <= 0) {
                return NONE;
            }
            long fingerprint = 0;
            for (long user : users) {
                long z = user * 0x9E3779B97F4A7C15L; // SplitMix64's finaliser
                z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                fingerprint += z ^ (z >>> 31);
            }
            return new Written(sessions, users.size(), fingerprint);
        }
    }
}
