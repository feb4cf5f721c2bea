package dev.herald.connections.control;

import dev.herald.connections.entity.MessageSent;
import dev.herald.connections.entity.SessionClosed;
import dev.herald.connections.entity.SessionOpened;
import dev.herald.platform.HeraldConfig;
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
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The registry of live WebSocket sessions by user id, and the way to send them JSON: the seed's
 * {@code WebSocketManager}, one per application ({@code @Inject} it; {@code CDI.current()} from
 * non-CDI code).
 *
 * <p>A user may hold several sessions (tabs, devices), up to {@code herald.max-sessions-per-user}.
 * Sends serialize the message once, queue it on each target session's {@link SessionSender} and
 * return at once; no caller ever waits for a client. A periodic sweep on the container's managed
 * scheduler pings every session once per heartbeat interval (each session at its own random phase,
 * so thousands opened together do not ping in one burst), drops those that stopped answering and
 * those whose write has run past the send time limit. Thread-safe without a global lock: each user's sessions are an
 * immutable array replaced atomically per key.
 */
@ApplicationScoped
public class WebSocketManager {

    private static final Logger LOG = Logger.getLogger(WebSocketManager.class.getName());
    private static final Connection[] NONE = new Connection[0];

    private final ConcurrentHashMap<Long, Connection[]> users = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private ScheduledFuture<?> sweep;

    @Inject
    MessageCodec codec;
    @Inject
    HeraldConfig config;
    @Inject
    HeraldStats stats;
    @Inject
    Event<Object> events;
    @Resource
    ManagedExecutorService managedExecutor;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private Executor closer;
    private Consumer<Object> eventSink;

    /** Creates the bean; CDI injects its collaborators. */
    public WebSocketManager() {
    }

    /**
     * A manager outside a container (unit tests, benchmarks): no sweep is scheduled, call
     * {@link #sweep(long)} yourself.
     *
     * @param codec  serializer
     * @param config limits
     * @param stats  counters
     * @param closer runs session closes (which may block on a dead peer)
     * @param events receives the {@link SessionOpened}, {@link SessionClosed} and {@link MessageSent} events
     */
    public WebSocketManager(MessageCodec codec, HeraldConfig config, HeraldStats stats, Executor closer, Consumer<Object> events) {
        this.codec = codec;
        this.config = config;
        this.stats = stats;
        this.closer = closer;
        this.eventSink = events;
    }

    @PostConstruct
    void start() {
        closer = managedExecutor;
        eventSink = events::fire;
        long tickMs = Math.max(50, Math.min(1000, Math.min(config.heartbeatIntervalMs(), config.sendTimeLimitMs()) / 4));
        sweep = scheduler.scheduleAtFixedRate(this::sweepNow, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Registers a session for a user (the seed's {@code connect}). When the user already holds
     * {@code herald.max-sessions-per-user} sessions, the oldest is closed with 1008 "session limit".
     * While the application stops, the session is closed with 1001 instead.
     *
     * @param userId  the user, taken from the handshake principal
     * @param session the open session
     * @return the registration, or empty when the application is stopping
     */
    public Optional<Connection> connect(long userId, Session session) {
        if (stopping) {
            stats.handshakeRejected();
            close(session, HeraldCloseCodes.GOING_AWAY);
            return Optional.empty();
        }
        long pingPhase = ThreadLocalRandom.current().nextLong(TimeUnit.MILLISECONDS.toNanos(Math.max(1, config.heartbeatIntervalMs())));
        Connection connection = new Connection(userId, session, config.sendBufferLimit(), stats, this::terminated, pingPhase);
        int max = Math.max(1, config.maxSessionsPerUser());
        List<Connection> evicted = new ArrayList<>(1);
        users.compute(userId, (id, current) -> {
            if (current == null) {
                return new Connection[]{connection};
            }
            int keep = Math.min(current.length, max - 1);
            evicted.addAll(Arrays.asList(current).subList(0, current.length - keep));
            Connection[] next = Arrays.copyOfRange(current, current.length - keep, current.length + 1);
            next[keep] = connection;
            return next;
        });
        stats.sessionOpened();
        fire(new SessionOpened(userId, session.getId()));
        for (Connection old : evicted) { // already out of the map: settle, count and close here
            old.sender().discard();
            removed(old, HeraldCloseCodes.SESSION_LIMIT);
            dropped(old, HeraldCloseCodes.SESSION_LIMIT, null);
        }
        return Optional.of(connection);
    }

    /**
     * Removes every session of a user and closes them with 1000 "disconnected" (the seed's
     * {@code disconnect}); what was still queued for them is dropped.
     *
     * @param userId the user
     * @return how many sessions were removed
     */
    public int disconnect(long userId) {
        Connection[] removed = users.getOrDefault(userId, NONE);
        for (Connection connection : removed) {
            connection.sender().terminate(HeraldCloseCodes.DISCONNECTED, null);
        }
        return removed.length;
    }

    /**
     * Removes one session of a user, closing it with 1000 "disconnected" if it is still open. A late
     * call for an old session never touches the user's other sessions.
     *
     * @param userId  the user
     * @param session the session to remove
     * @return true when the session was registered
     */
    public boolean disconnect(long userId, Session session) {
        for (Connection connection : users.getOrDefault(userId, NONE)) {
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
        remove(connection, reason);
    }

    /**
     * The seed's {@code get_connection}: the user's most recent live session.
     *
     * @param userId the user
     * @return the session, or empty when the user has none
     */
    public Optional<Session> getConnection(long userId) {
        Connection[] connections = users.getOrDefault(userId, NONE);
        for (int i = connections.length - 1; i >= 0; i--) {
            if (connections[i].isLive()) {
                return Optional.of(connections[i].session());
            }
        }
        return Optional.empty();
    }

    /**
     * @param userId the user
     * @return the user's live sessions, oldest first
     */
    public List<Session> getConnections(long userId) {
        List<Session> live = new ArrayList<>();
        for (Connection connection : users.getOrDefault(userId, NONE)) {
            if (connection.isLive()) {
                live.add(connection.session());
            }
        }
        return live;
    }

    /**
     * @param userId the user
     * @return true when the user has at least one live session on this node
     */
    public boolean isConnected(long userId) {
        return getConnection(userId).isPresent();
    }

    /**
     * The seed's {@code active_connections}: a read-only snapshot of user id to live sessions.
     *
     * @return the snapshot
     */
    public Map<Long, List<Session>> activeConnections() {
        Map<Long, List<Session>> snapshot = new LinkedHashMap<>();
        users.forEach((userId, connections) -> {
            List<Session> live = getConnections(userId);
            if (!live.isEmpty()) {
                snapshot.put(userId, List.copyOf(live));
            }
        });
        return Map.copyOf(snapshot);
    }

    /** @return the user's registrations, oldest first (for tests and diagnostics) */
    List<Connection> connectionsOf(long userId) {
        return List.of(users.getOrDefault(userId, NONE));
    }

    /** @return users with at least one registered session */
    public int connectedUsers() {
        return users.size();
    }

    /**
     * The seed's {@code send_message}: queues JSON on every live session of one user on this node,
     * then fires {@link MessageSent} (in cluster mode: published once, and every other node queues it
     * on its own sessions of the user).
     *
     * @param userId  the user
     * @param message anything {@link MessageCodec#encode(Object)} accepts; serialized once
     * @return how many sessions of this node it was queued on, and when they were written
     * @throws IllegalArgumentException when the message cannot be serialized
     */
    public Delivery sendMessage(long userId, Object message) {
        OutboundMessage encoded = codec.encode(message);
        Delivery delivery = sendLocal(userId, encoded);
        fire(new MessageSent(userId, encoded.json()));
        return delivery;
    }

    /**
     * Queues an already serialized message on this node's live sessions of one user, without firing
     * {@link MessageSent}: for messages that another cluster node already published.
     *
     * @param userId  the user
     * @param message the message
     * @return how many sessions it was queued on, and when they were written
     */
    public Delivery sendLocal(long userId, OutboundMessage message) {
        Delivery delivery = new Delivery();
        for (Connection connection : users.getOrDefault(userId, NONE)) {
            enqueue(connection, message, delivery);
        }
        return delivery.seal();
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
        Delivery delivery = broadcastLocal(encoded);
        fire(new MessageSent(MessageSent.EVERYONE, encoded.json()));
        return delivery;
    }

    /**
     * Queues an already serialized message on every live session of this node, without firing
     * {@link MessageSent}: for broadcasts that another cluster node already published.
     *
     * @param message the message
     * @return how many sessions it was queued on, and when they were written
     */
    public Delivery broadcastLocal(OutboundMessage message) {
        Delivery delivery = new Delivery();
        for (Connection[] connections : users.values()) {
            for (Connection connection : connections) {
                enqueue(connection, message, delivery);
            }
        }
        return delivery.seal();
    }

    private static void enqueue(Connection connection, OutboundMessage message, Delivery delivery) {
        if (connection.isLive()) {
            delivery.expect();
            connection.sender().enqueue(message, delivery);
        }
    }

    /**
     * One pass of the heartbeat and send-time watchdog: closes sessions whose oldest undelivered
     * data has waited past {@code herald.send.time-limit-ms} (slow consumer) or that were silent past
     * {@code herald.heartbeat.timeout-ms}, forgets sessions the container lost, and pings the rest
     * once per {@code herald.heartbeat.interval-ms}.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     */
    public void sweep(long nowNanos) {
        long sendLimit = TimeUnit.MILLISECONDS.toNanos(config.sendTimeLimitMs());
        long silenceLimit = TimeUnit.MILLISECONDS.toNanos(config.heartbeatTimeoutMs());
        long pingEvery = TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs());
        for (Connection[] connections : users.values()) {
            for (Connection connection : connections) {
                SessionSender sender = connection.sender();
                if (!connection.session().isOpen()) {
                    unregister(connection, new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "lost"));
                } else if (sender.deliveryAgeNanos(nowNanos) > sendLimit) {
                    sender.terminate(HeraldCloseCodes.SLOW_CONSUMER, null);
                } else if (nowNanos - connection.lastSeenNanos() > silenceLimit) {
                    sender.terminate(HeraldCloseCodes.HEARTBEAT_TIMEOUT, null);
                } else if (nowNanos - connection.lastPingNanos() >= pingEvery) {
                    connection.pinged(nowNanos);
                    sender.ping();
                }
            }
        }
    }

    private void sweepNow() {
        try {
            sweep(System.nanoTime());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Herald heartbeat sweep failed; it runs again next tick", e);
        }
    }

    /** A sender gave up: deregister, count, log once, close the session off the caller's thread. */
    private void terminated(Connection connection, CloseReason reason, Throwable cause) {
        if (remove(connection, reason)) {
            dropped(connection, reason, cause);
        }
    }

    private void dropped(Connection connection, CloseReason reason, Throwable cause) {
        int code = reason.getCloseCode().getCode();
        if (code == HeraldCloseCodes.SLOW_CONSUMER_CODE) {
            stats.slowConsumerClosed();
            LOG.warning(() -> "Closing slow consumer: user " + connection.userId() + " session " + connection.session().getId()
                    + " (" + connection.sender().queuedAtTermination() + " bytes queued, " + connection.sender().unconfirmedBytes()
                    + " unconfirmed; limits " + config.sendBufferLimit() + " bytes, " + config.sendTimeLimitMs() + " ms)");
        } else if (code == HeraldCloseCodes.HEARTBEAT_TIMEOUT_CODE) {
            stats.heartbeatClosed();
            LOG.info(() -> "Closing silent session: user " + connection.userId() + " session " + connection.session().getId()
                    + " (no pong for " + config.heartbeatTimeoutMs() + " ms)");
        } else if (reason == HeraldCloseCodes.SESSION_LIMIT) {
            stats.sessionLimitClosed();
            LOG.info(() -> "Closing oldest session of user " + connection.userId() + ": more than "
                    + config.maxSessionsPerUser() + " sessions");
        } else if (cause != null) {
            LOG.log(Level.FINE, cause, () -> "Send failed, closing " + connection);
        }
        closeAsync(connection.session(), reason);
    }

    /** Removes one registration; true only for the call that removed it. */
    private boolean remove(Connection connection, CloseReason reason) {
        boolean[] removed = {false};
        users.computeIfPresent(connection.userId(), (id, current) -> {
            int index = Arrays.asList(current).indexOf(connection);
            if (index < 0) {
                return current;
            }
            removed[0] = true;
            if (current.length == 1) {
                return null;
            }
            Connection[] next = new Connection[current.length - 1];
            System.arraycopy(current, 0, next, 0, index);
            System.arraycopy(current, index + 1, next, index, next.length - index);
            return next;
        });
        if (removed[0]) {
            removed(connection, reason);
        }
        return removed[0];
    }

    private void removed(Connection connection, CloseReason reason) {
        stats.sessionClosed();
        fire(new SessionClosed(connection.userId(), connection.session().getId(),
                reason.getCloseCode().getCode(), reason.getReasonPhrase()));
    }

    private void closeAsync(Session session, CloseReason reason) {
        try {
            closer.execute(() -> close(session, reason));
        } catch (RejectedExecutionException stopping) {
            close(session, reason);
        }
    }

    private static void close(Session session, CloseReason reason) {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Closing session " + session.getId() + " failed");
        }
    }

    private void fire(Object event) {
        try {
            eventSink.accept(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An observer of " + event.getClass().getSimpleName() + " failed", e);
        }
    }

    /** @return true while the application is stopping; new sessions are refused */
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
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownDrainMs());
        while (System.nanoTime() < deadline && !allIdle()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Connection[] connections : users.values()) {
            for (Connection connection : connections) {
                connection.sender().discard();
                if (remove(connection, HeraldCloseCodes.GOING_AWAY)) {
                    close(connection.session(), HeraldCloseCodes.GOING_AWAY);
                }
            }
        }
    }

    private boolean allIdle() {
        for (Connection[] connections : users.values()) {
            for (Connection connection : connections) {
                if (!connection.sender().isIdle() && !connection.sender().isTerminated()) {
                    return false;
                }
            }
        }
        return true;
    }
}
