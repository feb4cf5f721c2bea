package dev.herald.bench.peers.control;

import dev.herald.bench.peers.entity.BenchMessage;
import dev.herald.connections.control.Delivery;
import dev.herald.connections.control.WebSocketManager;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.SendResult;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * P1's load: messages to random users, as fast as the peer takes them, for a fixed time, from the
 * calling thread. At most {@code window} messages are unwritten at any time (a closed loop: a write
 * that completes lets the next message go), so neither peer is driven into unbounded queueing and
 * the latency is that of a saturated but stable send path.
 */
@ApplicationScoped
public class TargetedLoad {

    /** Which send path a run measures. */
    public enum Peer {
        /** {@link WebSocketManager#sendMessage(long, Object)}: serialize, queue, one writer per session. */
        HERALD,
        /** {@link RawSessions#send}: the container's async send of a pre-serialized string. */
        RAW
    }

    @Inject
    WebSocketManager herald;
    @Inject
    RawSessions raw;

    /** Creates the driver. */
    public TargetedLoad() {
    }

    /**
     * @param peer       the send path
     * @param users      target user ids are drawn from 1..users
     * @param run        run id stamped on every message
     * @param durationMs how long to send
     * @param window     most messages unwritten at a time
     * @param size       message size in bytes
     * @return queued (session writes started), written, missed (no session) counts, whether every
     *         write finished, and the start and end nanoTime
     * @throws InterruptedException when the request thread is interrupted
     */
    public JsonObject run(Peer peer, int users, long run, long durationMs, int window, int size) throws InterruptedException {
        Semaphore permits = new Semaphore(window);
        LongAdder written = new LongAdder();
        long queued = 0;
        long sent = 0;
        long missed = 0;
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
        while (System.nanoTime() < deadline) {
            permits.acquire();
            long user = 1 + ThreadLocalRandom.current().nextInt(users);
            BenchMessage message = BenchMessage.now(run, ++sent, size);
            int sessions = switch (peer) {
                case HERALD -> herald(user, message, permits, written);
                case RAW -> raw(user, message, permits, written);
            };
            queued += sessions;
            if (sessions == 0) {
                missed++;
                permits.release();
            }
        }
        long end = System.nanoTime();
        boolean drained = permits.tryAcquire(window, 30, TimeUnit.SECONDS);
        return Json.createObjectBuilder()
                .add("peer", peer.name())
                .add("queued", queued)
                .add("written", written.sum())
                .add("missed", missed)
                .add("drained", drained)
                .add("startNanos", start)
                .add("endNanos", end)
                .build();
    }

    /** @return sessions the message was queued on; the permit is released when they are written */
    private int herald(long user, BenchMessage message, Semaphore permits, LongAdder written) {
        Delivery delivery = herald.sendMessage(user, message);
        if (delivery.sessions() > 0) {
            delivery.whenComplete((count, error) -> {
                written.add(count == null ? 0 : count);
                permits.release();
            });
        }
        return delivery.sessions();
    }

    /** @return 1 when a write was started (or refused by the container), 0 when the user has no session */
    private int raw(long user, BenchMessage message, Semaphore permits, LongAdder written) {
        try {
            return raw.send(user, message.json(), (SendResult result) -> {
                if (result.isOK()) {
                    written.increment();
                }
                permits.release();
            }) ? 1 : 0;
        } catch (RuntimeException refused) { // counted as queued but not written
            permits.release();
            return 1;
        }
    }
}
