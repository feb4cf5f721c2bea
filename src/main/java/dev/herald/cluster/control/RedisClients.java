package dev.herald.cluster.control;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * How Herald reaches Redis, from {@code herald.redis.uri}: the connection settings (timeouts,
 * credentials, TLS, client name), the pooled client of a standalone Redis or, with
 * {@code herald.redis.cluster=true}, the Redis Cluster client seeded by that URI, and single
 * connections outside any pool (for subscriptions). Pools run no evictor thread and register no MBean;
 * the cluster client starts no topology-refresh thread (it renews its slot map on MOVED and on
 * connection failures) and retries a command for at most {@code herald.redis.timeout-ms} in all.
 */
final class RedisClients {

    /** Attempts of one cluster command (a MOVED or a failed connection is retried on the new owner). */
    private static final int CLUSTER_ATTEMPTS = 3;

    private final ClusterConfig config;
    private final HostAndPort seed;
    private final JedisClientConfig clientConfig;

    /**
     * @param config     the cluster settings; {@code herald.redis.uri} must be set
     * @param clientName the name the connections show in {@code CLIENT LIST}
     * @throws IllegalArgumentException when the URI is not a {@code redis://} or {@code rediss://} URI, or
     *                                  names a database other than 0 for a Redis Cluster
     */
    RedisClients(ClusterConfig config, String clientName) {
        URI uri = config.redisAddress();
        this.config = config;
        this.seed = JedisURIHelper.getHostAndPort(uri);
        int timeout = config.redisTimeoutMs();
        DefaultJedisClientConfig.Builder settings = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .clientName(clientName)
                .ssl(JedisURIHelper.isRedisSSLScheme(uri));
        if (JedisURIHelper.getUser(uri) != null) {
            settings.user(JedisURIHelper.getUser(uri));
        }
        if (JedisURIHelper.getPassword(uri) != null) {
            settings.password(JedisURIHelper.getPassword(uri));
        }
        if (JedisURIHelper.hasDbIndex(uri)) {
            int db = JedisURIHelper.getDBIndex(uri);
            if (config.redisCluster() && db != 0) {
                throw new IllegalArgumentException("herald.redis.uri names database " + db + ", but a Redis Cluster (herald.redis.cluster=true) "
                        + "has database 0 only");
            }
            settings.database(db);
        }
        this.clientConfig = settings.build();
    }

    /** @return the host and port of the URI: the Redis, or the first node asked for a Redis Cluster's slot map */
    HostAndPort seed() {
        return seed;
    }

    /** @return true for a Redis Cluster ({@code herald.redis.cluster}) */
    boolean isCluster() {
        return config.redisCluster();
    }

    /** @return the settings of every connection: timeouts, credentials, TLS, database, client name */
    JedisClientConfig clientConfig() {
        return clientConfig;
    }

    /**
     * @return a new pooled client: {@link #standalone()} or {@link #cluster()} as configured; close it
     * @throws redis.clients.jedis.exceptions.JedisException for a Redis Cluster none of whose seed answers
     */
    UnifiedJedis client() {
        return isCluster() ? cluster() : standalone();
    }

    /** @return a new pooled client of a standalone Redis (it connects on first use); close it */
    RedisClient standalone() {
        return RedisClient.builder().hostAndPort(seed).clientConfig(clientConfig).poolConfig(poolConfig()).build();
    }

    /**
     * @return a new client of the Redis Cluster the seed belongs to, one pool per node; close it
     * @throws redis.clients.jedis.exceptions.JedisException when the seed does not answer with a slot map
     */
    RedisClusterClient cluster() {
        return RedisClusterClient.builder()
                .nodes(Set.of(seed))
                .clientConfig(clientConfig)
                .poolConfig(poolConfig())
                .maxAttempts(CLUSTER_ATTEMPTS)
                .maxTotalRetriesDuration(Duration.ofMillis(config.redisTimeoutMs()))
                .build();
    }

    /**
     * Closes the idle connections of a client built here (after an outage they are likely broken).
     *
     * @param client a client from {@link #client()}
     */
    static void clearIdle(UnifiedJedis client) {
        if (client instanceof RedisClient standalone) {
            standalone.getPool().clear();
        } else if (client instanceof RedisClusterClient cluster) {
            cluster.getClusterNodes().values().forEach(ConnectionPool::clear);
        }
    }

    /**
     * @param node   a Redis, or a node of the Redis Cluster
     * @param suffix added to the client name
     * @return a new connection of its own, outside any pool (for a blocking subscription)
     * @throws redis.clients.jedis.exceptions.JedisConnectionException when the node cannot be reached within the timeout
     */
    Connection connect(HostAndPort node, String suffix) {
        return new Connection(node, DefaultJedisClientConfig.builder().from(clientConfig)
                .clientName(clientConfig.getClientName() + suffix).build());
    }

    private GenericObjectPoolConfig<Connection> poolConfig() {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(config.redisPoolSize());
        pool.setMaxIdle(config.redisPoolSize());
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(Duration.ofMillis(config.redisTimeoutMs()));
        pool.setTimeBetweenEvictionRuns(Duration.ofMillis(-1)); // no evictor thread
        pool.setJmxEnabled(false);
        return pool;
    }
}
