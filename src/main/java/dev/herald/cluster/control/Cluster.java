package dev.herald.cluster.control;

import dev.herald.connections.control.ConnectionsConfig;
import dev.herald.connections.control.NodeSessions;
import dev.herald.connections.control.RemotePresence;
import dev.herald.connections.entity.DisconnectRequested;
import dev.herald.connections.entity.PresenceChanged;
import dev.herald.connections.entity.GroupMembershipChanged;
import dev.herald.messages.entity.StreamKey;
import dev.herald.platform.ClusterStatus;
import dev.herald.recovery.control.RecoveryConfig;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.Resume;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.sse.control.ForwardedMessages;
import dev.herald.sse.control.StreamForwarding;
import dev.herald.stats.control.HeraldStats;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's place in a Herald cluster on Redis, when {@code herald.redis.uri} is set; without it,
 * nothing here touches Redis or Jedis and every answer is the single-node one.
 *
 * <ul>
 * <li><b>Delivery.</b> A send goes to this node's plain sessions first, then is recorded in its
 * {@code herald.v1} stream in Redis and published with its epoch and seq in one script
 * ({@link RedisHistory}): to the nodes that hold the user, or the group's or topic's sessions, or to
 * every node for a broadcast ({@link KeyLayout}). Other nodes deliver it to their plain sessions; every
 * receiving node, this one included, to its v1 sessions, in seq order whichever node sent. Plain
 * sessions: at most once across nodes; v1 sessions: a gap closes the session to resync (1012).</li>
 * <li><b>Presence.</b> Which node has sessions of which user, group and topic ({@link RedisPresence},
 * {@link RedisInterest}), kept by {@link NodePresence} and a heartbeat every third of
 * {@code herald.cluster.presence-ttl-ms}; users coming online in the cluster and going offline
 * everywhere (a killed node's users included) fire {@code UserOnline} and {@code UserOffline} on every
 * node. The heartbeat also publishes the subscriptions' liveness message ({@link ShardedSubscriptions#HEARTBEAT}).</li>
 * <li><b>Tickets.</b> Connect tickets in Redis ({@link RedisTickets}).</li>
 * <li><b>Outages.</b> Callers never wait for Redis beyond {@code herald.redis.timeout-ms}, and not at
 * all while it is known to be down ({@link RedisLink}); local delivery and presence go on.</li>
 * </ul>
 *
 * <p>Started when the application starts and stopped before its beans are destroyed: the subscriber
 * thread ends, the presence entry is deleted, and the pool is closed.
 */
@ApplicationScoped
public class Cluster implements ClusterStatus {

    private static final Logger LOG = Logger.getLogger(Cluster.class.getName());
    /** A subscription that received nothing, heartbeats included, for this long (or the presence TTL, if longer) is replaced. */
    private static final long MIN_SILENCE_MS = 5000;

    @Inject
    ClusterConfig config;
    @Inject
    NodeSessions manager;
    @Inject
    HeraldStats stats;
    @Inject
    ConnectionsConfig connections;
    @Inject
    RecoveryConfig recovery;
    @Inject
    ForwardedMessages forwards;
    @Inject
    Event<Object> events;
    @Resource
    ManagedScheduledExecutorService scheduler;
    @Resource
    ManagedThreadFactory threads;

    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean enabled;
    private String nodeId = "";
    private KeyLayout keys;
    private RedisLink link;
    private NodePresence presence;
    private RedisTickets tickets;
    private RedisHistory history;
    private RedisControl control;
    private ShardedSubscriptions subscriber;
    private ScheduledFuture<?> heartbeat;

    /** Creates the bean; CDI injects its collaborators. */
    public Cluster() {
    }

    @PostConstruct
    void start() {
        Optional<String> uri = config.redisUri();
        if (uri.isEmpty() || manager.isStopping()) {
            return; // a single node; or a late lookup while the application stops
        }
        nodeId = config.nodeIdOrRandom();
        keys = new KeyLayout(config.keyPrefix(), config.shards());
        link = new RedisLink(config, "herald-" + nodeId, stats, this::recovered);
        presence = new NodePresence(new RedisPresence(link, keys, nodeId, config.presenceTtlMs()), keys, manager, stats, events::fire,
                new RedisInterest(link, keys, nodeId, config.presenceTtlMs()));
        tickets = new RedisTickets(link, keys);
        history = new RedisHistory(link, keys, nodeId, recovery.historySize(), recovery.historyTtlMs(), stats,
                recovery.replayBound(connections.sendBufferLimit()));
        control = new RedisControl(link, keys, nodeId);
        subscriber = subscriber(keys.channelsOf(nodeId));
        subscriber.start();
        long beatMs = config.presenceTtlMs() / 3;
        presence.beat(link.isDown()); // alive in every shard before the first session: groups route by it
        enabled = true;
        heartbeat = scheduler.scheduleAtFixedRate(this::beat, beatMs, beatMs, TimeUnit.MILLISECONDS);
        LOG.info(() -> "Herald cluster node " + nodeId + " on Redis at " + link.address() + ", " + config.shards()
                + " shards, channels " + keys.channel(0, nodeId) + " … and " + keys.broadcastChannel()
                + ", presence expires " + config.presenceTtlMs() + " ms after the last heartbeat");
    }

    /**
     * The seam of the subscriptions: the channels this node reads ({@link KeyLayout#channelsOf}) and
     * their receiver; one connection on a standalone Redis, one per primary on a Redis Cluster.
     */
    private ShardedSubscriptions subscriber(List<String> channels) {
        Inbox inbox = new Inbox(manager, nodeId, keys.channel(0, nodeId) + " …", stats, forwards, presence::fire);
        return new ShardedSubscriptions(link, link.clients(), channels, inbox, config.redisRetryMs(), threads);
    }

    /**
     * Starts the cluster with the application (the bean is otherwise created on first use).
     *
     * @param event the application context's start
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // creating the bean is enough: @PostConstruct connects
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean isRedisDown() {
        return enabled && link.isDown();
    }

    @Override
    public boolean isSubscribed() {
        return enabled && subscriber.isSubscribed();
    }

    /**
     * The user's live sessions on other nodes. During a Redis outage (and on a single node) it is 0:
     * presence checks fall back to this node's own sessions.
     *
     * @param userId a user
     * @return sessions on other nodes, per the shared presence
     */
    public int sessionsElsewhere(long userId) {
        return enabled ? presence.sessionsElsewhere(userId) : 0;
    }

    /** @return the way to other nodes' SSE streams; empty on a single node (and once the node left) */
    Optional<StreamForwarding> forwarding() {
        return enabled ? Optional.of(new StreamForwarder(control, nodeId)) : Optional.empty();
    }

    /** @return connect tickets in Redis, shared by every node; empty on a single node (and once the node left) */
    Optional<RedisTickets> tickets() {
        return enabled ? Optional.of(tickets) : Optional.empty();
    }

    /** A registration came or went: written before the handshake's 101, so other nodes count it as soon as its client may. */
    void onPresence(@Observes PresenceChanged changed) {
        if (enabled) {
            presence.changed(changed.userId());
        }
    }

    /** The application disconnected a user here: every other node closes the user's sessions too. */
    void onDisconnect(@Observes DisconnectRequested disconnect) {
        if (enabled && !control.disconnect(disconnect.userId())) {
            LOG.warning(() -> "Could not ask the other nodes to disconnect user " + disconnect.userId() + ": Redis is unreachable");
        }
    }

    /**
     * The application changed a user's groups here (issue 18): this node's entry of the group is
     * written, then every other node that holds the user changes the user's sessions there too.
     */
    void onMembership(@Observes GroupMembershipChanged changed) {
        if (enabled) {
            presence.passOn(changed, control);
        }
    }

    /** @param stream a group or topic whose sessions here changed from none to some or back (or whose entry may be wrong): written at the next flush */
    void streamChanged(StreamKey.Named stream) {
        if (enabled) {
            presence.streamChanged(stream);
        }
    }

    /**
     * @param stream a group or topic
     * @return its sessions and users on the other live nodes, per their entries; none on a single node or when Redis cannot be read
     */
    public RemotePresence.Elsewhere elsewhere(StreamKey.Named stream) {
        return enabled ? presence.elsewhere(stream) : RemotePresence.Elsewhere.NONE;
    }

    /**
     * A stream's head and what it holds after a position (a topic's replay on subscribing), read after
     * this node's pending group and topic entries are written, so what is published after the read
     * is routed here.
     *
     * @return the part; empty on a single node or when Redis cannot be read
     */
    Optional<Replay.Part> read(StreamKey stream, StreamPosition given) {
        if (!enabled) {
            return Optional.empty();
        }
        presence.flushStreams();
        return history.read(stream, given);
    }

    /** @return the streams in Redis (publishes, topic reads) while this node is in the cluster; empty: sequence in memory */
    Optional<Relay> streams() {
        return enabled ? Optional.of(history) : Optional.empty();
    }

    /**
     * The replay from the shared streams. The connecting session is registered already: its count is
     * written to the presence first, so every message published after the read is routed to this node.
     *
     * @return the replay; empty on a single node or when Redis cannot be read
     */
    Optional<Replay> resume(long userId, Resume resume, List<StreamKey.Group> groups) {
        if (!enabled) {
            return Optional.empty();
        }
        presence.arriving(userId);
        return history.resume(userId, resume, groups);
    }

    /** The heartbeat: presence writes and expiry, the subscriber's liveness message and check, and, during an outage, the probe. */
    private void beat() {
        if (!enabled) {
            return; // stopping: never write an entry back after it was deleted
        }
        try {
            boolean down = link.isDown();
            presence.beat(down); // during an outage: the probe that ends it
            if (!down) {
                control.heartbeat(subscriber.heartbeatChannels());
            }
            subscriber.check(TimeUnit.MILLISECONDS.toNanos(Math.max(MIN_SILENCE_MS, config.presenceTtlMs())));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Herald's cluster heartbeat failed; it runs again", e);
        }
    }

    /** Redis is back: this node's presence may have expired or missed changes, so rewrite it now. */
    private void recovered() {
        presence.resync();
        try {
            scheduler.execute(() -> {
                history.recovered();
                presence.flush();
            });
        } catch (RejectedExecutionException stopping) {
            // the application is stopping
        }
    }

    /**
     * Leaves the cluster before the application's beans are destroyed: no more publishes, the
     * presence entry deleted at once, the subscriber thread ended, the connections closed.
     *
     * @param event the application context's end
     */
    void onStop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
        stop();
    }

    /**
     * Leaves the cluster now (the container calls it when the application stops; see
     * {@link #onStop}). Runs once; afterwards this node answers as a single node.
     */
    @PreDestroy
    public void stop() {
        if (!enabled || !stopped.compareAndSet(false, true)) {
            return;
        }
        enabled = false;
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        presence.leave();
        try {
            if (!subscriber.stop(2000)) {
                LOG.warning("Herald's Redis subscriber thread did not end within 2 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
        LOG.info(() -> "Herald cluster node " + nodeId + " left the cluster");
    }
}
