package dev.herald.cluster.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The node's subscriptions to its shard channels ({@code SSUBSCRIBE}, Redis 7): on a standalone Redis
 * one connection for all; on a Redis Cluster one connection, read by one thread of the given factory
 * (a {@code ManagedThreadFactory} in the container), per primary that serves some of the channels'
 * slots. The subscriptions follow the topology: when a slot moves, a primary fails over or dies, the
 * reader that notices refreshes the slot map ({@link ShardPlan}) and every reader is re-assigned, a
 * reader for a new primary started and one for a node that serves none of the channels retired.
 * Outages are reported through {@link RedisLink#failed} and {@link RedisLink#reached}. Liveness is a
 * message, not a ping: the node publishes {@link #HEARTBEAT} on one channel of every connection
 * ({@link #heartbeatChannels}) at each heartbeat, and {@link #check} drops a connection that received
 * nothing for too long (no FIN, e.g. a frozen node), so its reader reconnects. The plan is guarded by
 * this object's monitor, held only to compare and hand out channels.
 */
final class ShardedSubscriptions {

    /** The heartbeat's text; never an envelope (an envelope starts with a node id, never with '!'). */
    static final String HEARTBEAT = "!heartbeat";

    private static final Logger LOG = Logger.getLogger(ShardedSubscriptions.class.getName());

    private final RedisLink link;
    private final RedisClients clients;
    private final Set<String> channels;
    private final List<String> preference;
    private final Consumer<String> receiver;
    private final long retryMs;
    private final ThreadFactory threads;
    private final Map<HostAndPort, ShardReader> readers = new HashMap<>(); // guarded by this
    private final Set<HostAndPort> known = new LinkedHashSet<>(); // guarded by this
    private boolean stopped; // guarded by this

    /**
     * @param link       outage reporting
     * @param clients    how to reach Redis (standalone or cluster, connections)
     * @param channels   the shard channels to read, in the order preferred for a connection's heartbeat
     *                   (the node's own channels before the broadcast channel, which every node reads)
     * @param receiver   gets every message but the heartbeat, on a reader thread; must not block
     * @param retryMs    longest wait between two attempts ({@code herald.redis.retry-ms})
     * @param threads    makes the reader threads
     */
    ShardedSubscriptions(RedisLink link, RedisClients clients, List<String> channels,
            Consumer<String> receiver, long retryMs, ThreadFactory threads) {
        this.link = link;
        this.clients = clients;
        this.channels = Set.copyOf(channels);
        this.preference = List.copyOf(channels);
        this.receiver = receiver;
        this.retryMs = retryMs;
        this.threads = threads;
    }

    /**
     * Starts the readers where the slot map says; when no node answers, one reader at the seed that
     * retries and then follows the map.
     */
    void start() {
        if (!refresh()) {
            apply(Map.of(clients.seed(), channels));
        }
    }

    /**
     * Reads the slot map and re-assigns the readers (called by a reader thread that noticed a change).
     *
     * @return true when the map was read
     */
    boolean refresh() {
        List<HostAndPort> nodes;
        synchronized (this) {
            if (stopped) {
                return true;
            }
            nodes = new ArrayList<>(known);
        }
        Map<HostAndPort, Set<String>> plan;
        try {
            plan = ShardPlan.read(clients, nodes, channels);
        } catch (JedisConnectionException e) {
            link.failed(e);
            return false;
        } catch (JedisException | ClassCastException | IndexOutOfBoundsException e) {
            LOG.log(Level.WARNING, "Reading the Redis Cluster's slot map failed; retrying", e);
            return false;
        }
        apply(plan);
        return true;
    }

    private synchronized void apply(Map<HostAndPort, Set<String>> plan) {
        if (stopped) {
            return;
        }
        known.addAll(plan.keySet());
        for (Map.Entry<HostAndPort, Set<String>> entry : plan.entrySet()) {
            ShardReader reader = readers.get(entry.getKey());
            if (reader != null) {
                if (!reader.assigned().equals(entry.getValue())) {
                    reader.assign(entry.getValue());
                }
                continue;
            }
            reader = new ShardReader(this, entry.getKey(), entry.getValue(), retryMs);
            Thread thread = threads.newThread(reader);
            if (thread == null) { // the container is shutting down
                LOG.warning(() -> "No thread for the shard subscription at " + entry.getKey() + "; the application is stopping?");
                continue;
            }
            readers.put(entry.getKey(), reader);
            thread.start();
        }
        readers.values().removeIf(reader -> {
            boolean gone = !plan.containsKey(reader.node());
            if (gone) {
                reader.retire();
            }
            return gone;
        });
    }

    /**
     * Forgets a reader whose thread ended.
     *
     * @param reader the reader
     */
    synchronized void ended(ShardReader reader) {
        readers.remove(reader.node(), reader);
    }

    /** @return the clients, for the readers' connections */
    RedisClients clients() {
        return clients;
    }

    /** @return the link, for the readers' outage reports */
    RedisLink link() {
        return link;
    }

    /**
     * Hands a message to the receiver, on the reader thread.
     *
     * @param message the text
     */
    void deliver(String message) {
        if (HEARTBEAT.equals(message)) {
            return;
        }
        try {
            receiver.accept(message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Delivering a message from another node failed", e);
        }
    }

    /** @return true while every channel is subscribed where the slot map last said */
    synchronized boolean isSubscribed() {
        return !stopped && !readers.isEmpty() && readers.values().stream().allMatch(ShardReader::isSubscribed);
    }

    /** @return how many reader threads run (one per node read) */
    synchronized int readerCount() {
        return readers.size();
    }

    /**
     * @return one channel per connection, where the node publishes {@link #HEARTBEAT} so that each
     *         connection hears from Redis at every heartbeat: the first of the reader's channels in
     *         the order given
     */
    synchronized List<String> heartbeatChannels() {
        List<String> chosen = new ArrayList<>(readers.size());
        for (ShardReader reader : readers.values()) {
            Set<String> assigned = reader.assigned();
            preference.stream().filter(assigned::contains).findFirst().ifPresent(chosen::add);
        }
        return chosen;
    }

    /**
     * Drops every subscribed connection that received nothing, heartbeat included, for longer than the
     * limit, so its reader reconnects (a silently dead connection, e.g. a frozen node).
     *
     * @param maxSilenceNanos how long a connection may stay silent
     */
    void check(long maxSilenceNanos) {
        List<ShardReader> current;
        synchronized (this) {
            current = List.copyOf(readers.values());
        }
        current.forEach(reader -> reader.check(maxSilenceNanos));
    }

    /**
     * Ends every subscription and waits for the reader threads to finish.
     *
     * @param waitMs how long to wait in all
     * @return true when every reader thread has finished
     * @throws InterruptedException when interrupted while waiting
     */
    boolean stop(long waitMs) throws InterruptedException {
        List<ShardReader> current;
        synchronized (this) {
            stopped = true;
            current = List.copyOf(readers.values());
        }
        current.forEach(ShardReader::retire);
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        for (ShardReader reader : current) {
            if (!reader.awaitFinished(Math.max(0, (deadline - System.nanoTime()) / 1_000_000))) {
                return false;
            }
        }
        return true;
    }
}
