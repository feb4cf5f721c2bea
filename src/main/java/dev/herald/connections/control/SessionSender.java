package dev.herald.connections.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.stats.control.HeraldStats;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one writer of one session: a FIFO queue drained by at most one in-flight
 * {@link Transport} send at a time (a WebSocket's {@code RemoteEndpoint.Async}, or an SSE stream), the
 * next send chained from the previous one's {@link SendHandler}. No thread ever waits for the client; callers only enqueue.
 *
 * <p>Limits: the backlog is what is queued plus what the container accepted but the client has not
 * confirmed ({@link DeliveryProbes}). When it would exceed the buffer limit, or the oldest unconfirmed
 * data or the in-flight write is older than the time limit ({@link #deliveryAgeNanos(long)}, checked
 * by the manager's sweep), the sender terminates: every queued message is settled as not written and
 * the {@link Listener} closes the session. A write that fails or throws terminates it likewise, so
 * the queue never gets stuck.
 */
public final class SessionSender implements SendHandler {

    /** Told once when the sender gives up on its session. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param reason why, e.g. {@link HeraldCloseCodes#SLOW_CONSUMER} or {@link HeraldCloseCodes#SEND_FAILED}
         * @param cause  the failed write's exception, or null
         */
        void terminated(CloseReason reason, Throwable cause);
    }

    private volatile Transport remote; // null until the session opened
    private final long bufferLimit;
    private final HeraldStats stats;
    private final Listener listener;
    private final DeliveryProbes probes;

    private final Queue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean terminated = new AtomicBoolean();
    private final AtomicBoolean pingQueued = new AtomicBoolean();
    private final AtomicBoolean scheduled = new AtomicBoolean(); // handed to the writers, drain not started
    private volatile Frame inFlight;
    private volatile long inFlightSince;
    private volatile Thread drainingThread;
    private volatile long queuedAtTermination;

    /**
     * @param remote      the session's transport, only this sender may write to it; null while the
     *                    session is still opening (messages queue until {@link #bind})
     * @param bufferLimit bytes that may be queued or unconfirmed by the client
     * @param stats       counters to update
     * @param listener    told when the sender terminates
     */
    public SessionSender(Transport remote, long bufferLimit, HeraldStats stats, Listener listener) {
        this.remote = remote;
        this.bufferLimit = bufferLimit;
        this.stats = stats;
        this.listener = listener;
        this.probes = new DeliveryProbes(bufferLimit / 4);
    }

    /**
     * Starts writing to a session that has opened: what was queued meanwhile goes first, in order.
     *
     * @param remote the session's transport
     */
    public void bind(Transport remote) {
        this.remote = remote;
        drain();
    }

    /**
     * Queues a message behind everything queued before it and starts writing.
     *
     * @param message  the serialized message
     * @param delivery settled once the write finishes or is given up
     */
    public void enqueue(OutboundMessage message, Delivery delivery) {
        offer(message, delivery);
        flush();
    }

    /**
     * Only queues a message (a non-blocking offer): safe under a caller's lock. {@link #flush()} must
     * follow, after the lock is released; it applies the buffer limit and starts writing.
     *
     * @param message  the serialized message
     * @param delivery settled once the write finishes or is given up
     */
    public void offer(OutboundMessage message, Delivery delivery) {
        if (terminated.get()) {
            delivery.settle(false);
            return;
        }
        queuedBytes.addAndGet(message.bytes());
        stats.queued(message.bytes());
        queue.add(new Frame(message, delivery));
    }

    /**
     * After {@link #offer}: closes the session as a slow consumer when its backlog passed the buffer
     * limit, otherwise writes what is queued on this thread (the container's send may complete on it),
     * unless a writer thread's drain ({@link #flushOn}) is about to.
     */
    public void flush() {
        flushOn(Runnable::run);
    }

    /**
     * As {@link #flush()}, but a writer thread writes, never the caller: the sender is handed to the
     * writers at most once until that drain starts, so the caller only queues and the order is kept.
     *
     * @param writers runs the drain ({@link Writers}); {@link #flush()} runs it on the caller
     */
    public void flushOn(Executor writers) {
        if (queuedBytes.get() + probes.unconfirmedBytes() > bufferLimit) {
            terminate(HeraldCloseCodes.SLOW_CONSUMER, null);
        } else if (terminated.get()) {
            failQueued(); // lost a race with terminate(): settle what it may not have seen
        } else if (scheduled.compareAndSet(false, true)) {
            writers.execute(() -> {
                scheduled.set(false); // first: what is offered from now on hands the sender over again
                drain();
            });
        }
    }

    /** Queues a ping (a delivery probe) unless one is already waiting, and writes it in its turn. */
    public void ping() {
        if (queuePing()) {
            drain();
        }
    }

    private boolean queuePing() {
        if (!terminated.get() && pingQueued.compareAndSet(false, true)) {
            queue.add(new Frame(null, null));
            return true;
        }
        return false;
    }

    /**
     * Reads the client's pong to a probe.
     *
     * @param payload the pong's application data
     * @return true when it answered an outstanding probe; false for an unsolicited pong
     */
    public boolean acknowledge(ByteBuffer payload) {
        return probes.acknowledge(payload);
    }

    /**
     * @param nowNanos the current {@link System#nanoTime()}
     * @return how long the oldest undelivered data has waited: the in-flight write, or data the
     *         container accepted that the client has not confirmed; 0 when none waits
     */
    public long deliveryAgeNanos(long nowNanos) {
        long since = inFlightSince;
        long writeAge = since == 0 ? 0 : nowNanos - since;
        return Math.max(writeAge, probes.unconfirmedAgeNanos(nowNanos));
    }

    /** @return true when nothing is queued or being written */
    public boolean isIdle() {
        return !writing.get() && queue.isEmpty();
    }

    /** @return true once the sender has given up on its session */
    public boolean isTerminated() {
        return terminated.get();
    }

    /** @return bytes queued now, the in-flight message included */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** @return bytes that were queued when the sender terminated (what it gave up), 0 while it runs */
    public long queuedAtTermination() {
        return queuedAtTermination;
    }

    /** @return bytes the container accepted that the client has not confirmed yet */
    public long unconfirmedBytes() {
        return probes.unconfirmedBytes();
    }

    /**
     * Gives up on the session: settles everything queued as not written and tells the listener, once.
     *
     * @param reason the close reason the listener should use
     * @param cause  the failure behind it, or null
     */
    public void terminate(CloseReason reason, Throwable cause) {
        if (terminated.compareAndSet(false, true)) {
            queuedAtTermination = queuedBytes.get();
            Frame current = inFlight;
            if (current != null) {
                current.settle(false);
            }
            failQueued();
            listener.terminated(reason, cause);
        }
    }

    /** Settles the queue without telling the listener: the session is already going away. */
    public void discard() {
        if (terminated.compareAndSet(false, true)) {
            Frame current = inFlight;
            if (current != null) {
                current.settle(false);
            }
            failQueued();
        }
    }

    @Override
    public void onResult(SendResult result) {
        Frame frame = inFlight;
        inFlight = null;
        inFlightSince = 0;
        if (frame != null) {
            frame.settle(result.isOK());
            if (result.isOK() && frame.message != null && probes.written(frame.message.bytes())) {
                queuePing(); // written by the drain below, or by the loop that is writing inline
            }
        }
        writing.set(false);
        if (!result.isOK()) {
            stats.sendFailed();
            terminate(HeraldCloseCodes.SEND_FAILED, result.getException());
        }
        if (drainingThread != Thread.currentThread()) {
            drain(); // completed asynchronously: start the next write; inline completions loop in drain()
        }
    }

    private void drain() {
        if (remote == null) {
            return; // the session has not opened yet: bind() drains
        }
        while (!queue.isEmpty() && writing.compareAndSet(false, true)) {
            Frame frame = queue.poll();
            if (frame == null) {
                writing.set(false);
                continue;
            }
            if (terminated.get()) {
                frame.settle(false);
                writing.set(false);
                continue;
            }
            inFlight = frame;
            inFlightSince = System.nanoTime() | 1; // never 0 while a write is in flight
            drainingThread = Thread.currentThread();
            try {
                frame.write();
            } catch (Exception e) { // IllegalStateException, IOException from the container
                onResult(new SendResult(e));
            } finally {
                drainingThread = null;
            }
        }
    }

    private void failQueued() {
        Frame frame;
        while ((frame = queue.poll()) != null) {
            frame.settle(false);
        }
    }

    /** A queued text message or ping; settled exactly once. */
    private final class Frame extends AtomicBoolean {
        private final OutboundMessage message;
        private final Delivery delivery;
        private final long queuedAt = System.nanoTime(); // the send latency histogram: queued to written

        Frame(OutboundMessage message, Delivery delivery) {
            this.message = message;
            this.delivery = delivery;
        }

        void write() throws Exception {
            if (message != null) {
                remote.sendText(message.json(), SessionSender.this);
            } else {
                pingQueued.set(false);
                remote.sendPing(probes.probe(System.nanoTime()));
                onResult(new SendResult());
            }
        }

        void settle(boolean ok) {
            if (!compareAndSet(false, true)) {
                return;
            }
            if (message == null) {
                pingQueued.set(false);
                return;
            }
            queuedBytes.addAndGet(-message.bytes());
            stats.queued(-message.bytes());
            if (ok) {
                stats.sent(message.bytes(), System.nanoTime() - queuedAt);
            }
            delivery.settle(ok);
        }
    }
}
