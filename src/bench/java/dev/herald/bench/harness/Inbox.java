package dev.herald.bench.harness;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Where every healthy client's messages land: per run (P1) or round (P2), how many arrived, when the
 * last one did, and the latency of each (receipt minus the server's {@code nanoTime} stamped at the send
 * call; both processes read the same monotonic clock of this machine).
 */
final class Inbox {

    /** Receipts of one run or round. */
    static final class Run {
        private final LongAdder count = new LongAdder();
        private final AtomicLong firstSent = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong lastReceipt = new AtomicLong();
        private final Recorder latencyMicros = new Recorder(3);

        void record(long sentNanos, long receivedNanos) {
            count.increment();
            firstSent.accumulateAndGet(sentNanos, Math::min);
            lastReceipt.accumulateAndGet(receivedNanos, Math::max);
            latencyMicros.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(receivedNanos - sentNanos)));
        }

        /** @return messages received */
        long count() {
            return count.sum();
        }

        /** @return the earliest send stamp seen, or Long.MAX_VALUE */
        long firstSentNanos() {
            return firstSent.get();
        }

        /** @return the latest receipt time */
        long lastReceiptNanos() {
            return lastReceipt.get();
        }

        /** @return every latency recorded so far, in microseconds */
        Histogram latencies() {
            return latencyMicros.getIntervalHistogram();
        }
    }

    private final Map<Long, Run> runs = new ConcurrentHashMap<>();

    /**
     * @param run the run or round id
     * @return its receipts (created empty on first use)
     */
    Run run(long run) {
        return runs.computeIfAbsent(run, id -> new Run());
    }

    /** Forgets every run (between scenarios). */
    void clear() {
        runs.clear();
    }

    /**
     * Records one message. Reads only the two numeric fields it needs, so the client spends its CPU
     * on receiving rather than on parsing.
     *
     * @param json          the message text (a {@code BenchMessage})
     * @param receivedNanos when it arrived
     */
    void accept(String json, long receivedNanos) {
        long run = number(json, "\"run\":");
        long sent = number(json, "\"t\":");
        if (run >= 0 && sent >= 0) {
            run(run).record(sent, receivedNanos);
        }
    }

    /**
     * Waits until a condition holds or the time runs out (checked every millisecond; the figures come
     * from receipt stamps, not from this loop).
     *
     * @param condition what to wait for
     * @param limitMs   the longest wait
     * @return whether the condition held
     */
    static boolean await(BooleanSupplier condition, long limitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    private static long number(String text, String key) {
        int at = text.indexOf(key);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        int i = at + key.length();
        int digits = 0;
        for (; i < text.length() && Character.isDigit(text.charAt(i)); i++, digits++) {
            value = value * 10 + (text.charAt(i) - '0');
        }
        return digits == 0 ? -1 : value;
    }
}
