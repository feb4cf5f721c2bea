package dev.herald.connections.control;

import dev.herald.recovery.control.History;
import jakarta.websocket.CloseReason;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The heartbeat and send-time watchdog, one pass per tick of the container's managed scheduler:
 * pings every session once per heartbeat interval (each at its own random phase, so thousands opened
 * together do not ping in one burst), closes those that stopped answering, those whose write has run
 * past the send time limit and registrations whose session never opened, forgets sessions the
 * container lost, and now and then expires the in-memory history.
 */
final class Watchdog {

    private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());
    private static final CloseReason LOST = new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "lost");

    private final Registry registry;
    private final ConnectionsConfig config;
    private final History history;
    private final long historyTtlMs;
    private final BiConsumer<Connection, CloseReason> unregister;
    private volatile long lastExpiryNanos = System.nanoTime();
    private ScheduledFuture<?> ticks;

    /**
     * @param historyTtlMs {@code herald.history.ttl-ms}, which paces the history's expiry
     * @param unregister   forgets a registration whose session the container closed
     */
    Watchdog(Registry registry, ConnectionsConfig config, History history, long historyTtlMs, BiConsumer<Connection, CloseReason> unregister) {
        this.registry = registry;
        this.config = config;
        this.history = history;
        this.historyTtlMs = historyTtlMs;
        this.unregister = unregister;
    }

    /** Runs {@link #tick()} on the container's scheduler, several times per heartbeat interval and send time limit. */
    void start(ScheduledExecutorService scheduler) {
        long tickMs = Math.max(50, Math.min(1000, Math.min(config.heartbeatIntervalMs(), config.sendTimeLimitMs()) / 4));
        ticks = scheduler.scheduleAtFixedRate(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    /** Stops the scheduled passes (if started). */
    void stop() {
        if (ticks != null) {
            ticks.cancel(false);
        }
    }

    /**
     * One pass over every registration.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     */
    void sweep(long nowNanos) {
        long sendLimit = TimeUnit.MILLISECONDS.toNanos(config.sendTimeLimitMs());
        long silenceLimit = TimeUnit.MILLISECONDS.toNanos(config.heartbeatTimeoutMs());
        long pingEvery = TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs());
        long openLimit = TimeUnit.MILLISECONDS.toNanos(config.openTimeoutMs());
        registry.forEach(connection -> {
            SessionSender sender = connection.sender();
            if (!connection.isBound()) {
                if (nowNanos - connection.reservedNanos() > openLimit) {
                    sender.terminate(HeraldCloseCodes.OPEN_TIMEOUT, null); // the handshake never completed
                }
            } else if (!connection.transport().isOpen()) {
                unregister.accept(connection, LOST);
            } else if (sender.deliveryAgeNanos(nowNanos) > sendLimit) {
                sender.terminate(HeraldCloseCodes.SLOW_CONSUMER, null);
            } else if (nowNanos - connection.lastSeenNanos() > silenceLimit) {
                sender.terminate(HeraldCloseCodes.HEARTBEAT_TIMEOUT, null);
            } else if (nowNanos - connection.lastPingNanos() >= pingEvery) {
                connection.pinged(nowNanos);
                sender.ping();
            }
        });
    }

    /** The scheduled pass: {@link #sweep} now, and the history's coarse expiry every few seconds. */
    void tick() {
        try {
            long now = System.nanoTime();
            sweep(now);
            long expireEvery = TimeUnit.MILLISECONDS.toNanos(Math.max(1000, Math.min(10_000, historyTtlMs / 4)));
            if (now - lastExpiryNanos >= expireEvery) {
                lastExpiryNanos = now;
                history.expire();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Herald heartbeat sweep failed; it runs again next tick", e);
        }
    }
}
