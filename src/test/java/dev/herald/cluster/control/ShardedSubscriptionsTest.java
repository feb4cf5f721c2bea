package dev.herald.cluster.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.RedisCluster;
import dev.herald.it.RedisServer;
import dev.herald.stats.control.HeraldStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/** {@link ShardedSubscriptions} on a real Redis Cluster (3 primaries with a replica each) and on a standalone Redis. */
class ShardedSubscriptionsTest {

    private static final Logger LOG = Logger.getLogger(ShardedSubscriptionsTest.class.getName());
    private static final Duration RESUMED = Duration.ofSeconds(30);

    private static RedisCluster cluster;

    private final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ThreadFactory factory = task -> {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        threads.add(thread);
        return thread;
    };
    private final AtomicInteger probes = new AtomicInteger();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    @Test
    void deliversFromEveryPrimaryAndStopEndsThreadsAndConnections() throws Exception {
        List<String> channels = onePerPrimary(cluster);
        try (RedisLink link = link(cluster.seedUri(), true); RedisClusterClient publisher = publisher(cluster)) {
            ShardedSubscriptions subscriptions = start(link, cluster.seedUri(), true, channels);
            assertEquals(3, subscriptions.readerCount(), "one reader per primary");
            assertEquals(3, subscriptions.heartbeatChannels().stream().map(c -> cluster.primaryOf(JedisClusterCRC16.getSlot(c))).distinct().count(),
                    "a heartbeat channel on each connection");
            for (String channel : channels) {
                awaitDelivery(publisher::spublish, channel);
            }
            assertTrue(subscriptions.stop(10_000), "every reader thread ended");
            await().atMost(Duration.ofSeconds(10)).until(() -> threads.stream().noneMatch(Thread::isAlive));
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.ports().stream().noneMatch(ShardedSubscriptionsTest::hasOurConnection));
        }
    }

    @Test
    void resumesAfterAPlannedFailover() throws Exception {
        List<String> channels = onePerPrimary(cluster);
        String channel = channels.get(0);
        try (RedisLink link = link(cluster.seedUri(), true); RedisClusterClient publisher = publisher(cluster)) {
            ShardedSubscriptions subscriptions = start(link, cluster.seedUri(), true, channels);
            awaitDelivery(publisher::spublish, channel);
            int promoted = cluster.failover(JedisClusterCRC16.getSlot(channel));
            awaitDelivery(publisher::spublish, channel);
            await().atMost(RESUMED).until(subscriptions::isSubscribed);
            assertTrue(hasOurConnection(promoted), "reads the channel at the new primary");
            assertTrue(subscriptions.stop(10_000));
        }
    }

    @Test
    void resumesAfterASlotMoves() throws Exception {
        List<String> channels = onePerPrimary(cluster);
        String channel = channels.get(1);
        int slot = JedisClusterCRC16.getSlot(channel);
        try (RedisLink link = link(cluster.seedUri(), true); RedisClusterClient publisher = publisher(cluster)) {
            ShardedSubscriptions subscriptions = start(link, cluster.seedUri(), true, channels);
            awaitDelivery(publisher::spublish, channel);
            int to = cluster.primaryOf(JedisClusterCRC16.getSlot(channels.get(2)));
            cluster.moveSlot(slot, to);
            awaitDelivery(publisher::spublish, channel);
            await().atMost(RESUMED).until(subscriptions::isSubscribed);
            awaitDelivery(publisher::spublish, channels.get(2)); // the receiving node's own channel still arrives
            assertTrue(subscriptions.stop(10_000));
        }
    }

    @Test
    void resumesAfterAPrimaryDies() throws Exception {
        try (RedisCluster own = RedisCluster.start()) { // a cluster of its own: the others keep a replica per primary
            List<String> channels = onePerPrimary(own);
            String channel = channels.get(0);
            try (RedisLink link = link(own.seedUri(), true); RedisClusterClient publisher = publisher(own)) {
                ShardedSubscriptions subscriptions = start(link, own.seedUri(), true, channels);
                awaitDelivery(publisher::spublish, channel);
                int slot = JedisClusterCRC16.getSlot(channel);
                int primary = own.primaryOf(slot);
                int replica = own.replicasOf(primary).get(0);
                long killed = System.nanoTime();
                own.kill(primary);
                own.awaitPromoted(slot, replica);
                long promotedMs = (System.nanoTime() - killed) / 1_000_000;
                awaitDelivery(publisher::spublish, channel);
                long resumedMs = (System.nanoTime() - killed) / 1_000_000;
                LOG.info(() -> "Primary killed: replica promoted after " + promotedMs + " ms, first message delivered after "
                        + resumedMs + " ms");
                await().atMost(RESUMED).until(subscriptions::isSubscribed);
                for (String other : channels) {
                    awaitDelivery(publisher::spublish, other);
                }
                assertTrue(subscriptions.stop(10_000));
                await().atMost(Duration.ofSeconds(10)).until(() -> threads.stream().noneMatch(Thread::isAlive));
            }
        }
    }

    @Test
    void readsAStandaloneRedisOnOneConnection() throws Exception {
        try (RedisServer server = RedisServer.start(); RedisClient publisher = server.client();
             RedisLink link = link(server.uri(), false)) {
            List<String> channels = List.of("herald:{a}", "herald:{b}", "herald:{c}");
            ShardedSubscriptions subscriptions = start(link, server.uri(), false, channels);
            assertEquals(1, subscriptions.readerCount());
            for (String channel : channels) {
                awaitDelivery((c, m) -> spublish(publisher, c, m), channel);
            }
            server.stop();
            server.restart();
            awaitDelivery((c, m) -> spublish(publisher, c, m), channels.get(0)); // reconnected by itself
            assertTrue(subscriptions.stop(10_000));
            await().atMost(Duration.ofSeconds(10)).until(() -> threads.stream().noneMatch(Thread::isAlive));
        }
    }

    @Test
    void dropsASilentHeartbeatConnection() throws Exception {
        List<String> channels = onePerPrimary(cluster);
        try (RedisLink link = link(cluster.seedUri(), true); RedisClusterClient publisher = publisher(cluster)) {
            ShardedSubscriptions subscriptions = new ShardedSubscriptions(link, clients(cluster.seedUri(), true), channels,
                    received::add, 200, factory);
            subscriptions.start();
            await().atMost(RESUMED).until(subscriptions::isSubscribed);
            int before = threads.size();
            int port = cluster.primaryOf(JedisClusterCRC16.getSlot(channels.get(0)));
            long connectionsBefore = ourConnectionIds(port);
            subscriptions.check(0); // silent for longer than 0 ns: the heartbeat connection is replaced
            await().atMost(RESUMED).until(() -> subscriptions.isSubscribed() && ourConnectionIds(port) != connectionsBefore);
            assertEquals(before, threads.size(), "the same reader thread reconnects");
            awaitDelivery(publisher::spublish, channels.get(0));
            assertTrue(subscriptions.stop(10_000));
        }
    }

    /** A publish function: spublish on a cluster or standalone client. */
    private interface Publisher {
        long publish(String channel, String message);
    }

    private void awaitDelivery(Publisher publisher, String channel) {
        List<String> sent = new CopyOnWriteArrayList<>();
        await().atMost(RESUMED).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            String probe = channel + "#" + probes.incrementAndGet();
            sent.add(probe);
            publisher.publish(channel, probe);
            return received.stream().anyMatch(sent::contains);
        });
    }

    /** Jedis 8.0.2's RedisClient has no spublish of its own. */
    private static long spublish(RedisClient client, String channel, String message) {
        return (Long) client.sendCommand(Protocol.Command.SPUBLISH, channel, message);
    }

    private ShardedSubscriptions start(RedisLink link, String uri, boolean isCluster, List<String> channels) {
        ShardedSubscriptions subscriptions = new ShardedSubscriptions(link, clients(uri, isCluster), channels,
                received::add, 1000, factory);
        subscriptions.start();
        await().atMost(RESUMED).until(subscriptions::isSubscribed);
        return subscriptions;
    }

    private static ClusterConfig config(String uri, boolean isCluster) {
        ClusterConfig config = new ClusterConfig(uri, null, 10_000);
        config.redisCluster = isCluster;
        config.redisTimeoutMs = 2000;
        return config;
    }

    private static RedisClients clients(String uri, boolean isCluster) {
        return new RedisClients(config(uri, isCluster), "herald-test");
    }

    private static RedisLink link(String uri, boolean isCluster) {
        return new RedisLink(config(uri, isCluster), "herald-test", new HeraldStats(), () -> {
        });
    }

    private static RedisClusterClient publisher(RedisCluster cluster) {
        return RedisClusterClient.create(new HostAndPort("127.0.0.1", cluster.ports().get(0)));
    }

    /** @return one channel on each primary, in the primaries' order of discovery */
    private static List<String> onePerPrimary(RedisCluster cluster) {
        Map<Integer, String> byPrimary = new HashMap<>();
        for (int i = 0; byPrimary.size() < 3; i++) {
            String channel = "herald:{n" + i + "}:in";
            byPrimary.putIfAbsent(cluster.primaryOf(JedisClusterCRC16.getSlot(channel)), channel);
        }
        return new ArrayList<>(byPrimary.values());
    }

    private static boolean hasOurConnection(int port) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.clientList().lines().anyMatch(line -> line.contains("name=herald-test-ssub"));
        }
    }

    private static long ourConnectionIds(int port) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.clientList().lines().filter(line -> line.contains("name=herald-test-ssub"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("^id=([0-9]+) .*", "$1"))).sum();
        }
    }
}
