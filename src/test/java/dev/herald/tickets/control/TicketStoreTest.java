package dev.herald.tickets.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TicketStoreTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final TicketStore store = new TicketStore(30, now::get);

    @Test
    void aTicketIs256RandomBitsInUrlSafeText() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String ticket = store.issue(1);
            assertTrue(ticket.matches("[A-Za-z0-9_-]{43}"), ticket);
            assertEquals(32, Base64.getUrlDecoder().decode(ticket).length);
            assertTrue(seen.add(ticket), "tickets never repeat");
            assertTrue(TicketStore.wellFormed(ticket), ticket);
        }
    }

    @Test
    void onlyValuesInTheFormOfATicketAreWellFormed() {
        String ticket = store.issue(1);
        for (String malformed : new String[]{null, "", "x", ticket + "A", ticket.substring(1), "f".repeat(43), "+".repeat(43),
                ticket.substring(0, 42) + "=", ticket.substring(0, 42) + "B", ticket.substring(0, 42) + " ", "é".repeat(43)}) {
            assertEquals(false, TicketStore.wellFormed(malformed), String.valueOf(malformed));
        }
        assertEquals(OptionalLong.empty(), store.consume(ticket.substring(0, 42) + "B"));
    }

    @Test
    void aTicketYieldsItsOwnUserOnce() {
        String alice = store.issue(1);
        String bob = store.issue(2);
        assertEquals(OptionalLong.of(2), store.consume(bob));
        assertEquals(OptionalLong.of(1), store.consume(alice));
        assertEquals(OptionalLong.empty(), store.consume(alice), "replayed");
        assertEquals(OptionalLong.empty(), store.consume(bob), "replayed");
    }

    @Test
    void unknownAndMalformedTicketsYieldNobody() {
        store.issue(1);
        assertEquals(OptionalLong.empty(), store.consume(null));
        assertEquals(OptionalLong.empty(), store.consume(""));
        assertEquals(OptionalLong.empty(), store.consume("x".repeat(43)));
        assertEquals(OptionalLong.empty(), store.consume("x".repeat(100_000)));
    }

    @Test
    void aTicketExpiresAfterItsTimeToLive() {
        String valid = store.issue(1);
        String expired = store.issue(1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(30) - 1);
        assertEquals(OptionalLong.of(1), store.consume(valid), "still valid 1 ns before expiry");
        now.addAndGet(1);
        assertEquals(OptionalLong.empty(), store.consume(expired));
        assertEquals(30, store.ttlSeconds());
    }

    @Test
    void expiredTicketsArePurgedOnIssue() {
        for (int i = 0; i < 100; i++) {
            store.issue(i + 1);
        }
        now.addAndGet(TimeUnit.SECONDS.toNanos(31));
        String fresh = store.issue(7);
        assertEquals(1, store.size(), "only the fresh ticket is left");
        assertEquals(OptionalLong.of(7), store.consume(fresh));
    }

    @Test
    void ofManyConcurrentConsumersOfOneTicketExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 200; round++) {
                String ticket = store.issue(42);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<OptionalLong>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return store.consume(ticket);
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<OptionalLong> result : results) {
                    OptionalLong user = result.get(10, TimeUnit.SECONDS);
                    if (user.isPresent()) {
                        assertEquals(42, user.getAsLong());
                        winners++;
                    }
                }
                assertEquals(1, winners, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentIssuesNeverCollide() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> issued = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                long user = i % 5 + 1;
                issued.add(pool.submit(() -> store.issue(user)));
            }
            Set<String> tickets = new HashSet<>();
            for (Future<String> ticket : issued) {
                tickets.add(ticket.get(10, TimeUnit.SECONDS));
            }
            assertEquals(2000, tickets.size());
            assertNotEquals(0, store.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void outstandingTicketsPerUserAreCapped() {
        TicketStore limited = new TicketStore(30, 3, 0, now::get);
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            issued.add(limited.issue(1));
            now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        }
        TicketLimitException refused = org.junit.jupiter.api.Assertions.assertThrows(TicketLimitException.class, () -> limited.issue(1));
        assertEquals(27, refused.retryAfterSeconds(), "until the oldest expires: issued 3 s ago, valid 30 s");
        limited.issue(2); // another user is not affected
        assertEquals(OptionalLong.of(1), limited.consume(issued.get(1)));
        limited.issue(1); // a used ticket no longer counts
        org.junit.jupiter.api.Assertions.assertThrows(TicketLimitException.class, () -> limited.issue(1));
        now.addAndGet(TimeUnit.SECONDS.toNanos(28));
        limited.issue(1); // the oldest expired
    }

    @Test
    void issuancePerUserIsRateLimited() {
        TicketStore limited = new TicketStore(30, 0, 5, now::get);
        for (int i = 0; i < 5; i++) {
            limited.consume(limited.issue(1));
        }
        now.addAndGet(TimeUnit.SECONDS.toNanos(20));
        TicketLimitException refused = org.junit.jupiter.api.Assertions.assertThrows(TicketLimitException.class, () -> limited.issue(1));
        assertEquals(40, refused.retryAfterSeconds(), "until the minute is over");
        limited.issue(2);
        now.addAndGet(TimeUnit.SECONDS.toNanos(40));
        limited.issue(1);
    }

    @Test
    void idleUsersAreForgotten() {
        TicketStore limited = new TicketStore(30, 3, 5, now::get);
        for (long user = 1; user <= 100; user++) {
            limited.consume(limited.issue(user));
        }
        now.addAndGet(TimeUnit.SECONDS.toNanos(61));
        limited.issue(1000); // purges
        assertEquals(1, limited.trackedUsers());
    }
}
