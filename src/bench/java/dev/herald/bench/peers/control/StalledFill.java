package dev.herald.bench.peers.control;

import dev.herald.connections.control.WebSocketManager;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings P2's stalled clients to their steady state before the rounds: a client that stopped
 * reading long ago has every buffer between it and the server full. Without this, the container
 * absorbs megabytes per stalled client (kernel socket buffers, Grizzly's write queue) and a 200-byte
 * broadcast would need thousands of rounds to get there. Chunks are written with the container's
 * async send, outside either peer's code and identically for both, until the container stops
 * completing them; how many bytes it accepted is reported.
 */
@ApplicationScoped
public class StalledFill {

    private static final String CHUNK = "x".repeat(64 * 1024);

    @Inject
    WebSocketManager herald;
    @Inject
    NaiveManager naive;

    /** Creates the bean. */
    public StalledFill() {
    }

    /** One session's fill: chained writes until one has not completed for the stall time. */
    private static final class Fill {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        final AtomicBoolean failed = new AtomicBoolean();
        final Session session;
        final long limit;

        Fill(Session session, long limit) {
            this.session = session;
            this.limit = limit;
        }

        void next() {
            if (accepted.get() >= limit || failed.get()) {
                return;
            }
            try {
                session.getAsyncRemote().sendText(CHUNK, (SendResult result) -> {
                    if (result.isOK()) {
                        accepted.addAndGet(CHUNK.length());
                        lastProgress.set(System.nanoTime());
                        next();
                    } else {
                        failed.set(true);
                    }
                });
            } catch (RuntimeException e) {
                failed.set(true);
            }
        }

        boolean settled(long now, long stallNanos) {
            return failed.get() || accepted.get() >= limit || now - lastProgress.get() > stallNanos;
        }
    }

    /**
     * @param naivePeer  fill the naive peer's sessions instead of Herald's
     * @param userIds    the stalled users
     * @param stallMs    a session counts as full when no write completed for this long
     * @param limitBytes the most to write per session
     * @return sessions filled, bytes accepted per session (min, average, max), failures
     * @throws InterruptedException when interrupted
     */
    public JsonObject fill(boolean naivePeer, List<Long> userIds, long stallMs, long limitBytes) throws InterruptedException {
        List<Fill> fills = new ArrayList<>();
        for (long user : userIds) {
            Session session = naivePeer ? naive.getConnection(user) : herald.getConnection(user).orElse(null);
            if (session != null) {
                fills.add(new Fill(session, limitBytes));
            }
        }
        fills.forEach(Fill::next);
        long stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMs);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && !fills.stream().allMatch(f -> f.settled(System.nanoTime(), stallNanos))) {
            Thread.sleep(100);
        }
        long min = fills.stream().mapToLong(f -> f.accepted.get()).min().orElse(0);
        long max = fills.stream().mapToLong(f -> f.accepted.get()).max().orElse(0);
        double avg = fills.stream().mapToLong(f -> f.accepted.get()).average().orElse(0);
        return Json.createObjectBuilder()
                .add("sessions", fills.size())
                .add("failed", fills.stream().filter(f -> f.failed.get()).count())
                .add("reachedLimit", fills.stream().filter(f -> f.accepted.get() >= limitBytes).count())
                .add("acceptedBytesMin", min).add("acceptedBytesAvg", avg).add("acceptedBytesMax", max)
                .build();
    }
}
