package dev.herald.inbound.control;

/**
 * A token bucket for one session's inbound frames: {@code burst} frames at once, refilled at
 * {@code rate} frames per second. Time comes from the caller ({@link System#nanoTime()}), so tests
 * need no clock. Guarded by its own monitor: one bucket per session, never contended across sessions.
 */
public final class TokenBucket {

    private final double tokensPerNano;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    /**
     * @param ratePerSecond sustained frames per second; 0 or less disables the limit
     * @param burst         frames allowed at once (at least 1)
     * @param nowNanos      the current {@link System#nanoTime()}; the bucket starts full
     */
    public TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        this.tokensPerNano = ratePerSecond / 1e9;
        this.capacity = Math.max(1, burst);
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /**
     * Takes one token if there is one.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     * @return true when the frame is within the limit
     */
    public synchronized boolean tryTake(long nowNanos) {
        if (tokensPerNano <= 0) {
            return true;
        }
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
            lastNanos = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
