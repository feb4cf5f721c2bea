package dev.herald.cluster.control;

import dev.herald.stats.control.HeraldStats;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Herald's one Redis client ({@link RedisClients#client()}: a pooled client of a standalone Redis, or
 * with {@code herald.redis.cluster=true} a Redis Cluster client, one pool per node), built from
 * {@code herald.redis.uri}, and the rule that no caller waits for Redis: every connect, read and
 * pool wait is limited to {@code herald.redis.timeout-ms}, and while an {@link Outage} lasts,
 * foreground calls skip Redis at once. Background calls (heartbeat, subscriber) find out when it is
 * back. The pool runs no evictor thread and registers no MBean: nothing outlives {@link #close()}.
 * Only this class and the other Redis classes of this package touch Jedis, and only in cluster mode,
 * so a single node needs no Jedis on the class path.
 */
final class RedisLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisLink.class.getName());

    private final HostAndPort address;
    private final RedisClients clients;
    private final UnifiedJedis client;
    private final Outage outage;
    private final HeraldStats stats;

    /**
     * @param config      the cluster settings; {@code herald.redis.uri} must be set
     * @param clientName  the name the connections show in {@code CLIENT LIST}
     * @param stats       counters
     * @param onRecovered runs when Redis is reachable again after an outage
     * @throws IllegalArgumentException when the URI is not a {@code redis://} or {@code rediss://} URI
     * @throws JedisException           for a Redis Cluster none of whose seed answers with a slot map
     */
    RedisLink(ClusterConfig config, String clientName, HeraldStats stats, Runnable onRecovered) {
        this.clients = new RedisClients(config, clientName);
        this.address = clients.seed();
        this.stats = stats;
        this.client = clients.client();
        this.outage = new Outage(address.toString(), stats, () -> {
            RedisClients.clearIdle(client); // idle connections from before a failure are likely broken
            if (!isDown()) {
                onRecovered.run();
            }
        });
    }

    /** @return host and port, for logs */
    String address() {
        return address.toString();
    }

    /** @return true while Redis is known to be unreachable */
    boolean isDown() {
        return outage.isDown();
    }

    /**
     * A call on a caller's thread: skipped at once during an outage, otherwise bounded by the timeout.
     *
     * @param command what to do with the client
     * @param <T>     its result
     * @return the result; empty when skipped or failed (or when the command answered null)
     */
    <T> Optional<T> call(Function<UnifiedJedis, T> command) {
        if (outage.isDown()) {
            stats.redisSkipped();
            return Optional.empty();
        }
        return run(command, false);
    }

    /**
     * A call from a background task, made even during an outage; a success ends the outage.
     *
     * @param command what to do with the client
     * @param <T>     its result
     * @return the result; empty when failed (or when the command answered null)
     */
    <T> Optional<T> probe(Function<UnifiedJedis, T> command) {
        return run(command, true);
    }

    private <T> Optional<T> run(Function<UnifiedJedis, T> command, boolean probe) {
        T result;
        try {
            result = command.apply(client);
        } catch (JedisException e) {
            failed(e);
            return Optional.empty();
        } catch (RuntimeException e) { // e.g. the pool was closed by an application stop
            stats.redisError();
            LOG.log(Level.WARNING, "Redis call failed", e);
            return Optional.empty();
        }
        if (probe) {
            outage.recovered();
        }
        return Optional.ofNullable(result);
    }

    /**
     * Records a failed call: unreachable Redis starts an outage; a refused command is logged.
     *
     * @param e what Jedis threw
     */
    void failed(JedisException e) {
        stats.redisError();
        if (unreachable(e)) {
            outage.failed(e);
        } else if (e instanceof JedisDataException) {
            LOG.log(Level.WARNING, "Redis at " + address + " refused a command (Herald needs Redis 7.0 or later)", e);
        } else {
            LOG.log(Level.FINE, e, () -> "Redis call failed (pool busy?)");
        }
    }

    /** Records that a background connection (a subscription's) works. */
    void reached() {
        outage.recovered();
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JedisConnectionException) {
                return true;
            }
        }
        return false;
    }

    /** @return how to reach Redis: standalone or cluster, connections of their own (for the subscriptions) */
    RedisClients clients() {
        return clients;
    }

    /** Closes the pool and its connections. */
    @Override
    public void close() {
        client.close();
    }
}
