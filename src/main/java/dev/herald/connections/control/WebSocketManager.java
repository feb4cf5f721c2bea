package dev.herald.connections.control;

import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.History;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.messages.entity.OutboundMessage;
import dev.herald.recovery.control.V1Protocol;
import dev.herald.connections.entity.DisconnectRequested;
import dev.herald.connections.entity.MessageSent;
import dev.herald.connections.entity.PresenceChanged;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
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
 * those whose write has run past the send time limit. Thread-safe without a global lock: each
 * user's sessions are an immutable array replaced atomically per key.
 *
 * <p><b>{@code herald.v1} sessions</b> receive every message as a sequenced frame of their user
 * stream or of the broadcast stream, and on connect the messages they missed ({@link Replay}). On one
 * node the streams live in the in-memory {@link History}: a stream's lock is held while a message gets
 * its sequence number, is recorded and is offered to the user's v1 sessions, and a connecting v1
 * session holds its user stream's lock, then the broadcast stream's (always in that order; a
 * broadcast takes only the latter), while it registers, reads what it missed and queues the replay
 * and welcome. So each message is either replayed or queued live, once, in sequence order. Plain
 * sessions keep the lock-free path. In cluster mode a {@link Relay} sequences in Redis instead.
 */
@ApplicationScoped
public class WebSocketManager {

    private static final Logger LOG = Logger.getLogger(WebSocketManager.class.getName());
    private static final Connection[] NONE = new Connection[0];

    private final ConcurrentHashMap<Long, Connection[]> users = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private ScheduledFuture<?> sweep;
    private History history;
    private volatile Relay relay;
    private volatile long lastExpiryNanos = System.nanoTime();
    private final AtomicBoolean malformedLogged = new AtomicBoolean();
    private final SignIns signIns = new SignIns();

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
    private QuietClose quietClose;

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
        this.history = newHistory();
        this.quietClose = new QuietClose(null, System::nanoTime, this::closeAsync);
    }

    private History newHistory() {
        return new History(config.historySize(), config.historyTtlMs(), config.historyMaxBytes(), System::nanoTime);
    }

    /**
     * Replaces the in-memory history (unit tests with their own clock).
     *
     * @param history the history to use from now on
     */
    void useHistory(History history) {
        this.history = history;
    }

    /** @return this node's in-memory {@code herald.v1} history (in cluster mode: the fallback during Redis outages) */
    public History history() {
        return history;
    }

    /**
     * Makes a shared history sequence the {@code herald.v1} streams (cluster mode), or stops it.
     *
     * @param relay the relay, or null for the in-memory history only
     */
    public void useRelay(Relay relay) {
        this.relay = relay;
    }

    @PostConstruct
    void start() {
        closer = managedExecutor;
        eventSink = events::fire;
        history = newHistory();
        quietClose = new QuietClose((task, delayNanos) -> scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS),
                System::nanoTime, this::closeAsync);
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
        return bound(reserve(userId, false, null, null), session);
    }

    private Optional<Connection> bound(Optional<Connection> reserved, Session session) {
        if (reserved.isEmpty()) {
            close(session, HeraldCloseCodes.GOING_AWAY); // stopping
            return reserved;
        }
        return reserved.filter(connection -> bind(connection, session));
    }

    /**
     * Registers a {@code herald.v1} session: queues on it what the user missed after the client's
     * positions (replay), then the {@code herald.welcome} frame, then live messages; none twice, none
     * left out, each stream in sequence order. Limits and stopping as for {@link #connect(long, Session)}.
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

    /**
     * Registers the session a handshake is about to open, before the client can see the 101: from now
     * on every send to the user is queued on it (and counts it), and {@link #isConnected} is true. A
     * {@code herald.v1} registration gets its replay and welcome queued here. {@link #bind} attaches
     * the session once it opens; a registration left unbound for {@code herald.handshake.open-timeout-ms}
     * is dropped. Limits as for {@link #connect(long, Session)}.
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
        for (StreamPosition position : new StreamPosition[]{user, broadcast}) {
            if (position != null && position.isMalformed()) {
                stats.malformedPosition();
                Level level = malformedLogged.compareAndSet(false, true) ? Level.INFO : Level.FINE;
                LOG.log(level, () -> "herald.v1 handshake of user " + userId
                        + " gave a position that is not <epoch>:<seq>; replaying what is held, recovered:false");
            }
        }
        long pingPhase = ThreadLocalRandom.current().nextLong(TimeUnit.MILLISECONDS.toNanos(Math.max(1, config.heartbeatIntervalMs())));
        Connection connection = new Connection(userId, config.sendBufferLimit(), stats, this::terminated, v1, pingPhase);
        List<Connection> evicted = new ArrayList<>(1);
        boolean inOrder = true;
        if (v1) {
            Replay replay = recover(connection, user, broadcast, evicted);
            inOrder = replay != null;
        } else {
            register(connection, evicted);
        }
        connection.sender().flush();
        if (!inOrder) {
            stats.resync();
            connection.sender().terminate(HeraldCloseCodes.RESYNC, null);
        }
        fire(new PresenceChanged(userId));
        for (Connection old : evicted) { // already out of the map: settle, count and close here
            old.sender().discard();
            removed(old, HeraldCloseCodes.SESSION_LIMIT);
            dropped(old, HeraldCloseCodes.SESSION_LIMIT, null);
        }
        return Optional.of(connection);
    }

    /**
     * Attaches a session that has opened to the registration its handshake made ({@link #reserve}):
     * what was queued meanwhile is written first, in order. When the registration was removed before
     * the session opened (disconnected, evicted, timed out, the application stopping), the session is
     * closed with the removal's reason instead.
     *
     * @param connection the handshake's registration
     * @param session    the session that opened
     * @return true when bound; false when the session was closed
     */
    public boolean bind(Connection connection, Session session) {
        if (!connection.bind(session)) {
            CloseReason removal = connection.removal();
            close(session, removal != null ? removal : HeraldCloseCodes.GOING_AWAY);
            return false;
        }
        stats.sessionOpened();
        fire(new SessionOpened(connection.userId(), session.getId()));
        return true;
    }

    private void register(Connection connection, List<Connection> evicted) {
        int max = Math.max(1, config.maxSessionsPerUser());
        users.compute(connection.userId(), (id, current) -> {
            if (current == null) {
                return new Connection[]{connection};
            }
            int keep = Math.min(current.length, max - 1);
            evicted.addAll(Arrays.asList(current).subList(0, current.length - keep));
            Connection[] next = Arrays.copyOfRange(current, current.length - keep, current.length + 1);
            next[keep] = connection;
            return next;
        });
    }

    /**
     * Registers a v1 session and queues its replay and welcome, race-free (see the class comment).
     *
     * @return the replay; null when a relayed message that arrived meanwhile shows a gap
     */
    private Replay recover(Connection connection, StreamPosition user, StreamPosition broadcast, List<Connection> evicted) {
        long userId = connection.userId();
        Relay shared = relay;
        Replay replay = null;
        if (shared != null) {
            register(connection, evicted); // relayed messages wait in the connection until it goes live
            replay = shared.replay(userId, user, broadcast).orElse(null);
        }
        boolean inOrder;
        if (replay != null) {
            inOrder = connection.goLive(replay);
        } else {
            Replay[] local = new Replay[1];
            inOrder = locked(userId, userStream -> locked(V1Protocol.BROADCAST, broadcastStream -> {
                if (shared == null) {
                    register(connection, evicted);
                }
                StreamPosition userHead = userStream.head();
                StreamPosition broadcastHead = broadcastStream.head();
                local[0] = Replay.plan(user, userHead, userStream.after(Replay.replayAfter(user, userHead)),
                        broadcast, broadcastHead, broadcastStream.after(Replay.replayAfter(broadcast, broadcastHead)),
                        new Replay.Bound(config.recoveryMaxBytes(), config.recoveryMaxMessages()));
                return connection.goLive(local[0]);
            }));
            replay = local[0];
            history.enforceBound();
        }
        stats.recovery(replay.requested(), replay.recovered(), replay.replayed());
        return inOrder ? replay : null;
    }

    /** Runs an action under a stream's lock, on a stream that is not forgotten. */
    private <T> T locked(long streamKey, Function<History.Stream, T> action) {
        while (true) {
            History.Stream stream = history.stream(streamKey);
            synchronized (stream) {
                if (!stream.isForgotten()) {
                    return action.apply(stream);
                }
            }
        }
    }

    /**
     * Removes every session of a user and closes them with 1000 "disconnected" (the seed's
     * {@code disconnect}); what was still queued for them is dropped. In cluster mode the other nodes
     * close theirs too ({@link DisconnectRequested}).
     *
     * @param userId the user
     * @return how many sessions were removed on this node
     */
    public int disconnect(long userId) {
        int removed = disconnectLocal(userId);
        fire(new DisconnectRequested(userId));
        return removed;
    }

    /**
     * Removes every session of a user on this node only (another node asked for it).
     *
     * @param userId the user
     * @return how many sessions were removed
     */
    public int disconnectLocal(long userId) {
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
            Session session = connections[i].session();
            if (session != null && connections[i].isLive()) {
                return Optional.of(session);
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
            Session session = connection.session();
            if (session != null && connection.isLive()) {
                live.add(session);
            }
        }
        return live;
    }

    /**
     * @param userId the user
     * @return true when the user has at least one live session on this node
     */
    public boolean isConnected(long userId) {
        return liveSessions(userId) > 0;
    }

    /**
     * @param userId the user
     * @return the user's live sessions on this node, those whose handshake is completing included
     */
    public int liveSessions(long userId) {
        int live = 0;
        for (Connection connection : users.getOrDefault(userId, NONE)) {
            if (connection.isLive()) {
                live++;
            }
        }
        return live;
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

    /** @return user id to live sessions on this node, those whose handshake is completing included */
    public Map<Long, Integer> liveSessionCounts() {
        Map<Long, Integer> counts = new LinkedHashMap<>();
        users.forEach((userId, connections) -> {
            int live = liveSessions(userId);
            if (live > 0) {
                counts.put(userId, live);
            }
        });
        return counts;
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
     * @param userId  the user, a positive number
     * @param message anything {@link MessageCodec#encode(Object)} accepts; serialized once
     * @return how many sessions of this node it was queued on, and when they were written
     * @throws IllegalArgumentException when the user id is not positive or the message cannot be serialized
     */
    public Delivery sendMessage(long userId, Object message) {
        requireUser(userId);
        OutboundMessage encoded = codec.encode(message);
        Delivery delivery = send(userId, encoded, true);
        fire(new MessageSent(userId, encoded.json()));
        return delivery;
    }

    /**
     * Queues an already serialized message on this node's live sessions of one user (v1 sessions: as
     * the next message of the in-memory user stream), without firing {@link MessageSent} and without
     * the cluster's relay.
     *
     * @param userId  the user, a positive number
     * @param message the message
     * @return how many sessions it was queued on, and when they were written
     * @throws IllegalArgumentException when the user id is not positive
     */
    public Delivery sendLocal(long userId, OutboundMessage message) {
        requireUser(userId);
        return send(userId, message, false);
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
        Delivery delivery = send(V1Protocol.BROADCAST, encoded, true);
        fire(new MessageSent(MessageSent.EVERYONE, encoded.json()));
        return delivery;
    }

    /**
     * Queues an already serialized message on every live session of this node (v1 sessions: as the
     * next message of the in-memory broadcast stream), without firing {@link MessageSent} and without
     * the cluster's relay.
     *
     * @param message the message
     * @return how many sessions it was queued on, and when they were written
     */
    public Delivery broadcastLocal(OutboundMessage message) {
        return send(V1Protocol.BROADCAST, message, false);
    }

    /**
     * Queues a message another cluster node sent on this node's plain sessions only (its v1 sessions
     * get it through {@link #deliverRelayed}).
     *
     * @param streamKey a user id or {@link V1Protocol#BROADCAST}
     * @param message   the bare JSON
     * @return how many sessions it was queued on
     */
    public Delivery sendPlainLocal(long streamKey, OutboundMessage message) {
        Delivery delivery = new Delivery();
        enqueuePlain(streamKey, message, delivery);
        return delivery.seal();
    }

    /**
     * Queues a message sequenced by the cluster's {@link Relay} on this node's v1 sessions of its
     * stream; called on the subscriber thread, in sequence order. A session that sees a gap (this
     * node missed publications) is closed with 1012 "resync", so its client reconnects and recovers.
     *
     * @param streamKey a user id or {@link V1Protocol#BROADCAST}
     * @param epoch     the stream's epoch
     * @param seq       the message's sequence number
     * @param data      the bare JSON
     * @return how many sessions it was queued on
     */
    public Delivery deliverRelayed(long streamKey, String epoch, long seq, String data) {
        OutboundMessage frame = V1Protocol.message(streamKey, epoch, seq, data);
        Delivery delivery = new Delivery();
        forEachTarget(streamKey, connection -> {
            if (connection.isV1() && connection.isLive()) {
                delivery.expect();
                boolean inOrder = connection.offerSequenced(streamKey, epoch, seq, frame, delivery, true);
                connection.sender().flush();
                if (!inOrder) {
                    stats.resync();
                    LOG.info(() -> "Closing " + connection + " to resync: it missed relayed messages of its "
                            + V1Protocol.streamName(streamKey) + " stream before " + epoch + ":" + seq);
                    connection.sender().terminate(HeraldCloseCodes.RESYNC, null);
                }
            }
        });
        return delivery.seal();
    }

    private Delivery send(long streamKey, OutboundMessage message, boolean mayRelay) {
        Delivery delivery = new Delivery();
        enqueuePlain(streamKey, message, delivery);
        Relay shared = mayRelay ? relay : null;
        if (shared != null && shared.publish(streamKey, message)) {
            forEachTarget(streamKey, connection -> {
                if (connection.isV1() && connection.isLive()) {
                    delivery.relayed();
                }
            });
        } else {
            sendSequenced(streamKey, message, delivery);
        }
        return delivery.seal();
    }

    /** Records the message in the in-memory stream and offers it to the v1 sessions under the stream's lock. */
    private void sendSequenced(long streamKey, OutboundMessage message, Delivery delivery) {
        List<Connection> offered = new ArrayList<>();
        locked(streamKey, stream -> {
            Replay.Held held = stream.append(message.json());
            String epoch = stream.head().epoch();
            forEachTarget(streamKey, connection -> {
                if (connection.isV1() && connection.isLive()) {
                    delivery.expect();
                    connection.offerSequenced(streamKey, epoch, held.seq(), held.frame(), delivery, false);
                    offered.add(connection);
                }
            });
            return null;
        });
        for (Connection connection : offered) {
            connection.sender().flush();
        }
        history.enforceBound();
    }

    private void enqueuePlain(long streamKey, OutboundMessage message, Delivery delivery) {
        forEachTarget(streamKey, connection -> {
            if (!connection.isV1()) {
                enqueue(connection, message, delivery);
            }
        });
    }

    /** Runs {@code action} for each of the user's registrations, or every registration for the broadcast stream. */
    private void forEachTarget(long streamKey, Consumer<Connection> action) {
        if (streamKey != V1Protocol.BROADCAST) {
            for (Connection connection : users.getOrDefault(streamKey, NONE)) {
                action.accept(connection);
            }
            return;
        }
        for (Connection[] connections : users.values()) {
            for (Connection connection : connections) {
                action.accept(connection);
            }
        }
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
        long openLimit = TimeUnit.MILLISECONDS.toNanos(config.openTimeoutMs());
        for (Connection[] connections : users.values()) {
            for (Connection connection : connections) {
                SessionSender sender = connection.sender();
                if (!connection.isBound()) {
                    if (nowNanos - connection.reservedNanos() > openLimit) {
                        sender.terminate(HeraldCloseCodes.OPEN_TIMEOUT, null); // the handshake never completed
                    }
                } else if (!connection.session().isOpen()) {
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
            long now = System.nanoTime();
            sweep(now);
            long expireEvery = TimeUnit.MILLISECONDS.toNanos(Math.max(1000, Math.min(10_000, config.historyTtlMs() / 4)));
            if (now - lastExpiryNanos >= expireEvery) {
                lastExpiryNanos = now;
                history.expire();
            }
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
            LOG.warning(() -> "Closing slow consumer: " + connection + " (" + connection.sender().queuedAtTermination() + " bytes queued, " + connection.sender().unconfirmedBytes()
                    + " unconfirmed; limits " + config.sendBufferLimit() + " bytes, " + config.sendTimeLimitMs() + " ms)");
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
        Session session = connection.session();
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
        if (connection.removed(reason)) {
            stats.sessionClosed();
            fire(new SessionClosed(connection.userId(), connection.session().getId(),
                    reason.getCloseCode().getCode(), reason.getReasonPhrase()));
        }
        signIns.forget(connection);
        fire(new PresenceChanged(connection.userId()));
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
     * Ties a registration to the HTTP session its handshake was authenticated with: when that ends, the
     * session is closed ({@link #signedOut}).
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
                if (remove(connection, HeraldCloseCodes.GOING_AWAY) && connection.isBound()) {
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
