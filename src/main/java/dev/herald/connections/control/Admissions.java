package dev.herald.connections.control;

import dev.herald.connections.entity.PresenceChanged;
import dev.herald.connections.entity.SessionOpened;
import dev.herald.connections.entity.UserOnline;
import dev.herald.groups.control.GroupResolver;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.Resume;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.stats.control.HeraldStats;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How a session gets into the registry: a registration made during the handshake (plain, or
 * {@code herald.v1} with its replay and welcome queued), then the session bound once it opens and
 * the user's oldest opened sessions evicted beyond the limit (a handshake that never completes
 * evicts no one).
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
    private final GroupResolver groups;
    private final AtomicBoolean malformedLogged = new AtomicBoolean();
    private final AtomicBoolean badGroupLogged = new AtomicBoolean();

    Admissions(Registry registry, Sequencer sequencer, ClosePolicy closes, Events events, ConnectionsConfig config, HeraldStats stats,
               Relay relay, BooleanSupplier stopping, GroupResolver groups) {
        this.registry = registry;
        this.sequencer = sequencer;
        this.closes = closes;
        this.events = events;
        this.config = config;
        this.stats = stats;
        this.relay = relay;
        this.stopping = stopping;
        this.groups = groups;
    }

    /** @return the registration; empty (and the session closed with 1001) while stopping, or when the bind failed */
    Optional<Connection> connect(long userId, boolean v1, Session session, StreamPosition user, StreamPosition broadcast) {
        Optional<Connection> reserved = reserve(userId, v1, session.getUserPrincipal(), Resume.of(user, broadcast));
        if (reserved.isEmpty()) {
            ClosePolicy.close(new WebSocketTransport(session), HeraldCloseCodes.GOING_AWAY); // stopping
            return reserved;
        }
        return reserved.filter(connection -> bind(connection, new WebSocketTransport(session)));
    }

    /** See {@link WebSocketManager#reserve}. */
    Optional<Connection> reserve(long userId, boolean v1, Principal principal, Resume resume) {
        StreamKey.user(userId); // throws for an id that is not positive
        if (stopping.getAsBoolean()) {
            stats.handshakeRejected();
            return Optional.empty();
        }
        countMalformed(userId, resume);
        long pingPhase = ThreadLocalRandom.current().nextLong(TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs()));
        Connection connection = new Connection(userId, config.sendBufferLimit(), stats, closes::terminated, v1, pingPhase);
        List<Connection> evicted = new ArrayList<>(1);
        Set<String> resolved = resolve(userId, principal);
        boolean[] online = {false};
        Runnable register = () -> {
            registry.add(connection, config.maxSessionsPerUser(), evicted);
            online[0] = registry.memberships().arrived(userId, resolved);
        };
        Replay replay = null;
        if (v1) {
            TreeSet<String> member = new TreeSet<>(resolved); // the streams to lock: by name, as History orders them
            member.addAll(registry.memberships().groupsOf(userId));
            replay = sequencer.connect(connection, resume, member.stream().map(StreamKey.Group::new).toList(), relay, register);
        } else {
            register.run();
        }
        if (online[0]) {
            events.firePresence(new UserOnline(userId));
        }
        connection.sender().flush();
        if (v1 && replay == null) {
            stats.resync();
            connection.sender().terminate(HeraldCloseCodes.RESYNC, null);
        }
        events.fire(new PresenceChanged(userId));
        evicted.forEach(closes::evicted); // unopened beyond the limit, already out of the registry: settle, count, close
        return Optional.of(connection);
    }

    /** The resolver's groups, valid names only; a resolver that fails gives none (logged). */
    private Set<String> resolve(long userId, Principal principal) {
        Set<String> names;
        try {
            names = groups.groupsOf(userId, principal);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The GroupResolver failed for user " + userId + "; the session joins no group", e);
            return Set.of();
        }
        Set<String> valid = new TreeSet<>();
        for (String name : names == null ? Set.<String>of() : names) {
            if (StreamKey.Named.isValidName(name)) {
                valid.add(name);
            } else {
                Level level = badGroupLogged.compareAndSet(false, true) ? Level.WARNING : Level.FINE;
                LOG.log(level, () -> "The GroupResolver gave user " + userId + " a group name that is not valid (left out): "
                        + (name == null ? "null" : name.length() > 40 ? name.substring(0, 40) + "…" : name));
            }
        }
        return valid;
    }

    private void countMalformed(long userId, Resume resume) {
        List<StreamPosition> positions = new ArrayList<>(resume.groups().values());
        positions.add(resume.user());
        positions.add(resume.broadcast());
        for (int i = 0; i < resume.malformed(); i++) {
            positions.add(StreamPosition.parse(""));
        }
        for (StreamPosition position : positions) {
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
        List<Connection> evicted = new ArrayList<>(1);
        registry.opened(connection, config.maxSessionsPerUser(), evicted);
        evicted.forEach(closes::evicted); // the oldest opened sessions beyond the limit
        return true;
    }
}
