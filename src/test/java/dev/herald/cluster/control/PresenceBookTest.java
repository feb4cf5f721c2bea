package dev.herald.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PresenceBookTest {

    /** The local registry: user id → live sessions on this node. */
    private final Map<Long, AtomicInteger> local = new ConcurrentHashMap<>();
    /** What the shared presence holds for this node. */
    private final Map<Long, Integer> shared = new HashMap<>();
    private final List<String> writes = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile boolean storeFails;
    /** Runs once inside the next count read or store write, as another thread would at that moment. */
    private volatile Runnable meanwhile;

    private final PresenceBook book = new PresenceBook(this::sessions, this::snapshot, this::write);

    private int sessions(long userId) {
        AtomicInteger n = local.get(userId);
        int count = n == null ? 0 : n.get();
        runMeanwhile();
        return count;
    }

    private void runMeanwhile() {
        Runnable other = meanwhile;
        meanwhile = null;
        if (other != null) {
            other.run();
        }
    }

    private Map<Long, Integer> snapshot() {
        Map<Long, Integer> copy = new HashMap<>();
        local.forEach((userId, n) -> {
            if (n.get() > 0) {
                copy.put(userId, n.get());
            }
        });
        return copy;
    }

    private boolean write(Map<Long, Integer> counts, boolean replace) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            if (storeFails) {
                return false;
            }
            writes.add((replace ? "replace " : "update ") + new java.util.TreeMap<>(counts));
            runMeanwhile();
            if (replace) {
                shared.clear();
            }
            counts.forEach((userId, n) -> {
                if (n == 0) {
                    shared.remove(userId);
                } else {
                    shared.put(userId, n);
                }
            });
            return true;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void open(long userId) {
        local.computeIfAbsent(userId, id -> new AtomicInteger()).incrementAndGet();
        book.changed(userId);
        book.flush();
    }

    private void close(long userId) {
        local.get(userId).decrementAndGet();
        book.changed(userId);
        book.flush();
    }

    private Map<Long, Integer> truth() {
        return snapshot();
    }

    @Test
    void theFirstFlushReplacesWhatAnEarlierRunLeft() {
        shared.put(9L, 4); // left by a previous run of this node id
        local.put(1L, new AtomicInteger(2));
        assertTrue(book.pending());
        assertTrue(book.flush());
        assertEquals(List.of("replace {1=2}"), writes);
        assertEquals(Map.of(1L, 2), shared);
        assertFalse(book.pending());
    }

    @Test
    void opensAndClosesWriteTheLatestCountAndTheLastCloseRemovesTheUser() {
        book.flush();
        open(1);
        open(1);
        open(2);
        assertEquals(Map.of(1L, 2, 2L, 1), shared);
        close(1);
        assertEquals(Map.of(1L, 1, 2L, 1), shared);
        close(1);
        assertEquals(Map.of(2L, 1), shared);
        assertEquals(List.of("replace {}", "update {1=1}", "update {1=2}", "update {2=1}", "update {1=1}", "update {1=0}"), writes);
    }

    @Test
    void aFailedWriteIsRepairedByAFullReplaceOnceTheStoreWorksAgain() {
        book.flush();
        open(1);
        storeFails = true;
        open(2);     // lost
        close(1);    // lost
        open(3);     // lost
        assertEquals(Map.of(1L, 1), shared, "the store kept the state from before the failure");
        assertTrue(book.pending(), "a failure leaves a full rewrite pending");
        storeFails = false;
        assertTrue(book.flush());
        assertEquals(truth(), shared);
        assertEquals("replace {2=1, 3=1}", writes.get(writes.size() - 1));
    }

    @Test
    void aChangeMadeWhileTheCountIsReadIsWrittenAfterIt() {
        book.flush();
        open(1);
        meanwhile = () -> close(1); // a tab closes just after the flusher read "2 sessions"
        open(1);
        assertEquals(Map.of(1L, 1), shared);
        assertEquals(truth(), shared);
    }

    @Test
    void aChangeMadeWhileAnotherThreadWritesIsPickedUpByThatThread() {
        book.flush();
        meanwhile = () -> {
            local.computeIfAbsent(7L, id -> new AtomicInteger()).incrementAndGet();
            book.changed(7);
            assertTrue(book.flush(), "returns at once: the writing thread takes the change");
        };
        open(1);
        assertEquals(Map.of(1L, 1, 7L, 1), shared);
        assertEquals(1, maxInFlight.get());
    }

    @Test
    void resyncRewritesEverythingEvenWithoutChanges() {
        book.flush();
        open(5);
        shared.clear(); // e.g. Redis restarted empty
        book.resync();
        book.flush();
        assertEquals(Map.of(5L, 1), shared);
    }

    @Test
    void concurrentOpensAndClosesEndWithTheSharedPresenceEqualToTheRegistry() throws Exception {
        book.flush();
        int threads = 8;
        int rounds = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(pool.submit(() -> {
                start.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < rounds; i++) {
                    long userId = 1 + random.nextInt(4); // few users: many races on the same user
                    open(userId);
                    if (random.nextInt(3) > 0) {
                        close(userId);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> task : tasks) {
            task.get();
        }
        pool.shutdown();
        book.flush(); // whatever a thread left for the flusher that was busy
        assertFalse(book.pending());
        assertEquals(truth(), shared);
        assertEquals(1, maxInFlight.get(), "writes never overlap");
    }
}
