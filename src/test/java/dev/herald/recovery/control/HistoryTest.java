package dev.herald.recovery.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.messages.entity.StreamKey;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private static List<Long> seqs(List<Replay.Held> held) {
        return held.stream().map(Replay.Held::seq).toList();
    }

    private static Replay.Held append(History history, long key, String data) {
        History.Stream stream = history.stream(StreamKey.user(key));
        synchronized (stream) {
            return stream.append(data);
        }
    }

    @Test
    void aStreamHoldsItsLastMessagesInSequenceOrder() {
        History history = new History(3, 60_000, 1 << 20, now::get);
        for (int n = 1; n <= 5; n++) {
            assertEquals(n, append(history, 7, "{\"n\":" + n + "}").seq());
        }
        History.Stream stream = history.stream(StreamKey.user(7));
        assertEquals(5, stream.head().seq());
        assertEquals(List.of(3L, 4L, 5L), seqs(stream.after(0)));
        assertEquals(List.of(5L), seqs(stream.after(4)));
        assertEquals(List.of(), seqs(stream.after(5)));
        assertEquals(3, history.entries());
        String frame = stream.after(4).get(0).frame().json();
        assertEquals("{\"type\":\"herald.message\",\"stream\":\"user\",\"epoch\":\"" + stream.head().epoch()
                + "\",\"seq\":5,\"data\":{\"n\":5}}", frame);
    }

    @Test
    void messagesOlderThanTheTtlAreDroppedAndIdleStreamsForgotten() {
        History history = new History(100, 1000, 1 << 20, now::get);
        append(history, 1, "{}");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(600));
        append(history, 1, "{}");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(600));
        History.Stream stream = history.stream(StreamKey.user(1));
        assertEquals(List.of(2L), seqs(stream.after(0)), "the first is older than the TTL");
        String epoch = stream.head().epoch();
        history.expire();
        assertSame(stream, history.stream(StreamKey.user(1)), "a stream with a message younger than the TTL stays");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(600));
        history.expire();
        assertTrue(stream.isForgotten());
        assertEquals(0, history.streams());
        assertEquals(0, history.entries());
        assertEquals(0, history.bytes(), "nothing left charged once everything expired");
        History.Stream fresh = history.stream(StreamKey.user(1));
        assertNotEquals(epoch, fresh.head().epoch(), "a history that starts from nothing has a new epoch");
        assertEquals(0, fresh.head().seq());
    }

    @Test
    void epochsAreRandomLettersAndDigits() {
        History history = new History(10, 60_000, 1 << 20, now::get);
        Set<String> epochs = new HashSet<>();
        for (long user = 1; user <= 1000; user++) {
            String epoch = history.stream(StreamKey.user(user)).head().epoch();
            assertTrue(epoch.matches("[A-Za-z0-9]{12}"), epoch);
            epochs.add(epoch);
        }
        assertEquals(1000, epochs.size());
    }

    @Test
    void theGlobalByteBoundHoldsUnderManyUsers() {
        long max = 256 * 1024;
        History history = new History(100, 60_000, max, now::get);
        String data = "{\"message\":\"" + "x".repeat(200) + "\"}";
        long entryCost = History.ENTRY_OVERHEAD + V1Protocol.message(StreamKey.user(1), "epochepochep", 100, data).bytes();
        for (long user = 1; user <= 20_000; user++) {
            for (int n = 0; n < 3; n++) {
                append(history, user, data);
                history.enforceBound();
                assertTrue(history.bytes() <= max, "over the bound: " + history.bytes());
            }
            history.stream(StreamKey.user(user + 1_000_000)); // a v1 session that never gets a message still costs its stream
            history.enforceBound();
            assertTrue(history.bytes() <= max);
        }
        assertTrue(history.bytes() > max - entryCost - History.STREAM_OVERHEAD, "the bound is used, not undershot: " + history.bytes());
        assertTrue(history.evictions() > 50_000);
        assertTrue(history.streams() < 1000, "evicted streams are forgotten: " + history.streams());
        assertEquals(List.of(1L, 2L, 3L), seqs(history.stream(StreamKey.user(20_000)).after(0)), "the newest user keeps all");
        History.Stream first = history.stream(StreamKey.user(1));
        assertEquals(0, first.head().seq(), "the oldest user's stream was evicted and starts again");
    }

    @Test
    void countTrimmingReleasesItsBytes() {
        History history = new History(2, 1000, 1 << 20, now::get);
        for (int n = 0; n < 10_000; n++) {
            append(history, 1 + n % 10, "{\"n\":" + n + "}");
        }
        assertEquals(20, history.entries());
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1001));
        history.expire();
        assertEquals(0, history.bytes(), "removed messages leave no charge behind once their queue nodes are released");
    }

    @Test
    void aSizeOfZeroHoldsNothingButKeepsCounting() {
        History history = new History(0, 60_000, 1 << 20, now::get);
        append(history, 1, "{}");
        append(history, 1, "{}");
        History.Stream stream = history.stream(StreamKey.user(1));
        assertEquals(2, stream.head().seq());
        assertEquals(List.of(), seqs(stream.after(0)));
        assertEquals(0, history.entries());
    }
}
