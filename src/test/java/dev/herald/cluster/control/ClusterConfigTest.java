package dev.herald.cluster.control;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.herald.stats.control.HeraldStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code herald.redis.uri} is parsed without ever repeating a password in an error; the other settings
 * are checked at start, naming the property, the value and the range.
 */
class ClusterConfigTest {

    private static final String SECRET = "s3cr3t-Pa55";

    @ParameterizedTest
    @ValueSource(strings = {
            "redis://user:" + SECRET + "@host name:6379",
            "redis://:" + SECRET + "@host:6379/0 x",
            "redis://user:" + SECRET + "@host:port",
            "http://user:" + SECRET + "@host:6379",
            "redis://user:" + SECRET + "@host",
            "redis://user:" + SECRET + "@host:6379/db",
            "redis://user:" + SECRET + "%zz@host:6379",
            "redis://user:" + SECRET + "@[::1:6379"})
    void aMalformedUriIsRefusedWithoutItsPassword(String uri) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new ClusterConfig(uri, null, 10_000).redisAddress());
        assertFalse(refused.getMessage().contains(SECRET), refused.getMessage());
        assertFalse(String.valueOf(refused.getCause()).contains(SECRET));
        IllegalArgumentException link = assertThrows(IllegalArgumentException.class,
                () -> new RedisLink(new ClusterConfig(uri, null, 10_000), "herald-test", new HeraldStats(), () -> { }).close());
        assertFalse(link.getMessage().contains(SECRET), link.getMessage());
    }

    @Test
    void aValidUriIsParsed() {
        var uri = new ClusterConfig("rediss://user:" + SECRET + "@redis.example:6380/2", null, 10_000).redisAddress();
        assertEquals("redis.example", uri.getHost());
        assertEquals(6380, uri.getPort());
        assertEquals("user:" + SECRET, uri.getUserInfo());
    }

    @Test
    void aBadValueFailsNamingThePropertyAndTheRange() {
        ClusterConfig config = new ClusterConfig();
        assertDoesNotThrow(config::validate);
        config.redisRetryMs = 9;
        assertEquals("herald.redis.retry-ms is 9: it must be at least 10",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.redisRetryMs = 10;
        config.redisPoolSize = 0;
        assertEquals("herald.redis.pool-size is 0: it must be at least 1",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.redisPoolSize = 1;
        config.redisTimeoutMs = 0;
        assertEquals("herald.redis.timeout-ms is 0: it must be at least 1",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.redisTimeoutMs = 1;
        assertDoesNotThrow(config::validate);
        assertEquals("herald.cluster.presence-ttl-ms is 299: it must be at least 300",
                assertThrows(IllegalArgumentException.class, () -> new ClusterConfig(null, null, 299)).getMessage());
        assertDoesNotThrow(() -> new ClusterConfig(null, null, 300));
    }

    @Test
    void theShardCountIsBetweenOneAndTheSlotsOfRedisCluster() {
        ClusterConfig config = new ClusterConfig();
        assertEquals(16, config.shards(), "the default");
        for (int bad : new int[]{0, 16385}) {
            config.shards = bad;
            assertEquals("herald.cluster.shards is " + bad + ": it must be between 1 and 16384",
                    assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        }
        config.shards = 1;
        assertDoesNotThrow(config::validate);
        config.shards = 16384;
        assertDoesNotThrow(config::validate);
    }
}
