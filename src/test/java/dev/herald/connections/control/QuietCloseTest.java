package dev.herald.connections.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.stats.control.HeraldStats;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuietCloseTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long now = 1_000 * MS;
    private final Deque<long[]> delays = new ArrayDeque<>();
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private final FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
    private final Connection connection = bound(fake);
    private final QuietClose quiet = new QuietClose((task, delayNanos) -> {
        tasks.add(task);
        delays.add(new long[]{delayNanos});
    }, () -> now, QuietCloseTest::close);

    /** A registration whose session has opened. */
    private static Connection bound(FakeSession fake) {
        Connection connection = new Connection(1, 1 << 20, new HeraldStats(), (c, r, e) -> { }, false, 0);
        connection.bind(new WebSocketTransport(fake.session));
        return connection;
    }

    private static void close(Transport session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Advances the clock to the next scheduled check and runs it. */
    private void runNext() {
        now += delays.poll()[0];
        tasks.poll().run();
    }

    @Test
    void closesOnlyOnceTheClientHasBeenQuiet() {
        connection.seen(now); // the refused frame
        quiet.close(connection, HeraldCloseCodes.RATE_LIMIT);
        assertTrue(fake.open, "not while the client may still be sending");
        assertEquals(QuietClose.QUIET_MS * MS, delays.peek()[0]);

        long firstCheck = now + delays.peek()[0];
        connection.seen(firstCheck - 100 * MS); // the client was still sending 100 ms before the check
        runNext();
        assertTrue(fake.open);
        assertEquals((QuietClose.QUIET_MS - 100) * MS, delays.peek()[0]);

        runNext();
        assertFalse(fake.open);
        assertSame(HeraldCloseCodes.RATE_LIMIT, fake.closeReason);
        assertTrue(tasks.isEmpty());
    }

    @Test
    void aClientThatNeverStopsIsClosedAtTheLatestAfterTheLimit() {
        long refused = now;
        connection.seen(now);
        quiet.close(connection, HeraldCloseCodes.MESSAGE_TOO_BIG);
        while (fake.open) {
            long checkAt = now + delays.peek()[0];
            connection.seen(checkAt - 50 * MS); // the client sent a frame 50 ms before each check
            runNext();
        }
        assertEquals(QuietClose.MAX_MS * MS, now - refused);
        assertSame(HeraldCloseCodes.MESSAGE_TOO_BIG, fake.closeReason);
    }

    @Test
    void closesAtOnceWhenItCannotWait() {
        connection.seen(now - QuietClose.QUIET_MS * MS); // quiet already
        quiet.close(connection, HeraldCloseCodes.BINARY_NOT_ACCEPTED);
        assertFalse(fake.open);
        assertTrue(tasks.isEmpty());

        FakeSession stopping = new FakeSession(FakeSession.Mode.INLINE);
        Connection refused = bound(stopping);
        refused.seen(now);
        new QuietClose((task, delay) -> {
            throw new RejectedExecutionException("application stopping");
        }, () -> now, QuietCloseTest::close).close(refused, HeraldCloseCodes.RATE_LIMIT);
        assertFalse(stopping.open);

        FakeSession outside = new FakeSession(FakeSession.Mode.INLINE);
        Connection noContainer = bound(outside);
        noContainer.seen(now);
        new QuietClose(null, () -> now, QuietCloseTest::close).close(noContainer, HeraldCloseCodes.RATE_LIMIT);
        assertFalse(outside.open);
    }

    @Test
    void aClientThatClosedMeanwhileIsLeftAlone() {
        connection.seen(now);
        quiet.close(connection, HeraldCloseCodes.RATE_LIMIT);
        fake.open = false; // the client closed first
        runNext();
        assertNull(fake.closeReason);
        assertTrue(tasks.isEmpty());
    }

    @Test
    void onlyRefusalsOfInputWait() {
        assertTrue(QuietClose.waitsFor(HeraldCloseCodes.RATE_LIMIT));
        assertTrue(QuietClose.waitsFor(HeraldCloseCodes.MESSAGE_TOO_BIG));
        assertTrue(QuietClose.waitsFor(HeraldCloseCodes.BINARY_NOT_ACCEPTED));
        assertFalse(QuietClose.waitsFor(HeraldCloseCodes.SESSION_LIMIT));
        assertFalse(QuietClose.waitsFor(HeraldCloseCodes.SLOW_CONSUMER));
        assertFalse(QuietClose.waitsFor(HeraldCloseCodes.DISCONNECTED));
    }
}
