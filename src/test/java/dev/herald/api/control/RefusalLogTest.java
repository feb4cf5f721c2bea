package dev.herald.api.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class RefusalLogTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private Logger logger(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setUseParentHandlers(false);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        return logger;
    }

    @Test
    void aFloodIsOneLine() throws Exception {
        RefusalLog refusals = new RefusalLog(logger("refusal-log-flood"), TimeUnit.HOURS.toNanos(1));
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    refusals.refused("cross-site (403)");
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("cross-site (403)"), lines.toString());
    }

    @Test
    void laterLinesCountWhatHappenedSinceThePreviousOne() {
        RefusalLog refusals = new RefusalLog(logger("refusal-log-counts"), 0);
        refusals.refused("a");
        refusals.refused("b");
        assertEquals(List.of("REST requests refused since the last report: {a=1}", "REST requests refused since the last report: {b=1}"), lines);
    }
}
