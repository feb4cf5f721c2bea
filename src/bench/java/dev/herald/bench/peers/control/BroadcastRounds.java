package dev.herald.bench.peers.control;

import dev.herald.bench.peers.entity.BenchMessage;
import dev.herald.connections.control.WebSocketManager;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * P2's rounds: one broadcast at a time, started on a managed thread so that the caller (the harness,
 * over HTTP) never waits for it. A naive broadcast that blocks on a stalled client keeps the round
 * busy, and the next one is refused: that is what the harness reports as "blocked".
 */
@ApplicationScoped
public class BroadcastRounds {

    /** Which broadcast a round measures. */
    public enum Peer {
        /** {@link WebSocketManager#broadcast(Object)}. */
        HERALD,
        /** {@link NaiveManager#broadcast(Object)}. */
        NAIVE
    }

    private final AtomicBoolean busy = new AtomicBoolean();

    @Inject
    WebSocketManager herald;
    @Inject
    NaiveManager naive;
    @Resource
    ManagedExecutorService executor;

    /** Creates the driver. */
    public BroadcastRounds() {
    }

    /**
     * Starts one broadcast unless the previous one is still running.
     *
     * @param peer  the broadcast to call
     * @param round the round id stamped on the message
     * @param size  message size in bytes
     * @return false when the previous round's broadcast has not returned yet
     */
    public boolean start(Peer peer, long round, int size) {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        executor.execute(() -> {
            try {
                BenchMessage message = BenchMessage.now(round, 0, size);
                switch (peer) {
                    case HERALD -> herald.broadcast(message);
                    case NAIVE -> naive.broadcast(message);
                }
            } finally {
                busy.set(false);
            }
        });
        return true;
    }

    /** @return true while a broadcast call has not returned */
    public boolean isBusy() {
        return busy.get();
    }
}
