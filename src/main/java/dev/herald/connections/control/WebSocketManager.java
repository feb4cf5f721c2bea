package dev.herald.connections.control;

import dev.herald.connections.entity.DisconnectRequested;
import dev.herald.connections.entity.MessageSent;
import dev.herald.connections.entity.PresenceChanged;
import dev.herald.connections.entity.SessionOpened;
import dev.herald.messages.entity.OutboundMessage;
import dev.herald.platform.HeraldConfig;
import dev.herald.recovery.control.History;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.recovery.control.V1Protocol;
import dev.herald.stats.control.HeraldStats;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live WebSocket sessions by user id, and the way to send them JSON: the seed's
 * {@code WebSocketManager}, one per application ({@code @Inject} it; {@code CDI.current()} from
 * non-CDI code). A facade: the {@link Registry} holds the registrations, {@link Fanout} queues a
 * message on each target's {@link SessionSender} (serialized once; no caller ever waits for a
 * client), the {@link Sequencer} keeps {@code herald.v1} streams in order, the {@link Watchdog}
 * pings and drops dead or slow sessions, the {@link ClosePolicy} settles every departure and the
 * {@link Drain} ends them on shutdown. A user may hold up to {@code herald.max-sessions-per-user}
 * sessions (tabs, devices). In cluster mode the {@link Relay} bean shares the v1 streams.
 */
@ApplicationScoped
public class WebSocketManager implements NodeSessions {

    private static final Logger LOG = Logger.getLogger(WebSocketManager.class.getName());

    private final Registry registry = new Registry();
    private final SignIns signIns = new SignIns();
    private final AtomicBoolean malformedLogged = new AtomicBoolean();
    private volatile boolean stopping;
    private ScheduledFuture<?> sweep;

    @Inject
    MessageCodec codec;
    @Inject
    HeraldConfig config;
    @Inject
    HeraldStats stats;
    @Inject
    Event<Object> cdiEvents;
    @Inject
    Relay relay;
    @Resource
    ManagedExecutorService managedExecutor;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private Events events;
    private ClosePolicy closes;
    private Sequencer sequencer;
    private Fanout fanout;
    private Watchdog watchdog;

    /** Creates the bean; CDI injects its collaborators. */
    public WebSocketManager() {
    }

    /**
     * A single-node manager outside a container (unit tests, benchmarks): no sweep is scheduled,
     * call {@link #sweep(long)} yourself.
     *
     * @param codec  serializer
     * @param config limits
     * @param stats  counters
     * @param closer runs session closes (which may block on a dead peer)
     * @param events receives the {@link SessionOpened}, {@code SessionClosed} and {@link MessageSent} events
     */
    public WebSocketManager(MessageCodec codec, HeraldConfig config, HeraldStats stats, Executor closer, Consumer<Object> events) {
        this(codec, config, stats, closer, events, Relay.NONE);
    }

    /**
     * As {@link #WebSocketManager(MessageCodec, HeraldConfig, HeraldStats, Executor, Consumer)}, with
     * shared streams.
     *
     * @param relay sequences the {@code herald.v1} streams while it is active
     */
    WebSocketManager(MessageCodec codec, HeraldConfig config, HeraldStats stats, Executor closer, Consumer<Object> events, Relay relay) {
        this.codec = codec;
        this.config = config;
        this.stats = stats;
        this.relay = relay;
        wire(closer, events, null);
    }

    private void wire(Executor closer, Consumer<Object> sink, QuietClose.Scheduler later) {
        events = new Events(sink);
        closes = new ClosePolicy(registry, signIns, config, stats, events, closer, later);
        History history = new History(config.historySize(), config.historyTtlMs(), config.historyMaxBytes(), System::nanoTime);
        sequencer = new Sequencer(registry, history, config, stats);
        fanout = new Fanout(registry, sequencer, relay);
        watchdog = new Watchdog(registry, config, history, this::unregister);
    }

    @PostConstruct
    void start() {
        wire(managedExecutor, cdiEvents::fire, (task, delayNanos) -> scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS));
        long tickMs = watchdog.tickMs();
        sweep = scheduler.scheduleAtFixedRate(watchdog::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    /** @return this node's in-memory {@code herald.v1} history (in cluster mode: the fallback during Redis outages) */
    public History history() {
        return sequencer.history();
    }

    /**
     * Registers a session for a user (the seed's {@code connect}). Beyond {@code herald.max-sessions-per-user}
     * the oldest is closed with 1008 "session limit"; while the application stops the session is closed with 1001.
     *
     * @param userId  the user, taken from the handshake principal
     * @param session the open session
     * @return the registration, or empty when the application is stopping
     */
    public Optional<Connection> connect(long userId, Session session) {
        return bound(reserve(userId, false, null, null), session);
    }

    /**
     * Registers a {@code herald.v1} session: queues what the user missed after the client's positions
     * (replay), then the {@code herald.welcome} frame, then live messages; none twice, none left out,
     * each stream in sequence order. Limits and stopping as for {@link #connect(long, Session)}.
     *
     * @param userId    the user, taken from the handshake principal
     * @param session   the open session, which negotiated {@link V1Protocol#SUBPROTOCOL}
     * @param user      the {@code since} position, or null when absent
     * @param broadcast the {@code bsince} position, or null when absent
     * @return the registration, or empty when the application is stopping
     */
    public Optional<Connection> connectV1(long userId, Session session, StreamPosition user, StreamPosition broadcast) {
        return bound(reserve(userId, true, user, broadcast), session);
    }

    private Optional<Connection> bound(Optional<Connection> reserved, Session session) {
        if (reserved.isEmpty()) {
            ClosePolicy.close(session, HeraldCloseCodes.GOING_AWAY); // stopping
            return reserved;
        }
        return reserved.filter(connection -> bind(connection, session));
    }

    /**
     * Registers the session a handshake is about to open, before the client can see the 101: from now
     * on every send to the user is queued on it (and counts it). A v1 registration gets its replay and
     * welcome queued here. {@link #bind} attaches the session once it opens; a registration left
     * unbound for {@code herald.handshake.open-timeout-ms} is dropped. Limits as for {@link #connect}.
     *
     * @param userId    the user, from the handshake principal or ticket
     * @param v1        true when the client asked for {@link V1Protocol#SUBPROTOCOL}
     * @param user      the {@code since} position, or null when absent (v1 only)
     * @param broadcast the {@code bsince} position, or null when absent (v1 only)
     * @return the registration, or empty when the application is stopping
     */
    public Optional<Connection> reserve(long userId, boolean v1, StreamPosition user, StreamPosition broadcast) {
        requireUser(userId);
        if (stopping) {
            stats.handshakeRejected();
            return Optional.empty();
        }
        countMalformed(userId, user, broadcast);
        long pingPhase = ThreadLocalRandom.current().nextLong(TimeUnit.MILLISECONDS.toNanos(Math.max(1, config.heartbeatIntervalMs())));
        Connection connection = new Connection(userId, config.sendBufferLimit(), stats, closes::terminated, v1, pingPhase);
        List<Connection> evicted = new ArrayList<>(1);
        Runnable register = () -> registry.add(connection, Math.max(1, config.maxSessionsPerUser()), evicted);
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

    /**
     * Attaches a session that has opened to the registration its handshake made ({@link #reserve}):
     * what was queued meanwhile is written first, in order. When the registration was removed first
     * (disconnected, evicted, timed out, stopping) or is bound already, the session is closed instead.
     *
     * @param connection the handshake's registration
     * @param session    the session that opened
     * @return true when bound; false when the session was closed
     */
    public boolean bind(Connection connection, Session session) {
        if (!connection.bind(session)) {
            CloseReason removal = connection.removal();
            ClosePolicy.close(session, removal != null ? removal : HeraldCloseCodes.GOING_AWAY);
            return false;
        }
        stats.sessionOpened();
        events.fire(new SessionOpened(connection.userId(), session.getId()));
        return true;
    }

    /**
     * Removes every session of a user and closes them with 1000 "disconnected" (the seed's
     * {@code disconnect}); in cluster mode the other nodes close theirs too ({@link DisconnectRequested}).
     *
     * @param userId the user
     * @return how many sessions were removed on this node
     */
    public int disconnect(long userId) {
        int removed = disconnectLocal(userId);
        events.fire(new DisconnectRequested(userId));
        return removed;
    }

    @Override
    public int disconnectLocal(long userId) {
        Connection[] removed = registry.of(userId);
        for (Connection connection : removed) {
            connection.sender().terminate(HeraldCloseCodes.DISCONNECTED, null);
        }
        return removed.length;
    }

    /**
     * Removes one session of a user, closing it with 1000 "disconnected"; never touches the user's others.
     *
     * @param userId  the user
     * @param session the session to remove
     * @return true when the session was registered
     */
    public boolean disconnect(long userId, Session session) {
        for (Connection connection : registry.of(userId)) {
            if (connection.session() == session) {
                connection.sender().terminate(HeraldCloseCodes.DISCONNECTED, null);
                return true;
            }
        }
        return false;
    }

    /**
     * Forgets a registration whose session the container has closed (the endpoint's {@code @OnClose}).
     *
     * @param connection the registration
     * @param reason     the close reason the container reported
     */
    public void unregister(Connection connection, CloseReason reason) {
        connection.sender().discard();
        closes.remove(connection, reason);
    }

    /**
     * @param userId the user
     * @return the user's most recent live session, the seed's {@code get_connection}
     */
    public Optional<Session> getConnection(long userId) {
        return registry.newest(userId);
    }

    /**
     * @param userId the user
     * @return the user's live sessions, oldest first
     */
    public List<Session> getConnections(long userId) {
        return registry.sessions(userId);
    }

    /**
     * @param userId the user
     * @return true when the user has at least one live session on this node
     */
    public boolean isConnected(long userId) {
        return liveSessions(userId) > 0;
    }

    @Override
    public int liveSessions(long userId) {
        return registry.live(userId);
    }

    /** @return the seed's {@code active_connections}: a read-only snapshot of user id to live sessions */
    public Map<Long, List<Session>> activeConnections() {
        return registry.snapshot();
    }

    @Override
    public Map<Long, Integer> liveSessionCounts() {
        return registry.liveCounts();
    }

    /** @return the user's registrations, oldest first (for tests and diagnostics) */
    List<Connection> connectionsOf(long userId) {
        return List.of(registry.of(userId));
    }

    /** @return users with at least one registered session */
    public int connectedUsers() {
        return registry.users();
    }

    /**
     * The seed's {@code send_message}: queues JSON on every live session of one user on this node,
     * then fires {@link MessageSent} (in cluster mode: published once, every other node queues it too).
     *
     * @param userId  the user, a positive number
     * @param message anything {@link MessageCodec#encode(Object)} accepts; serialized once
     * @return how many sessions of this node it was queued on, and when they were written
     * @throws IllegalArgumentException when the user id is not positive or the message cannot be serialized
     */
    public Delivery sendMessage(long userId, Object message) {
        requireUser(userId);
        OutboundMessage encoded = codec.encode(message);
        Delivery delivery = fanout.send(userId, encoded);
        events.fire(new MessageSent(userId, encoded.json()));
        return delivery;
    }

    /** User ids are positive: 0 is the broadcast stream's key, so a targeted send to it must never reach everyone. */
    private static void requireUser(long userId) {
        if (userId <= 0) {
            throw new IllegalArgumentException("User id must be a positive number, was " + userId);
        }
    }

    /**
     * The seed's {@code broadcast}: queues JSON on every live session of every user on this node,
     * then fires {@link MessageSent} (in cluster mode: published once to every other node).
     *
     * @param message anything {@link MessageCodec#encode(Object)} accepts; serialized once
     * @return how many sessions of this node it was queued on, and when they were written
     * @throws IllegalArgumentException when the message cannot be serialized
     */
    public Delivery broadcast(Object message) {
        OutboundMessage encoded = codec.encode(message);
        Delivery delivery = fanout.send(V1Protocol.BROADCAST, encoded);
        events.fire(new MessageSent(MessageSent.EVERYONE, encoded.json()));
        return delivery;
    }

    @Override
    public Delivery sendPlainLocal(long streamKey, OutboundMessage message) {
        return fanout.plainOnly(streamKey, message);
    }

    @Override
    public Delivery deliverRelayed(long streamKey, String epoch, long seq, String data) {
        return sequencer.relayed(streamKey, epoch, seq, data);
    }

    /**
     * One pass of the heartbeat and send-time watchdog ({@link Watchdog}).
     *
     * @param nowNanos the current {@link System#nanoTime()}
     */
    public void sweep(long nowNanos) {
        watchdog.sweep(nowNanos);
    }

    /**
     * Closes every session whose handshake was authenticated through an HTTP session that has ended
     * (logout, invalidation, timeout) with 4002 "signed out".
     *
     * @param httpSessionId the ended HTTP session's id
     * @return how many sessions were closed
     */
    public int signedOut(String httpSessionId) {
        List<Connection> ended = signIns.ended(httpSessionId);
        for (Connection connection : ended) {
            connection.sender().terminate(HeraldCloseCodes.SIGNED_OUT, null);
        }
        return ended.size();
    }

    /**
     * Follows an HTTP session whose id changed (session fixation protection at login).
     *
     * @param oldId its id before
     * @param newId its id now
     */
    public void signInRenamed(String oldId, String newId) {
        signIns.renamed(oldId, newId);
    }

    /**
     * Ties a registration to the HTTP session its handshake was authenticated with ({@link #signedOut}).
     *
     * @param connection    the registration
     * @param httpSessionId the HTTP session's id
     */
    public void tieToSignIn(Connection connection, String httpSessionId) {
        signIns.tie(connection, httpSessionId);
        if (connection.removal() != null) {
            signIns.forget(connection); // removed meanwhile
        }
    }

    @Override
    public boolean isStopping() {
        return stopping;
    }

    /**
     * On application stop: refuses new sessions, lets the queues flush for up to
     * {@code herald.shutdown.drain-ms}, then closes every session with 1001 "going away".
     */
    @PreDestroy
    public void shutdown() {
        stopping = true;
        if (sweep != null) {
            sweep.cancel(false);
        }
        new Drain(registry, closes).run(config.shutdownDrainMs());
    }
}
