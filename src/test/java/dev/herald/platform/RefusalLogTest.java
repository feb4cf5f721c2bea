package dev.herald.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A flood of refusals makes one full line per kind and one summary line per interval. */
class RefusalLogTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getAnonymousLogger();

    RefusalLogTest() {
        logger.setUseParentHandlers(false);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getLevel() + " " + record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Test
    void aFloodIsLoggedOnceThenSummarised() {
        RefusalLog refusals = new RefusalLog(logger);
        for (int i = 0; i < 10_000; i++) {
            int n = i;
            refusals.refused("handshake: invalid ticket", Level.INFO, () -> "Refused handshake " + n);
            if (i % 2 == 0) {
                refusals.refused("inbound: rate limit", Level.INFO, () -> "Closed session " + n);
            }
        }
        refusals.refused("inbound: malformed JSON", Level.WARNING, () -> "Malformed JSON");
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("INFO Refused handshake 0 (further \"handshake: invalid ticket\""), lines.get(0));
        assertTrue(lines.get(1).startsWith("INFO Closed session 0"), lines.get(1));
        assertTrue(lines.get(2).startsWith("WARNING Malformed JSON"), lines.get(2));

        refusals.summarise();
        assertEquals(4, lines.size());
        assertEquals("INFO Repeated refusals in the last 60 s: handshake: invalid ticket ×9999, inbound: rate limit ×4999", lines.get(3));

        refusals.summarise();
        assertEquals(4, lines.size(), "a quiet interval logs nothing");
        refusals.refused("handshake: invalid ticket", Level.INFO, () -> "Refused handshake again");
        assertEquals("INFO Refused handshake again (further \"handshake: invalid ticket\" refusals are summarised every 60 s)", lines.get(4));
    }

    @Test
    void concurrentRefusalsAreAllCounted() throws InterruptedException {
        RefusalLog refusals = new RefusalLog(logger);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    refusals.refused("k", Level.INFO, () -> "first");
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        refusals.summarise();
        assertEquals(List.of("INFO first (further \"k\" refusals are summarised every 60 s)", "INFO Repeated refusals in the last 60 s: k ×3999"), lines);
    }
}
