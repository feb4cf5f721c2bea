package dev.herald.it;

import static dev.herald.it.ItSupport.awaitSessions;
import static dev.herald.it.ItSupport.deliver;
import static dev.herald.it.ItSupport.groupHook;
import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.stat;
import static dev.herald.it.ItSupport.stats;
import static dev.herald.it.ItSupport.waitFor;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.it.groups.GroupHooks;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Issue 17 on a Redis Cluster of 3 primaries with a replica each, started by the test: node A
 * (Arquillian) and node B (a Payara Micro process), both with {@code herald.redis.cluster=true} and
 * one seed. Targeted delivery only to the node that holds the user, broadcasts both ways, the MFA
 * check, tickets and {@code herald.v1} recovery across nodes, and a killed primary after which
 * cross-node delivery resumes without restarting a node. The tests run in any order.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RedisClusterIT {

    private static final Logger LOG = Logger.getLogger(RedisClusterIT.class.getName());
    private static final String A = "redis-cluster-node-a";
    private static final RedisCluster REDIS = newCluster();

    private static boolean aDeployed;
    private static MicroNode nodeB;
    private final AtomicInteger probes = new AtomicInteger();

    @ArquillianResource
    Deployer deployer;

    private static RedisCluster newCluster() {
        try {
            return RedisCluster.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Deployment(name = A, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.heraldWithHooks(Map.of(
                "herald.redis.uri", REDIS.seedUri(),
                "herald.redis.cluster", "true",
                "herald.cluster.node-id", "node-a",
                "herald.cluster.presence-ttl-ms", "15000",
                "herald.redis.retry-ms", "500",
                "herald.redis.timeout-ms", "3000"))
                .addPackage(GroupHooks.class.getPackage()); // alice and bob in team:a
    }

    @AfterAll
    static void stopProcesses() throws Exception {
        try (RedisCluster redis = REDIS; MicroNode b = nodeB) {
            // closed in reverse order, each even when another fails
        }
    }

    /** A deployed, then B started (one server boots at a time), unless they run. */
    @BeforeEach
    void startNodes() throws Exception {
        if (!aDeployed) {
            deployer.deploy(A);
            aDeployed = true;
        }
        if (nodeB == null) {
            nodeB = MicroNode.start("redis-cluster-node-b", deployment(), Map.of("herald.cluster.node-id", "node-b"));
        }
    }

    /** @return B's URL, once A and B read their channels on every primary */
    private static URL b(URL a) throws Exception {
        awaitSubscribed(a);
        return awaitSubscribed(nodeB.awaitReady().base());
    }

    private static URL awaitSubscribed(URL node) throws Exception {
        waitFor(() -> stats(node).getJsonObject("cluster").getBoolean("subscribed"), 60_000);
        return node;
    }

    /**
     * Groups on Redis Cluster: a group's stream, node hash and the nodes' channels of its shard share a
     * slot, whichever primary serves it. A group message from A reaches the members on both nodes once
     * (a targeted marker after it shows nothing else came); a join called on A reaches carol's session
     * on B ahead of the group message sent right after it.
     */
    @Test
    void aGroupMessageAndAJoinReachTheMembersOnBothNodes(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        try (WsClient aliceOnA = WsClient.connect(a, "alice"); WsClient bobOnB = WsClient.connect(b, "bob");
             WsClient carolOnB = WsClient.connect(b, "carol")) {
            awaitSessions(a, 2, 1);
            awaitSessions(a, 3, 1);
            assertEquals(200, Rest.post(a, "ops", "groups/team:a", "{\"message\":\"to team a\"}").statusCode());
            for (WsClient member : new WsClient[]{aliceOnA, bobOnB}) {
                assertEquals("to team a", json(member.next(10_000)).getString("message"));
            }
            groupHook(a, "join", 3, "team:late");
            assertEquals(200, Rest.post(a, "ops", "groups/team:late", "{\"message\":\"joined\"}").statusCode());
            assertEquals("joined", json(carolOnB.next(10_000)).getString("message"), "the join on A reached B first");
            for (long user = 1; user <= 3; user++) {
                deliver(a, user, "{\"message\":\"marker\"}");
            }
            for (WsClient client : new WsClient[]{aliceOnA, bobOnB, carolOnB}) {
                assertEquals("marker", json(client.next(10_000)).getString("message"), "nothing else, nothing twice");
            }
        }
    }

    /**
     * A user's messages go only to the node that holds the user, each once (receive counters); a
     * broadcast reaches both nodes, from either. The user's channel and the broadcast channel may be
     * on different primaries, so their relative order is not asserted; to show that A received none
     * of bob's messages, the test publishes a marker on A's channel of bob's shard after them (one
     * channel is read in order) and counts what A received up to it.
     */
    @Test
    void aTargetedMessageReachesOnlyTheNodeThatHoldsTheUserOnceAndBroadcastsReachBothWays(
            @ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        try (WsClient aliceOnA = WsClient.connect(a, "alice"); WsClient bobOnB = WsClient.connect(b, "bob")) {
            awaitSessions(a, 2, 1);
            awaitSessions(b, 1, 1);
            long onA = stat(a, "clusterReceived");
            long onB = stat(b, "clusterReceived");
            int targeted = 5;
            for (int n = 0; n < targeted; n++) {
                assertEquals(1, deliver(a, 2, "{\"message\":\"to bob\",\"n\":" + n + "}").getInt("sessions"), "bob's session on B");
            }
            assertEquals(200, Rest.post(a, "ops", "notifications", "{\"message\":\"from a\"}").statusCode());
            assertEquals(List.of("0", "1", "2", "3", "4", "from a"), sorted(bobOnB, targeted + 1), "each once, targeted ones in order");
            assertEquals("from a", json(aliceOnA.next(10_000)).getString("message"));
            waitFor(() -> stat(b, "clusterReceived") >= onB + targeted + 1, 10_000);
            assertEquals(onB + targeted + 1, stat(b, "clusterReceived"), "B received bob's messages from A and A's broadcast");

            for (int n = 0; n < targeted; n++) {
                deliver(b, 2, "{\"message\":\"to bob\",\"n\":" + n + "}");
            }
            assertEquals(200, Rest.post(b, "ops", "notifications", "{\"message\":\"from b\"}").statusCode());
            assertEquals(List.of("0", "1", "2", "3", "4", "from b"), sorted(bobOnB, targeted + 1));
            assertEquals("from b", json(aliceOnA.next(10_000)).getString("message"), "B's broadcast reaches A");
            String bobsShard = presenceKey("node-b", 2);
            try (Jedis primary = new Jedis("127.0.0.1", REDIS.primaryOf(JedisClusterCRC16.getSlot(bobsShard)))) {
                primary.sendCommand(Protocol.Command.SPUBLISH, bobsShard.replace(":presence:node-b", ":to:node-a"), "test\nu999\n@t1:1\n{}");
            }
            waitFor(() -> stat(a, "clusterReceived") >= onA + 2, 10_000);
            assertEquals(onA + 2, stat(a, "clusterReceived"), "A received B's broadcast and the marker, none of bob's messages");
            assertEquals(null, aliceOnA.next(500), "nothing twice");
        }
    }

    /** @return the next messages' {@code n} (or text, when they have none), targeted ones first in arrival order, then the rest */
    private static List<String> sorted(WsClient client, int count) throws Exception {
        List<String> targeted = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JsonObject message = json(client.next(10_000));
            if (message.containsKey("n")) {
                targeted.add(Integer.toString(message.getInt("n")));
            } else {
                others.add(message.getString("message"));
            }
        }
        targeted.addAll(others);
        return targeted;
    }

    @Test
    void theMfaCheckOnASeesAUserConnectedOnlyToB(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        CrossNodeChecks.mfaCheckOnASeesAUserConnectedOnlyToB(a, b(a));
    }

    @Test
    void aTicketIssuedOnAOpensASessionOnceOnB(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        CrossNodeChecks.ticketIssuedOnAOpensASessionOnceOnB(a, b(a));
    }

    @Test
    void aV1ClientThatMovesFromAToBRecoversWhatItMissed(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        CrossNodeChecks.v1ClientThatReconnectsToTheOtherNodeRecoversWhatItMissed(a, b(a));
    }

    /** The primary serving the user's shard is killed: its replica takes over and A→B delivery resumes, no node restarted. */
    @Test
    void crossNodeDeliveryResumesAfterThePrimaryOfTheUsersShardIsKilled(@ArquillianResource @OperateOnDeployment(A) URL a)
            throws Exception {
        URL b = b(a);
        try (WsClient bob = WsClient.connect(b, "bob")) {
            awaitSessions(a, 2, 1);
            awaitDelivered(a, bob, Duration.ofSeconds(30), 0);
            int slot = JedisClusterCRC16.getSlot(presenceKey("node-b", 2));
            int primary = REDIS.primaryOf(slot);
            int replica = REDIS.replicasOf(primary).get(0);
            int sentBefore = probes.get();
            long killed = System.nanoTime();
            REDIS.kill(primary);
            REDIS.awaitPromoted(slot, replica);
            long promotedMs = (System.nanoTime() - killed) / 1_000_000;
            awaitDelivered(a, bob, Duration.ofSeconds(90), sentBefore);
            long resumedMs = (System.nanoTime() - killed) / 1_000_000;
            LOG.info(() -> "Primary " + primary + " killed: replica " + replica + " promoted after " + promotedMs
                    + " ms, A→B delivery resumed after " + resumedMs + " ms");
            awaitSubscribed(a);
            awaitSubscribed(b);
            assertEquals(1, deliver(a, 2, "{\"message\":\"after\"}").getInt("sessions"), "presence read from the new primary");
        }
    }

    /** Sends fresh probes from the node to bob until one numbered above {@code after} arrives. */
    private void awaitDelivered(URL from, WsClient bob, Duration within, int after) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            String probe = "probe-" + probes.incrementAndGet();
            ItSupport.send(from, 2, "{\"message\":\"" + probe + "\"}");
            for (String text = bob.next(300); text != null; text = bob.next(100)) {
                if (Integer.parseInt(json(text).getString("message").substring("probe-".length())) > after) {
                    return true;
                }
            }
            return false;
        });
    }

    /** @return the node's presence hash that holds the user, found on the primaries */
    private static String presenceKey(String node, long userId) {
        for (int port : REDIS.ports()) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                for (String key : jedis.keys("herald:{herald:*}:presence:" + node)) {
                    if (jedis.hget(key, Long.toString(userId)) != null) {
                        return key;
                    }
                }
            } catch (RuntimeException replica) {
                // a replica answers MOVED for reads: the primaries hold the answer
            }
        }
        throw new AssertionError(node + " has no presence entry for user " + userId);
    }
}
