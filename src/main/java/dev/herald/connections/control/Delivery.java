package dev.herald.connections.control;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outcome of one {@code sendMessage} or {@code broadcast}: how many sessions of this node it was
 * queued on now, and, as a future, how many of them were written to once their writes finish.
 * Sessions closed by a limit before their write finished are not counted. It never completes
 * exceptionally.
 */
public final class Delivery extends CompletableFuture<Integer> {

    private final AtomicInteger pending = new AtomicInteger(1); // 1: held until seal()
    private final AtomicInteger written = new AtomicInteger();
    private int sessions;
    private volatile int remoteSessions;

    Delivery() {
    }

    /** @return the number of live sessions of this node the message was queued on */
    public int sessions() {
        return sessions;
    }

    /**
     * @return the user's live sessions on other cluster nodes, which the message was published to, as
     *         cluster presence knew them when it was published (counted by the publish itself; 0 on a
     *         single node, for broadcasts and while Redis is unreachable)
     */
    public int remoteSessions() {
        return remoteSessions;
    }

    /** @return true when the message was queued on a session of this node or published to a node that holds one */
    public boolean delivered() {
        return sessions > 0 || remoteSessions > 0;
    }

    /**
     * Records how many of the user's sessions other nodes hold (cluster presence).
     *
     * @param count sessions on other nodes
     * @return this delivery
     */
    public Delivery withRemoteSessions(int count) {
        remoteSessions = count;
        return this;
    }

    /** Counts one more target session; called by the sending thread before it enqueues on that session. */
    void expect() {
        sessions++;
        pending.incrementAndGet();
    }

    /**
     * Counts a {@code herald.v1} session of this node that receives the message from the cluster's
     * subscriber, in sequence order; the future does not wait for that write.
     */
    void relayed() {
        sessions++;
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
