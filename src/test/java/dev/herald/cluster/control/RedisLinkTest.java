package dev.herald.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.RedisServer;
import dev.herald.stats.control.HeraldStats;
import jakarta.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Outages on a real redis-server of the test's own: fail once, skip the rest, recover by a probe. */
class RedisLinkTest {

    private final HeraldStats stats = new HeraldStats();
    private final AtomicInteger recoveries = new AtomicInteger();

    private long counter(String name) {
        JsonObject snapshot = stats.snapshot(0);
        return snapshot.getJsonNumber(name).longValue();
    }

    /** A foreground call, as a publish makes it. */
    private static boolean publish(RedisLink link, String message) {
        return link.call(redis -> redis.publish("ch", message)).isPresent();
    }

    @Test
    void anOutageIsDetectedOnceThenSkippedUntilAProbeFindsRedisBack() throws Exception {
        try (RedisServer server = RedisServer.start();
             RedisLink link = new RedisLink(new ClusterConfig(server.uri(), null, 10_000), "herald-test", stats, recoveries::incrementAndGet)) {
            assertTrue(publish(link, "up"));
            server.stop();

            assertFalse(publish(link, "lost"), "the call that finds Redis gone fails");
            assertTrue(link.isDown());
            assertEquals(1, counter("redisOutages"));
            long errors = counter("redisErrors");
            for (int i = 0; i < 100; i++) {
                assertFalse(publish(link, "skipped"));
            }
            assertEquals(100, counter("redisSkipped"), "no call touched Redis while it was down");
            assertEquals(errors, counter("redisErrors"));

            assertEquals(Optional.empty(), link.probe(redis -> redis.ping()), "a probe tries, and fails");
            assertTrue(link.isDown());
            assertEquals(0, recoveries.get());

            server.restart();
            assertEquals(Optional.of("PONG"), link.probe(redis -> redis.ping()));
            assertFalse(link.isDown());
            assertEquals(1, recoveries.get());
            assertTrue(publish(link, "again"), "the pool dropped its broken connections");
            assertEquals(1, counter("redisOutages"));
        }
    }

    @Test
    void aMisconfiguredUriIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RedisLink(new ClusterConfig("http://localhost:6379", null, 10_000), "x", stats, () -> {
                }));
        assertTrue(e.getMessage().contains("herald.redis.uri"), e.getMessage());
    }
}
