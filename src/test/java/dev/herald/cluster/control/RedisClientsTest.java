package dev.herald.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.RedisCluster;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/** {@link RedisClients}: the client {@code herald.redis.cluster} asks for, with the URI's settings. */
class RedisClientsTest {

    private static ClusterConfig config(String uri, boolean cluster) {
        ClusterConfig config = new ClusterConfig(uri, null, 10_000);
        config.redisCluster = cluster;
        return config;
    }

    @Test
    void standaloneByDefaultWithTheUrisSettings() {
        ClusterConfig config = new ClusterConfig("redis://u:p@127.0.0.1:6390/2", null, 10_000);
        RedisClients clients = new RedisClients(config, "herald-x");
        assertFalse(clients.isCluster());
        assertEquals("127.0.0.1:6390", clients.seed().toString());
        assertEquals("u", clients.clientConfig().getUser());
        assertEquals(2, clients.clientConfig().getDatabase());
        assertEquals(config.redisTimeoutMs(), clients.clientConfig().getSocketTimeoutMillis());
        try (UnifiedJedis client = clients.client()) {
            assertInstanceOf(RedisClient.class, client);
        }
    }

    @Test
    void aClusterHasDatabaseZeroOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RedisClients(config("redis://127.0.0.1:6390/1", true), "herald-x"));
        assertTrue(e.getMessage().contains("database 1"), e.getMessage());
    }

    @Test
    void aClusterClientFromOneSeedReachesEveryPrimary() throws Exception {
        try (RedisCluster cluster = RedisCluster.start();
             UnifiedJedis client = new RedisClients(config(cluster.seedUri(), true), "herald-x").client()) {
            RedisClusterClient clusterClient = assertInstanceOf(RedisClusterClient.class, client);
            for (int i = 0; i < 30; i++) { // keys on all three primaries
                client.set("k" + i, "v" + i);
                assertEquals("v" + i, client.get("k" + i));
            }
            assertEquals(3, clusterClient.getClusterNodes().size(), "one pool per primary");
        }
    }
}
