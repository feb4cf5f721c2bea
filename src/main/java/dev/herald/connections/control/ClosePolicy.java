package dev.herald.connections.control;

import dev.herald.connections.entity.PresenceChanged;
import dev.herald.connections.entity.SessionClosed;
import dev.herald.connections.entity.UserOffline;
import dev.herald.stats.control.HeraldStats;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How a registration leaves: out of the registry once, counted, announced ({@link SessionClosed},
 * {@link PresenceChanged}, {@link UserOffline} with the user's last), its groups and topics dropped, logged once per cause, and its session closed the way the cause needs
 * (at once, off the caller's thread, or once the client is quiet: {@link QuietClose}).
 */
final class ClosePolicy {

    private static final Logger LOG = Logger.getLogger(ClosePolicy.class.getName());

    private final Registry registry;
    private final SignIns signIns;
    private final ConnectionsConfig config;
    private final HeraldStats stats;
    private final Events events;
    private final Executor closer;
    private final QuietClose quietClose;

    /**
     * @param scheduler runs {@link QuietClose}'s delayed closes; null closes at once (unit tests)
     * @param closer    runs session closes (which may block on a dead peer)
     */
    ClosePolicy(Registry registry, SignIns signIns, ConnectionsConfig config, HeraldStats stats, Events events,
                Executor closer, QuietClose.Scheduler scheduler) {
        this.registry = registry;
        this.signIns = signIns;
        this.config = config;
        this.stats = stats;
        this.events = events;
        this.closer = closer;
        this.quietClose = new QuietClose(scheduler, System::nanoTime, this::closeAsync);
    }

    /** A sender gave up: deregister, count, log once, close the session off the caller's thread. */
    void terminated(Connection connection, CloseReason reason, Throwable cause) {
        if (remove(connection, reason)) {
            dropped(connection, reason, cause);
        }
    }

    /** A registration the registry already let go to make room (session limit): settle, count and close it. */
    void evicted(Connection old) {
        old.sender().discard();
        removed(old, HeraldCloseCodes.SESSION_LIMIT);
        dropped(old, HeraldCloseCodes.SESSION_LIMIT, null);
    }

    /** Removes one registration; true only for the call that removed it. */
    boolean remove(Connection connection, CloseReason reason) {
        if (registry.remove(connection)) {
            removed(connection, reason);
            return true;
        }
        return false;
    }

    private void removed(Connection connection, CloseReason reason) {
        if (connection.removed(reason)) {
            stats.sessionClosed();
            events.fire(new SessionClosed(connection.userId(), connection.transport().id(),
                    reason.getCloseCode().getCode(), reason.getReasonPhrase()));
        }
        signIns.forget(connection);
        boolean offline = registry.memberships().departed(connection);
        events.fire(new PresenceChanged(connection.userId()));
        if (offline) {
            events.firePresence(new UserOffline(connection.userId()));
        }
    }

    private void dropped(Connection connection, CloseReason reason, Throwable cause) {
        log(connection, reason, cause);
        Transport session = connection.transport();
        if (session == null) {
            return; // closed with the reason when it opens (bind)
        }
        if (reason == HeraldCloseCodes.SIGNED_OUT) {
            close(session, reason); // now: right after the listeners the container closes it itself, with a bare 1008
        } else if (QuietClose.waitsFor(reason)) {
            quietClose.close(connection, reason);
        } else {
            closeAsync(session, reason);
        }
    }

    private void log(Connection connection, CloseReason reason, Throwable cause) {
        int code = reason.getCloseCode().getCode();
        if (code == HeraldCloseCodes.SLOW_CONSUMER_CODE) {
            stats.slowConsumerClosed();
            LOG.warning(() -> "Closing slow consumer: " + connection + " (" + connection.sender().queuedAtTermination() + " bytes queued, "
                    + connection.sender().unconfirmedBytes() + " unconfirmed; limits " + config.sendBufferLimit() + " bytes, "
                    + config.sendTimeLimitMs() + " ms)");
        } else if (code == HeraldCloseCodes.HEARTBEAT_TIMEOUT_CODE) {
            stats.heartbeatClosed();
            LOG.info(() -> "Closing silent session: " + connection + " (no pong for " + config.heartbeatTimeoutMs() + " ms)");
        } else if (reason == HeraldCloseCodes.SESSION_LIMIT) {
            stats.sessionLimitClosed();
            LOG.info(() -> "Closing oldest session of user " + connection.userId() + ": more than "
                    + config.maxSessionsPerUser() + " sessions");
        } else if (reason == HeraldCloseCodes.OPEN_TIMEOUT) {
            LOG.fine(() -> "Dropped the registration of " + connection + ": its session did not open within "
                    + config.openTimeoutMs() + " ms");
        } else if (cause != null) {
            LOG.log(Level.FINE, cause, () -> "Send failed, closing " + connection);
        }
    }

    /** Closes a session on the closer's thread (on this one once the closer is stopping). */
    void closeAsync(Transport session, CloseReason reason) {
        try {
            closer.execute(() -> close(session, reason));
        } catch (RejectedExecutionException stopping) {
            close(session, reason);
        }
    }

    /** Closes a session now, if it is still open; a failure is only logged (FINE). */
    static void close(Transport session, CloseReason reason) {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Closing session " + session.id() + " failed");
        }
    }
}
