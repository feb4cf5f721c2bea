package dev.herald.cluster.control;

import dev.herald.it.RedisServer;
import dev.herald.stats.control.HeraldStats;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.RedisClient;

/** A real redis-server per test class, a link to it per test, and a key prefix of the test's own. */
abstract class RedisFixture {

    static RedisServer server;
    static RedisClient redis;

    final HeraldStats stats = new HeraldStats();
    final String prefix = "t" + UUID.randomUUID();
    /** Four shards: the tests' users spread over several. */
    final KeyLayout keys = new KeyLayout(prefix, 4);
    final RedisLink link = new RedisLink(config(), "herald-test", stats, () -> {
    });

    /** Settings with a patient timeout: these tests are about Redis's answers, not its speed on a loaded machine. */
    private static ClusterConfig config() {
        ClusterConfig config = new ClusterConfig(server.uri(), null, 10_000);
        config.redisTimeoutMs = 2000;
        return config;
    }

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start();
        redis = server.client();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
        server.close();
    }

    @AfterEach
    void closeLink() {
        link.close();
    }
}
