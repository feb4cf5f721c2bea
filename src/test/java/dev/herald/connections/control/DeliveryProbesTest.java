package dev.herald.connections.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Delivery probes can only be answered by a client that read them. */
class DeliveryProbesTest {

    private static ByteBuffer copy(ByteBuffer payload) {
        return ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
    }

    private static ByteBuffer id(long id) {
        return ByteBuffer.allocate(Long.BYTES).putLong(0, id);
    }

    @Test
    void forgedPongsConfirmNothing() {
        DeliveryProbes probes = new DeliveryProbes(1000);
        ByteBuffer first = null;
        for (int i = 0; i < 10; i++) {
            probes.written(1000);
            ByteBuffer payload = probes.probe(System.nanoTime());
            first = first == null ? copy(payload) : first;
        }
        long forgedFrom = first.getLong(0);
        for (long guess = -1000; guess <= 1000; guess++) { // the ids of a per-session counter, and their neighbours
            if (guess != forgedFrom) {
                assertFalse(probes.acknowledge(id(guess)));
            }
        }
        assertFalse(probes.acknowledge(ByteBuffer.allocate(0)));
        assertFalse(probes.acknowledge(ByteBuffer.wrap(new byte[]{1, 2, 3})));
        assertFalse(probes.acknowledge(null));
        assertEquals(10_000, probes.unconfirmedBytes(), "a client that read nothing has nothing confirmed");
    }

    @Test
    void aGenuinePongConfirmsItsProbeAndTheOlderOnesOnce() {
        DeliveryProbes probes = new DeliveryProbes(1000);
        probes.written(1000);
        ByteBuffer older = copy(probes.probe(1));
        probes.written(1000);
        ByteBuffer newer = copy(probes.probe(2));
        probes.written(500);

        assertTrue(probes.acknowledge(newer.duplicate()));
        assertEquals(500, probes.unconfirmedBytes(), "the bytes before the newer probe are confirmed");
        assertFalse(probes.acknowledge(newer.duplicate()), "a repeated pong answers no outstanding probe");
        assertFalse(probes.acknowledge(older.duplicate()), "an older probe was answered with the newer one");
    }

    @Test
    void payloadsAreRandom() {
        Set<Long> ids = new HashSet<>();
        for (int session = 0; session < 50; session++) {
            DeliveryProbes probes = new DeliveryProbes(1);
            for (int i = 0; i < 20; i++) {
                probes.written(1);
                ids.add(probes.probe(i).getLong(0));
            }
        }
        assertEquals(1000, ids.size(), "no id repeats within or across sessions");
        DeliveryProbes probes = new DeliveryProbes(1);
        long a = probes.probe(0).getLong(0);
        long b = probes.probe(0).getLong(0);
        assertNotEquals(a + 1, b, "not a counter");
    }
}
