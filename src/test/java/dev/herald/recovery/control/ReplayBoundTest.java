package dev.herald.recovery.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.messages.entity.OutboundMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A replay sends at most {@code herald.recovery.max-bytes} and {@code max-messages}: the newest that fit, in order. */
class ReplayBoundTest {

    private static List<Replay.Held> held(int count, int bytes, long orderFrom) {
        List<Replay.Held> held = new ArrayList<>();
        for (int seq = 1; seq <= count; seq++) {
            String data = "x".repeat(bytes - 2 - String.valueOf(seq).length()) + seq;
            held.add(new Replay.Held(seq, orderFrom + seq * 2L, OutboundMessage.of("\"" + data + "\"")));
        }
        return held;
    }

    private static final StreamPosition HEAD = new StreamPosition("E", 100);

    @Test
    void aGapThatFitsIsReplayedWholeAndRecovered() {
        Replay replay = Replay.plan(new StreamPosition("E", 90), HEAD, held(100, 1000, 0).subList(90, 100),
                null, new StreamPosition("B", 0), List.of(), new Replay.Bound(64 * 1024, 500));
        assertTrue(replay.recovered());
        assertEquals(10, replay.replayed());
    }

    @Test
    void aGapLargerThanTheByteBoundSendsTheNewestThatFitInOrderAndNotRecovered() {
        List<Replay.Held> all = held(100, 20_000, 0);
        Replay replay = Replay.plan(new StreamPosition("E", 0), HEAD, all, null, new StreamPosition("B", 0), List.of(),
                new Replay.Bound(256 * 1024, 500));
        assertFalse(replay.recovered());
        assertEquals(13, replay.replayed(), "13 x 20,000 bytes fit in 256 KiB");
        long bytes = 0;
        for (int i = 0; i < replay.replayed(); i++) {
            OutboundMessage frame = replay.frames().get(i);
            assertTrue(frame.json().endsWith((88 + i) + "\""), "the newest, in seq order: " + i);
            bytes += frame.bytes();
        }
        assertTrue(bytes <= 256 * 1024);
        assertTrue(replay.frames().get(replay.replayed()).json().contains("\"recovered\":false,\"replayed\":13"));
    }

    @Test
    void theCountBoundCutsAcrossBothStreamsKeepingTheNewest() {
        List<Replay.Held> user = held(30, 100, 0);      // orders 2, 4, ... 60
        List<Replay.Held> broadcast = held(30, 100, 1); // orders 3, 5, ... 61
        Replay replay = Replay.plan(new StreamPosition("E", 0), new StreamPosition("E", 30), user,
                new StreamPosition("B", 0), new StreamPosition("B", 30), broadcast, new Replay.Bound(1 << 20, 10));
        assertFalse(replay.recovered());
        assertEquals(10, replay.replayed());
        assertEquals(user.get(25).frame(), replay.frames().get(0), "user 26, broadcast 26, ... user 30, broadcast 30");
        assertEquals(broadcast.get(29).frame(), replay.frames().get(9));
    }
}
