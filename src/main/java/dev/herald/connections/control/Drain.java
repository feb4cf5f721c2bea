package dev.herald.connections.control;

import java.util.concurrent.TimeUnit;

/**
 * The shutdown drain: lets the send queues flush for a bounded time, then closes every session with
 * 1001 "going away". The caller refuses new registrations first.
 */
final class Drain {

    private final Registry registry;
    private final ClosePolicy closes;

    Drain(Registry registry, ClosePolicy closes) {
        this.registry = registry;
        this.closes = closes;
    }

    /**
     * Waits until every queue is written or {@code drainMs} passed, then closes every session.
     *
     * @param drainMs {@code herald.shutdown.drain-ms}
     */
    void run(long drainMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMs);
        while (System.nanoTime() < deadline && !registry.allIdle()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        registry.forEach(connection -> {
            connection.sender().discard();
            if (closes.remove(connection, HeraldCloseCodes.GOING_AWAY) && connection.isBound()) {
                ClosePolicy.close(connection.transport(), HeraldCloseCodes.GOING_AWAY);
            }
        });
    }
}
