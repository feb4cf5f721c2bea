package dev.herald.api.control;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Refused REST requests, logged aggregated: the first refusal is logged at once, later ones at most
 * once per interval, as counts per reason since the previous line. A caller repeating a refused
 * request at will cannot fill the log. Lock-free; never a credential, a path or a header value.
 */
final class RefusalLog {

    private final Logger log;
    private final long intervalNanos;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final AtomicLong nextLine;

    /**
     * @param log           where to log
     * @param intervalNanos the shortest time between two lines
     */
    RefusalLog(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.nextLine = new AtomicLong(System.nanoTime());
    }

    /**
     * Counts a refusal and logs the counts if the interval has passed.
     *
     * @param reason a short fixed reason, e.g. {@code "cross-site (403)"}
     */
    void refused(String reason) {
        counts.computeIfAbsent(reason, key -> new LongAdder()).increment();
        long now = System.nanoTime();
        long next = nextLine.get();
        if (now - next >= 0 && nextLine.compareAndSet(next, now + intervalNanos)) {
            Map<String, Long> since = new TreeMap<>();
            counts.forEach((key, count) -> {
                long sum = count.sumThenReset();
                if (sum > 0) {
                    since.put(key, sum);
                }
            });
            if (!since.isEmpty() && log.isLoggable(Level.INFO)) {
                log.info("REST requests refused since the last report: " + since);
            }
        }
    }
}
