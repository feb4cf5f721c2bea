package dev.herald.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.stats.control.HeraldStats;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutageTest {

    private final HeraldStats stats = new HeraldStats();
    private final AtomicInteger changes = new AtomicInteger();
    private final Outage outage = new Outage("127.0.0.1:1", stats, changes::incrementAndGet);

    @Test
    void aRunOfFailuresIsOneOutageAndOneRecovery() {
        assertFalse(outage.isDown());
        assertFalse(outage.recovered(), "nothing to recover from");
        assertTrue(outage.failed(new IOException("refused")));
        for (int i = 0; i < 100; i++) {
            assertFalse(outage.failed(new IOException("refused")));
        }
        assertTrue(outage.isDown());
        assertEquals(1, stats.snapshot(0).getInt("redisOutages"));
        assertTrue(outage.recovered());
        assertFalse(outage.recovered());
        assertFalse(outage.isDown());
        assertEquals(2, changes.get(), "one change down, one up");
        assertTrue(outage.failed(new IOException("again")));
        assertEquals(2, stats.snapshot(0).getInt("redisOutages"));
    }
}
