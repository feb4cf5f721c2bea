package dev.herald.connections.control;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Confirms that bytes reached the client, not just the container. Containers buffer async writes
 * on their own (Payara's completes a send once it is in its buffer), so a completed send says
 * nothing about a client that stopped reading. Each ping Herald sends carries an id and marks how
 * many bytes were written before it; the client's pong, which arrives only after it has read
 * everything before the ping, confirms those bytes. A ping is due after every quarter of the
 * buffer limit written, so a stalled client is caught within the limit whatever the container buffers.
 * A probe's id is 64 random bits, so a client that never reads cannot answer probes it never
 * received; a pong that answers no outstanding probe confirms nothing (and counts as an inbound
 * frame against the session's rate limit, see {@code InboundMessages.unsolicitedPong}).
 */
final class DeliveryProbes {

    private static final int MAX_OUTSTANDING = 64;
    /** Thread-safe; a probe is due at most once per quarter buffer or heartbeat, so it is never contended. */
    private static final SecureRandom IDS = new SecureRandom();

    private record Probe(long id, long mark, long sentNanos) {
    }

    private final long probeEvery;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong confirmed = new AtomicLong();
    private final Deque<Probe> outstanding = new ConcurrentLinkedDeque<>();
    private volatile long lastProbeMark;

    /**
     * @param probeEvery bytes written between two delivery probes
     */
    DeliveryProbes(long probeEvery) {
        this.probeEvery = Math.max(1, probeEvery);
    }

    /**
     * Counts bytes the container accepted.
     *
     * @param bytes the message size
     * @return true when a probe is due
     */
    boolean written(int bytes) {
        return written.addAndGet(bytes) - lastProbeMark >= probeEvery;
    }

    /**
     * Registers a probe as it is written; everything written before it is covered by its pong.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     * @return the ping payload (the probe's random id)
     */
    ByteBuffer probe(long nowNanos) {
        long mark = written.get();
        lastProbeMark = mark;
        long id = IDS.nextLong();
        outstanding.addLast(new Probe(id, mark, nowNanos));
        while (outstanding.size() > MAX_OUTSTANDING) {
            outstanding.pollFirst(); // a client that never answers is closed by the time limit long before this
        }
        ByteBuffer payload = ByteBuffer.allocate(Long.BYTES).putLong(id); // writable: Liberty cannot send read-only buffers
        payload.flip();
        return payload;
    }

    /**
     * Reads a pong: it confirms the bytes before its probe (and answers the older probes). Pongs that
     * answer no outstanding probe (unsolicited, foreign, forged or repeated) are ignored.
     *
     * @param payload the pong's application data
     * @return true when it answered an outstanding probe
     */
    boolean acknowledge(ByteBuffer payload) {
        if (payload == null || payload.remaining() != Long.BYTES) {
            return false;
        }
        long id = payload.getLong(payload.position());
        for (Probe probe : outstanding) {
            if (probe.id() == id) {
                confirmed.accumulateAndGet(probe.mark(), Math::max);
                Probe answered;
                do {
                    answered = outstanding.pollFirst(); // probes are answered in the order they were sent
                } while (answered != null && answered != probe);
                return true;
            }
        }
        return false;
    }

    /** @return bytes written to the container but not yet confirmed by a pong */
    long unconfirmedBytes() {
        return written.get() - confirmed.get();
    }

    /**
     * @param nowNanos the current {@link System#nanoTime()}
     * @return how long the oldest unconfirmed data has waited for its pong, or 0 when all is confirmed
     */
    long unconfirmedAgeNanos(long nowNanos) {
        long done = confirmed.get();
        if (done >= written.get()) {
            return 0; // the common case, checked every sweep: nothing to walk
        }
        for (Probe probe : outstanding) {
            if (probe.mark() > done) {
                return nowNanos - probe.sentNanos();
            }
        }
        return 0;
    }
}
