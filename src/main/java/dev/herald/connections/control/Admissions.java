package dev.herald.connections.control;

import dev.herald.connections.entity.PresenceChanged;
import dev.herald.connections.entity.SessionOpened;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.stats.control.HeraldStats;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How a session gets into the registry: a registration made during the handshake (plain, or
 * {@code herald.v1} with its replay and welcome queued), the oldest of the user's sessions evicted
 * beyond the limit, then the session bound once it opens.
 */
final class Admissions {

    private static final Logger LOG = Logger.getLogger(Admissions.class.getName());

    private final Registry registry;
    private final Sequencer sequencer;
    private final ClosePolicy closes;
    private final Events events;
    private final ConnectionsConfig config;
    private final HeraldStats stats;
    private final Relay relay;
    private final BooleanSupplier stopping;
    private final AtomicBoolean malformedLogged = new AtomicBoolean();

    Admissions(Registry registry, Sequencer sequencer, ClosePolicy closes, Events events, ConnectionsConfig config, HeraldStats stats,
               Relay relay, BooleanSupplier stopping) {
        this.registry = registry;
        this.sequencer = sequencer;
        this.closes = closes;
        this.events = events;
        this.config = config;
        this.stats = stats;
        this.relay = relay;
        this.stopping = stopping;
    }

    /** @return the registration; empty (and the session closed with 1001) while stopping, or when the bind failed */
    Optional<Connection> connect(long userId, boolean v1, Session session, StreamPosition user, StreamPosition broadcast) {
        Optional<Connection> reserved = reserve(userId, v1, user, broadcast);
        if (reserved.isEmpty()) {
            ClosePolicy.close(new WebSocketTransport(session), HeraldCloseCodes.GOING_AWAY); // stopping
            return reserved;
        }
        return reserved.filter(connection -> bind(connection, new WebSocketTransport(session)));
    }

    /** See {@link WebSocketManager#reserve}. */
    Optional<Connection> reserve(long userId, boolean v1, StreamPosition user, StreamPosition broadcast) {
        StreamKey.user(userId); // throws for an id that is not positive
        if (stopping.getAsBoolean()) {
            stats.handshakeRejected();
            return Optional.empty();
        }
        countMalformed(userId, user, broadcast);
        long pingPhase = ThreadLocalRandom.current().nextLong(TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs()));
        Connection connection = new Connection(userId, config.sendBufferLimit(), stats, closes::terminated, v1, pingPhase);
        List<Connection> evicted = new ArrayList<>(1);
        Runnable register = () -> registry.add(connection, config.maxSessionsPerUser(), evicted);
        Replay replay = null;
        if (v1) {
            replay = sequencer.connect(connection, user, broadcast, relay, register);
        } else {
            register.run();
        }
        connection.sender().flush();
        if (v1 && replay == null) {
            stats.resync();
            connection.sender().terminate(HeraldCloseCodes.RESYNC, null);
        }
        events.fire(new PresenceChanged(userId));
        evicted.forEach(closes::evicted); // already out of the registry: settle, count and close here
        return Optional.of(connection);
    }

    private void countMalformed(long userId, StreamPosition user, StreamPosition broadcast) {
        for (StreamPosition position : new StreamPosition[]{user, broadcast}) {
            if (position != null && position.isMalformed()) {
                stats.malformedPosition();
                Level level = malformedLogged.compareAndSet(false, true) ? Level.INFO : Level.FINE;
                LOG.log(level, () -> "herald.v1 handshake of user " + userId
                        + " gave a position that is not <epoch>:<seq>; replaying what is held, recovered:false");
            }
        }
    }

    /** See {@link WebSocketManager#bind}. */
    boolean bind(Connection connection, Transport transport) {
        if (!connection.bind(transport)) {
            CloseReason removal = connection.removal();
            ClosePolicy.close(transport, removal != null ? removal : HeraldCloseCodes.GOING_AWAY);
            return false;
        }
        stats.sessionOpened();
        events.fire(new SessionOpened(connection.userId(), transport.id()));
        return true;
    }
}
