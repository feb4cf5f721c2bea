package dev.herald.connections.control;

import dev.herald.connections.entity.DisconnectRequested;
import dev.herald.connections.entity.MessageSent;
import dev.herald.connections.entity.SessionOpened;
import dev.herald.groups.control.GroupResolver;
import dev.herald.groups.control.NoGroups;
import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.History;
import dev.herald.recovery.control.RecoveryConfig;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.Resume;
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
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The live WebSocket sessions by user id, and the way to send them JSON: the seed's
 * {@code WebSocketManager}, one per application ({@code @Inject} it; {@code CDI.current()} from
 * non-CDI code). A facade: the {@link Registry} holds the registrations, {@link Fanout} queues a
 * message on each target's {@link SessionSender} (serialized once; no caller ever waits for a
 * client), the {@link Sequencer} keeps {@code herald.v1} streams in order, the {@link Watchdog}
 * pings and drops dead or slow sessions, the {@link ClosePolicy} settles every departure and the
 * {@link Drain} ends them on shutdown; groups, topics and lists of users are {@link #audiences()}. A user
 * may hold {@code herald.max-sessions-per-user} sessions. In cluster mode the {@link Relay} shares the v1
 * streams, and what the cluster's subscriber hands over is written by the {@link Writers}.
 */
@ApplicationScoped
public class WebSocketManager implements NodeSessions, SessionQueries, SessionLifecycle {

    private final Registry registry = new Registry(stream -> this.interest.changed(stream)); // read per call: injected after construction
    private final SignIns signIns = new SignIns();
    private volatile boolean stopping;

    @Inject
    MessageCodec codec;
    @Inject
    ConnectionsConfig config;
    @Inject
    RecoveryConfig recovery;
    @Inject
    HeraldStats stats;
    @Inject
    Event<Object> cdiEvents;
    @Inject
    Relay relay;
    @Inject
    StreamInterest interest = StreamInterest.NONE;
    @Inject
    GroupResolver groupResolver = new NoGroups();
    @Inject
    Writers writers = new Writers(Thread::new, 0); // outside a container the cluster's caller writes
    @Resource
    ManagedExecutorService managedExecutor;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private Events events;
    private ClosePolicy closes;
    private Sequencer sequencer;
    private Fanout fanout;
    private Watchdog watchdog;
    private Admissions admissions;
    private Audiences audiences;

    /** Creates the bean; CDI injects its collaborators. */
    public WebSocketManager() {
    }

    /**
     * A single-node manager outside a container (unit tests, benchmarks): no sweep is scheduled,
     * call {@link #sweep(long)} yourself.
     *
     * @param codec    serializer
     * @param config   limits of the sessions
     * @param recovery bounds of the {@code herald.v1} history and replay
     * @param stats    counters
     * @param closer   runs session closes (which may block on a dead peer)
     * @param events   receives the {@link SessionOpened}, {@code SessionClosed} and {@link MessageSent} events
     */
    public WebSocketManager(MessageCodec codec, ConnectionsConfig config, RecoveryConfig recovery, HeraldStats stats, Executor closer, Consumer<Object> events) {
        this(codec, config, recovery, stats, closer, events, Relay.NONE);
    }

    /** As the public constructor, with a {@code relay} that shares the {@code herald.v1} streams while it is active. */
    WebSocketManager(MessageCodec codec, ConnectionsConfig config, RecoveryConfig recovery, HeraldStats stats, Executor closer, Consumer<Object> events, Relay relay) {
        this.codec = codec;
        this.config = config;
        this.recovery = recovery;
        this.stats = stats;
        this.relay = relay;
        wire(closer, events, null);
    }

    private void wire(Executor closer, Consumer<Object> sink, QuietClose.Scheduler later) {
        events = new Events(sink, () -> relay.isActive());
        closes = new ClosePolicy(registry, signIns, config, stats, events, closer, later);
        History history = new History(recovery.historySize(), recovery.historyTtlMs(), recovery.historyMaxBytes(), System::nanoTime);
        sequencer = new Sequencer(registry, history, recovery.replayBound(config.sendBufferLimit()), stats);
        fanout = new Fanout(registry, sequencer, relay);
        watchdog = new Watchdog(registry, config, history, recovery.historyTtlMs(), this::unregister);
        admissions = new Admissions(registry, sequencer, closes, events, config, stats, relay, this::isStopping,
                (userId, principal) -> groupResolver.groupsOf(userId, principal)); // read per admission: tests replace it
        audiences = new Audiences(registry, fanout, sequencer, relay, codec, events);
    }

    @PostConstruct
    void start() {
        wire(managedExecutor, cdiEvents::fire, (task, delayNanos) -> scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS));
        watchdog.start(scheduler);
    }

    /** @return this node's in-memory {@code herald.v1} history (in cluster mode: the fallback during Redis outages) */
    public History history() {
        return sequencer.history();
    }

    /** @return groups, topics and lists of users: one call reaches many sessions */
    public Audiences audiences() {
        return audiences;
    }

    /**
     * Registers a session for a user (the seed's {@code connect}). Beyond {@code herald.max-sessions-per-user}
     * the oldest is closed with 4006 "session limit"; while the application stops the session is closed with 1001.
     *
     * @param userId  the user, taken from the handshake principal
     * @param session the open session
     * @return the registration, or empty when the application is stopping
     */
    public Optional<Connection> connect(long userId, Session session) {
        return admissions.connect(userId, false, session, null, null);
    }

    /**
     * Registers a {@code herald.v1} session ({@link V1Protocol#SUBPROTOCOL}): queues what the user missed
     * after the {@code since}/{@code bsince} positions (null: absent), then the {@code herald.welcome}
     * frame, then live messages; none twice, none left out, each stream in sequence order. Limits,
     * stopping and the answer as for {@link #connect(long, Session)}.
     */
    public Optional<Connection> connectV1(long userId, Session session, StreamPosition user, StreamPosition broadcast) {
        return admissions.connect(userId, true, session, user, broadcast);
    }

    @Override
    public Optional<Connection> admit(long userId, boolean v1, Principal principal, Resume resume) {
        return admissions.reserve(userId, v1, principal, resume);
    }

    @Override
    public boolean bind(Connection connection, Transport transport) {
        return admissions.bind(connection, transport);
    }

    /**
     * Removes every session of a user and closes them with 4008 "disconnected" (the seed's
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
     * Removes one session of a user, closing it with 4008 "disconnected"; never touches the user's others.
     *
     * @return true when the session was registered
     */
    public boolean disconnect(long userId, Session session) {
        Optional<Connection> match = Stream.of(registry.of(userId)).filter(c -> c.session() == session).findFirst();
        match.ifPresent(connection -> connection.sender().terminate(HeraldCloseCodes.DISCONNECTED, null));
        return match.isPresent();
    }

    @Override
    public void unregister(Connection connection, CloseReason reason) {
        connection.sender().discard();
        closes.remove(connection, reason);
    }

    @Override
    public Optional<Session> getConnection(long userId) {
        return registry.newest(userId);
    }

    @Override
    public List<Session> getConnections(long userId) {
        return registry.sessions(userId);
    }

    @Override
    public boolean isConnected(long userId) {
        return liveSessions(userId) > 0;
    }

    @Override
    public int liveSessions(long userId) {
        return registry.live(userId);
    }

    @Override
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

    @Override
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
        StreamKey stream = StreamKey.user(userId); // a targeted send can never reach everyone
        OutboundMessage encoded = codec.encode(message);
        Delivery delivery = fanout.send(stream, encoded);
        events.fire(new MessageSent(userId, encoded.json()));
        return delivery;
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
        Delivery delivery = fanout.send(StreamKey.BROADCAST, encoded);
        events.fire(new MessageSent(MessageSent.EVERYONE, encoded.json()));
        return delivery;
    }

    @Override
    public Delivery sendPlainLocal(StreamKey streamKey, OutboundMessage message) {
        return fanout.plainOnly(streamKey, message, writers);
    }

    @Override
    public Delivery deliverRelayed(StreamKey streamKey, String epoch, long seq, String data) {
        return sequencer.relayed(streamKey, epoch, seq, data, writers);
    }

    /** One pass of the heartbeat and send-time watchdog ({@link Watchdog}) at {@code nowNanos}, a {@link System#nanoTime()}. */
    public void sweep(long nowNanos) {
        watchdog.sweep(nowNanos);
    }

    @Override
    public int signedOut(String httpSessionId) {
        return signIns.signedOut(httpSessionId);
    }

    @Override
    public void signInRenamed(String oldId, String newId) {
        signIns.renamed(oldId, newId);
    }

    @Override
    public void tieToSignIn(Connection connection, String httpSessionId) {
        signIns.tie(connection, httpSessionId);
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
        watchdog.stop();
        new Drain(registry, closes).run(config.shutdownDrainMs());
    }
}
