package dev.herald.cluster.control;

import static dev.herald.platform.Ranges.atLeast;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Cluster settings from MicroProfile Config, checked when the application starts: a value out of
 * range fails the deployment, naming the property and its range. Without {@code herald.redis.uri}
 * Herald is a single node and none of the others is used. Listed in docs/configuration.md.
 */
@ApplicationScoped
public class ClusterConfig {

    // each default once, for the annotation and the field (code without CDI)
    private static final String D_REDIS_TIMEOUT_MS = "1000";
    private static final String D_REDIS_POOL_SIZE = "16";
    private static final String D_REDIS_RETRY_MS = "1000";
    private static final String D_KEY_PREFIX = "herald";
    private static final String D_PRESENCE_TTL_MS = "15000";
    private static final String D_SHARDS = "16";
    /** The most shards: Redis Cluster has 16384 slots. */
    static final int MAX_SHARDS = 16384;

    @Inject
    @ConfigProperty(name = "herald.redis.uri")
    Optional<String> redisUri = Optional.empty();

    @Inject
    @ConfigProperty(name = "herald.redis.cluster", defaultValue = "false")
    boolean redisCluster;

    @Inject
    @ConfigProperty(name = "herald.redis.timeout-ms", defaultValue = D_REDIS_TIMEOUT_MS)
    int redisTimeoutMs = Integer.parseInt(D_REDIS_TIMEOUT_MS);

    @Inject
    @ConfigProperty(name = "herald.redis.pool-size", defaultValue = D_REDIS_POOL_SIZE)
    int redisPoolSize = Integer.parseInt(D_REDIS_POOL_SIZE);

    @Inject
    @ConfigProperty(name = "herald.redis.retry-ms", defaultValue = D_REDIS_RETRY_MS)
    long redisRetryMs = Long.parseLong(D_REDIS_RETRY_MS);

    @Inject
    @ConfigProperty(name = "herald.redis.key-prefix", defaultValue = D_KEY_PREFIX)
    String keyPrefix = D_KEY_PREFIX;

    @Inject
    @ConfigProperty(name = "herald.cluster.presence-ttl-ms", defaultValue = D_PRESENCE_TTL_MS)
    long presenceTtlMs = Long.parseLong(D_PRESENCE_TTL_MS);

    @Inject
    @ConfigProperty(name = "herald.cluster.shards", defaultValue = D_SHARDS)
    int shards = Integer.parseInt(D_SHARDS);

    @Inject
    @ConfigProperty(name = "herald.cluster.node-id")
    Optional<String> nodeId = Optional.empty();

    /** Creates the bean; CDI fills the fields. */
    public ClusterConfig() {
    }

    /**
     * Settings outside a container (unit tests, benchmarks).
     *
     * @param redisUri      the Redis URI, or null for a single node
     * @param nodeId        this node's id, or null for a generated one
     * @param presenceTtlMs how long this node's presence entries outlive its last heartbeat
     */
    public ClusterConfig(String redisUri, String nodeId, long presenceTtlMs) {
        this.redisUri = Optional.ofNullable(redisUri);
        this.nodeId = Optional.ofNullable(nodeId);
        this.presenceTtlMs = presenceTtlMs;
        validate();
    }

    /**
     * Checks the ranges once CDI filled the fields.
     *
     * @throws IllegalArgumentException naming the first property out of range, its value and the range
     */
    @PostConstruct
    void validate() {
        atLeast("herald.redis.timeout-ms", redisTimeoutMs, 1);
        atLeast("herald.redis.pool-size", redisPoolSize, 1);
        atLeast("herald.redis.retry-ms", redisRetryMs, 10);
        atLeast("herald.cluster.presence-ttl-ms", presenceTtlMs, 300);
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("herald.cluster.shards is " + shards + ": it must be between 1 and " + MAX_SHARDS);
        }
    }

    /**
     * Creates the bean, and so checks the settings, when the application starts.
     *
     * @param event the application context's start
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // @PostConstruct validates
    }

    /** @return {@code herald.redis.uri} ({@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS); empty: single node */
    public Optional<String> redisUri() {
        return redisUri == null ? Optional.empty() : redisUri.map(String::strip).filter(uri -> !uri.isEmpty());
    }

    /**
     * The parsed {@code herald.redis.uri}. Its errors never repeat the value, which may hold a password:
     * they name the problem and, for a syntax error, its position.
     *
     * @return the URI, scheme {@code redis} or {@code rediss}, with a host and a port
     * @throws IllegalArgumentException when the URI is unset or malformed
     */
    public URI redisAddress() {
        String raw = redisUri().orElseThrow(() -> new IllegalArgumentException("herald.redis.uri is not set"));
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("herald.redis.uri is not a valid URI (" + e.getReason() + " at index " + e.getIndex()
                    + "; the value is not shown as it may hold a password)");
        }
        boolean scheme = "redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme());
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!scheme || uri.getHost() == null || uri.getPort() < 0 || !path.matches("(/[0-9]{0,9})?")) {
            throw new IllegalArgumentException("herald.redis.uri must be redis://host:port or rediss://host:port, optionally with "
                    + "user:password@ and /db (the value is not shown as it may hold a password)");
        }
        return uri;
    }

    /**
     * @return {@code herald.redis.cluster}: true when {@code herald.redis.uri} names one seed node of a Redis
     *         Cluster (same credentials, TLS and timeouts; database 0 only) rather than a standalone Redis (default false)
     */
    public boolean redisCluster() {
        return redisCluster;
    }

    /** @return {@code herald.redis.timeout-ms}: connect, read and pool-wait limit of one Redis call (default 1000) */
    public int redisTimeoutMs() {
        return redisTimeoutMs;
    }

    /** @return {@code herald.redis.pool-size}: pooled Redis connections for publishes, presence and tickets (default 16) */
    public int redisPoolSize() {
        return redisPoolSize;
    }

    /** @return {@code herald.redis.retry-ms}: longest wait between two reconnect attempts of the subscriber (default 1000) */
    public long redisRetryMs() {
        return redisRetryMs;
    }

    /** @return {@code herald.redis.key-prefix}: prefix of Herald's keys and channel, for several applications on one Redis (default {@code herald}) */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** @return {@code herald.cluster.presence-ttl-ms}: how long a node's presence outlives its last heartbeat (default 15000) */
    public long presenceTtlMs() {
        return presenceTtlMs;
    }

    /**
     * @return {@code herald.cluster.shards}: how many shards (hash slots on Redis Cluster) the users'
     *         keys and channels are spread over; the same on every node of a cluster (default 16)
     */
    public int shards() {
        return shards;
    }

    /** @return {@code herald.cluster.node-id}: this node's id; empty: a new random id per start */
    public Optional<String> nodeId() {
        return nodeId == null ? Optional.empty() : nodeId.map(String::strip).filter(id -> !id.isEmpty());
    }

    /**
     * @return the configured node id, or a random one (12 hex digits) when none is
     * @throws IllegalArgumentException when the configured id is not 1 to 64 letters, digits, '.', '_', ':' or '-'
     */
    String nodeIdOrRandom() {
        String id = nodeId().orElseGet(() -> {
            byte[] bytes = new byte[6];
            new SecureRandom().nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        });
        if (!id.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new IllegalArgumentException("herald.cluster.node-id must be 1 to 64 letters, digits, '.', '_', ':' or '-': " + id);
        }
        return id;
    }
}
