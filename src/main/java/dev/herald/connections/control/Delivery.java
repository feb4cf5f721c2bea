package dev.herald.connections.control;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outcome of one {@code sendMessage} or {@code broadcast}: how many sessions it was queued on now,
 * and, as a future, how many of them were written to once their writes finish. Sessions closed by a
 * limit before their write finished are not counted. It never completes exceptionally.
 */
public final class Delivery extends CompletableFuture<Integer> {

    private final AtomicInteger pending = new AtomicInteger(1); // 1: held until seal()
    private final AtomicInteger written = new AtomicInteger();
    private int sessions;

    Delivery() {
    }

    /** @return the number of live sessions the message was queued on */
    public int sessions() {
        return sessions;
    }

    /** Counts one more target session; called by the sending thread before it enqueues on that session. */
    void expect() {
        sessions++;
        pending.incrementAndGet();
    }

    /** Ends the list of targets; the future completes when every expected write is settled. */
    Delivery seal() {
        arrive();
        return this;
    }

    void settle(boolean ok) {
        if (ok) {
            written.incrementAndGet();
        }
        arrive();
    }

    private void arrive() {
        if (pending.decrementAndGet() == 0) {
            super.complete(written.get());
        }
    }
}
