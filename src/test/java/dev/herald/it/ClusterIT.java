package dev.herald.it;

import static dev.herald.it.ItSupport.awaitSessions;
import static dev.herald.it.ItSupport.deliver;
import static dev.herald.it.ItSupport.groupHook;
import static dev.herald.it.ItSupport.hookGet;
import static dev.herald.it.ItSupport.hookPost;
import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.presenceEvents;
import static dev.herald.it.ItSupport.presenceSince;
import static dev.herald.it.ItSupport.stat;
import static dev.herald.it.ItSupport.stats;
import static dev.herald.it.ItSupport.ticket;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.groups.GroupHooks;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * Issue 8 over real sockets: two Payara Micro nodes on different ports (A managed by Arquillian, B a
 * process the test starts) and a redis-server of the test's own. Delivery, broadcast, the MFA check and
 * tickets across nodes; a Redis outage and its recovery without restarting a node; a killed node
 * leaving the presence within its TTL; a clean stop leaving it at once, with no thread or connection
 * left. B runs with a 3 s presence TTL; A and C with 60 s, so that only a clean stop can remove their
 * entries within the test. The tests run in any order: each deploys A and starts B if an earlier test
 * undeployed or killed them, and the clean stop has a node C of its own.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterIT {

    private static final Logger LOG = Logger.getLogger(ClusterIT.class.getName());
    private static final String A = "node-a";
    private static final long B_TTL_MS = 3000;
    private static final RedisServer REDIS = newRedis();

    private static boolean aDeployed;
    private static URL nodeA;
    private static MicroNode nodeB;
    private static MicroNode nodeC;

    @ArquillianResource
    Deployer deployer;

    private static RedisServer newRedis() {
        try {
            return RedisServer.onFreePort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Deployment(name = A, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.heraldWithHooks(Map.of(
                "herald.redis.uri", REDIS.uri(),
                "herald.cluster.node-id", "node-a",
                "herald.cluster.presence-ttl-ms", "60000",
                // a closed SSE client is noticed at the stream's next heartbeat: within seconds, not the default 25 s
                "herald.heartbeat.interval-ms", "5000",
                "herald.redis.retry-ms", "500",
                // a GC pause of a loaded test node must not look like an outage (a timed-out publish is lost)
                "herald.redis.timeout-ms", "3000"))
                .addPackage(GroupHooks.class.getPackage()); // alice and bob in team:a, topics open.* allowed
    }

    @BeforeAll
    static void startRedis() throws Exception {
        REDIS.restart();
    }

    @AfterAll
    static void stopProcesses() throws Exception {
        try (RedisServer redis = REDIS; MicroNode b = nodeB; MicroNode c = nodeC) {
            // closed in reverse order, each even when another fails
        }
    }

    /** A deployed, then B started (one server boots at a time: the machine has 2 cores), unless they run. */
    @BeforeEach
    void startNodes() throws Exception {
        if (!aDeployed) {
            deployer.deploy(A);
            aDeployed = true;
        }
        if (nodeB == null || !nodeB.isAlive()) {
            if (nodeB != null) {
                nodeB.close();
            }
            nodeB = MicroNode.start("cluster-node-b", deployment(), Map.of(
                    "herald.cluster.node-id", "node-b",
                    "herald.cluster.presence-ttl-ms", Long.toString(B_TTL_MS)));
        }
    }

    /** What both nodes counted, when a test failed: a lost message shows in these counters. */
    @RegisterExtension
    static final TestWatcher COUNTERS = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            LOG.warning(context.getDisplayName() + " failed (" + cause + "); A " + (nodeA == null ? "?" : uncheckedStats(nodeA))
                    + "; B " + (nodeB == null ? "?" : uncheckedStats(nodeB.base())));
        }
    };

    /** A and B, both subscribed; C starts once B is up, for the one test that stops it. */
    private static URL b(URL a) throws Exception {
        nodeA = a;
        awaitSubscribed(a);
        URL b = awaitSubscribed(nodeB.awaitReady().base());
        startNodeC();
        return b;
    }

    private static void startNodeC() throws Exception {
        if (nodeC == null) {
            nodeC = MicroNode.start("cluster-node-c", deployment(), Map.of("herald.cluster.node-id", "node-c"));
        }
    }

    /** Waits until the node reads the other nodes' publications. */
    private static URL awaitSubscribed(URL node) throws Exception {
        waitFor(() -> stats(node).getJsonObject("cluster").getBoolean("subscribed"), 30_000);
        return node;
    }

    static String uncheckedStats(URL node) {
        try {
            return stats(node).toString();
        } catch (Exception e) {
            return String.valueOf(e);
        }
    }

    private static String redisState(URL node) throws Exception {
        return stats(node).getJsonObject("cluster").getString("redis");
    }

    /** The next message is {@code expected}, and the one after it is the marker sent after it: nothing came twice. */
    private static void receivesOnce(WsClient client, String expected, String marker) throws Exception {
        assertEquals(expected, json(client.next(10_000)).getString("message"));
        assertEquals(marker, json(client.next(10_000)).getString("message"), "nothing came twice before the marker");
    }

    /** @return {@code CLIENT LIST}: one line per connection, with {@code name=…} */
    private static String clients(RedisClient redis) {
        return new String((byte[]) redis.sendCommand(Protocol.Command.CLIENT, "LIST"), StandardCharsets.UTF_8);
    }

    /** @return the node's presence hashes, one per shard where it holds users */
    private static Set<String> presenceOf(RedisClient redis, String node) {
        return redis.keys("herald:{herald:*}:presence:" + node);
    }

    /** @return the node's sessions of the user, per its presence hash of the user's shard; null when none */
    private static String presenceOf(RedisClient redis, String node, long userId) {
        return presenceOf(redis, node).stream().map(key -> redis.hget(key, Long.toString(userId)))
                .filter(Objects::nonNull).findFirst().orElse(null);
    }

    private static int occurrences(String text, String needle) {
        Matcher matcher = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    @Test
    void aNotifyMadeOnAReachesTheUserOnBExactlyOnce(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        try (WsClient bob = WsClient.connect(b, "bob");
             WsClient aliceOnA = WsClient.connect(a, "alice");
             WsClient aliceOnB = WsClient.connect(b, "alice")) {
            awaitSessions(a, 2, 1);
            JsonObject result = deliver(a, 2, "{\"message\":\"from a\",\"n\":1}");
            assertTrue(result.getBoolean("delivered"));
            assertEquals(1, result.getInt("sessions"), "bob's one session, on B");
            assertEquals(json("{\"message\":\"from a\",\"n\":1}"), json(bob.next(10_000)));
            deliver(a, 2, "{\"message\":\"marker\"}");
            assertEquals("marker", json(bob.next(10_000)).getString("message"), "nothing came twice before the marker");

            awaitSessions(a, 1, 2);
            assertEquals(2, deliver(a, 1, "{\"message\":\"to both alices\"}").getInt("sessions"));
            deliver(a, 1, "{\"message\":\"marker\"}");
            receivesOnce(aliceOnA, "to both alices", "marker"); // A delivers its own publication once
            receivesOnce(aliceOnB, "to both alices", "marker");
            assertTrue(stat(b, "clusterReceived") >= 3);
        }
    }

    @Test
    void aBroadcastFromAReachesTheSessionsOfBothNodesExactlyOnce(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        try (WsClient aliceOnA = WsClient.connect(a, "alice");
             WsClient bobOnB = WsClient.connect(b, "bob");
             WsClient carolOnB = WsClient.connect(b, "carol")) {
            awaitSessions(a, 3, 1);
            awaitSessions(a, 2, 1);
            HttpResponse<String> response = Rest.post(a, "ops", "notifications", "{\"message\":\"everyone\"}");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(1, json(response.body()).getInt("sessions"), "A's own sessions; B delivers to its own");
            Rest.post(a, "ops", "notifications", "{\"message\":\"marker\"}");
            for (WsClient client : new WsClient[]{aliceOnA, bobOnB, carolOnB}) {
                receivesOnce(client, "everyone", "marker");
            }
        }
    }

    @Test
    void theMfaCheckOnASeesAUserConnectedOnlyToB(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        CrossNodeChecks.mfaCheckOnASeesAUserConnectedOnlyToB(a, b(a));
    }

    @Test
    void anSseStreamOnBReceivesANotifyMadeOnAAndTheMfaCheckSeesIt(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        awaitSessions(a, 3, 0);
        try (SseClient carol = SseClient.open(b, "ticket=" + ticket(a, "carol"), null, Map.of())) { // a ticket of A, used on B
            assertEquals(200, carol.status());
            carol.nextWith("herald.welcome", 10_000);
            awaitSessions(a, 3, 1);
            JsonObject result = deliver(a, 3, "{\"message\":\"MFA_REQUIRED\",\"challenge\":\"s1\"}");
            assertTrue(result.getBoolean("delivered"), "the MFA check on A counts the stream on B");
            JsonObject frame = json(carol.nextWith("MFA_REQUIRED", 10_000).data());
            assertEquals("s1", frame.getJsonObject("data").getString("challenge"));
            assertTrue(frame.getInt("seq") > 0, "a herald.v1 message of carol's stream");
        }
        awaitSessions(a, 3, 0); // the closed stream is dropped at its next heartbeat
    }

    /** Issue 20: no sticky sessions; a message posted to A for a stream on B is handled on B as one posted there. */
    @Test
    void aMessagePostedOnAForAnSseStreamOnBIsHandledOnB(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        awaitSessions(a, 1, 0);
        try (SseClient alice = SseClient.open(b, "", "alice", Map.of())) {
            assertEquals(200, alice.status());
            SseClient.Event first = alice.next(10_000);
            assertEquals("herald.stream", first.name());
            String id = json(first.data()).getString("id");
            assertTrue(id.startsWith("node-b."), "the id names its node: " + id);
            alice.nextWith("herald.welcome", 10_000);
            long forwarded = stat(a, "sseForwarded");

            HttpResponse<String> echo = postMessage(a, id, "alice", "{\"type\":\"echo\",\"n\":1}");
            assertEquals(202, echo.statusCode(), echo.body());
            JsonObject answer = json(alice.nextWith("echo", 10_000).data()).getJsonObject("data");
            assertEquals(1, answer.getJsonObject("echo").getInt("n"));
            assertEquals(id, answer.getString("session"), "B's InboundMessage, of that stream");
            assertEquals(202, postMessage(a, id, null, "{\"type\":\"herald.subscribe\",\"topic\":\"open.forwarded\"}").statusCode());
            JsonObject subscribed = json(alice.nextWith("herald.subscribed", 10_000).data());
            assertEquals("open.forwarded", subscribed.getString("topic"), subscribed.toString());
            assertEquals(forwarded + 2, stat(a, "sseForwarded"));

            String random = id.substring("node-b.".length());
            HttpResponse<String> noNode = postMessage(a, "node-z." + random, null, "{}");
            assertEquals(404, noNode.statusCode(), "a node not in the cluster: " + noNode.body());
            assertEquals("UNKNOWN_STREAM", json(noNode.body()).getString("code"));
            assertEquals(404, postMessage(a, "node-b." + random.substring(1), null, "{}").statusCode(), "a malformed id");
            assertEquals(forwarded + 2, stat(a, "sseForwarded"));
        }
        awaitSessions(a, 1, 0); // B noticed the closed stream at its next heartbeat, and A sees it gone
    }

    private static HttpResponse<String> postMessage(URL node, String streamId, String user, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create(node + "api/sse/" + streamId + "/messages"))
                .timeout(java.time.Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (user != null) {
            request.header("Authorization", WsClient.basic(user, user));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTicketIssuedOnAOpensASessionOnceOnB(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        CrossNodeChecks.ticketIssuedOnAOpensASessionOnceOnB(a, b(a));
    }

    @Test
    void aDisconnectOnAClosesTheUsersSessionsOnB(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        try (WsClient onB = WsClient.connect(b, "carol"); WsClient onA = WsClient.connect(a, "carol");
             WsClient bob = WsClient.connect(b, "bob")) {
            awaitSessions(a, 3, 2);
            HttpResponse<String> answer = Rest.delete(a, "ops", "connections/3");
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(1, json(answer.body()).getInt("disconnected"), "A's own session");
            assertEquals(new WsClient.Close(4008, "disconnected"), onA.closed().get(10, TimeUnit.SECONDS));
            assertEquals(new WsClient.Close(4008, "disconnected"), onB.closed().get(10, TimeUnit.SECONDS), "and B's");
            awaitSessions(a, 3, 0);
            assertFalse(bob.closed().isDone(), "another user's session on B stays");
        }
        awaitSessions(a, 2, 0);
    }

    @Test
    void aV1ClientThatReconnectsToTheOtherNodeRecoversWhatItMissed(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        CrossNodeChecks.v1ClientThatReconnectsToTheOtherNodeRecoversWhatItMissed(a, b(a));
    }

    /** C, started again if a clean stop ended it: the routing tests need three nodes. */
    private static URL liveNodeC() throws Exception {
        if (nodeC != null && !nodeC.isAlive()) {
            nodeC.close();
            nodeC = null;
        }
        startNodeC();
        return awaitSubscribed(nodeC.awaitReady().base());
    }

    /** Issue 17: a user's message goes only to the nodes that hold the user (receive counters), a broadcast to all. */
    @Test
    void aTargetedMessageReachesOnlyTheNodeThatHoldsTheUserAndABroadcastReachesAll(@ArquillianResource @OperateOnDeployment(A) URL a)
            throws Exception {
        URL b = b(a);
        URL c = liveNodeC();
        try (WsClient bob = WsClient.connect(b, "bob"); WsClient carol = WsClient.connect(c, "carol")) {
            awaitSessions(a, 2, 1);
            awaitSessions(a, 3, 1);
            long onB = stat(b, "clusterReceived");
            long onC = stat(c, "clusterReceived");
            int targeted = 5;
            for (int n = 0; n < targeted; n++) {
                assertEquals(1, deliver(a, 2, "{\"message\":\"to bob\",\"n\":" + n + "}").getInt("sessions"), "bob's session on B, counted by the publish");
            }
            assertEquals(200, Rest.post(a, "ops", "notifications", "{\"message\":\"everyone\"}").statusCode());
            for (int n = 0; n < targeted; n++) {
                assertEquals(n, json(bob.next(10_000)).getInt("n"));
            }
            assertEquals("everyone", json(bob.next(10_000)).getString("message"));
            assertEquals("everyone", json(carol.next(10_000)).getString("message"), "the broadcast reaches C");
            // C read the broadcast after anything A published before it: what C counted is final
            waitFor(() -> stat(c, "clusterReceived") > onC, 10_000);
            assertEquals(onC + 1, stat(c, "clusterReceived"), "C received the broadcast and none of bob's messages");
            assertEquals(onB + targeted + 1, stat(b, "clusterReceived"), "B received bob's messages and the broadcast");
        }
    }

    /** Issue 17: a v1 client moving from B to C while A sends gets every message exactly once, in order. */
    @Test
    void aV1UserMovingBetweenNodesDuringTrafficLosesNothing(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        URL c = liveNodeC();
        int total = 60;
        List<Integer> received = new ArrayList<>();
        RecoveryIT.Positions bob = new RecoveryIT.Positions();
        java.util.concurrent.CompletableFuture<Void> sent;
        try (WsClient onB = WsClient.connect(b, "ws", "bob", Map.of(), List.of("herald.v1"))) {
            JsonObject welcome = json(onB.next(10_000));
            assertEquals("herald.welcome", welcome.getString("type"), welcome.toString());
            bob.welcome(welcome);
            awaitSessions(a, 2, 1);
            sent = java.util.concurrent.CompletableFuture.runAsync(() -> {
                for (int n = 1; n <= total; n++) {
                    try {
                        deliver(a, 2, "{\"n\":" + n + "}");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            while (received.size() < total / 3) {
                JsonObject message = json(onB.next(10_000));
                bob.read(message);
                received.add(message.getJsonObject("data").getInt("n"));
            }
        } // bob leaves B while A goes on sending
        try (WsClient onC = WsClient.connect(c, "ws" + bob.query(), "bob", Map.of(), List.of("herald.v1"))) {
            boolean welcomed = false;
            while (received.size() < total || !welcomed) {
                JsonObject frame = json(onC.next(10_000));
                if ("herald.welcome".equals(frame.getString("type"))) {
                    assertTrue(frame.getBoolean("recovered"), frame.toString());
                    welcomed = true;
                } else {
                    assertEquals("herald.message", frame.getString("type"), frame.toString());
                    received.add(frame.getJsonObject("data").getInt("n"));
                }
            }
            sent.get(60, TimeUnit.SECONDS);
            assertEquals(java.util.stream.IntStream.rangeClosed(1, total).boxed().toList(), received, "exactly once, in order");
            assertEquals(null, onC.next(500), "nothing twice");
        }
    }

    @Test
    void aRedisOutageKeepsLocalDeliveryAndFastCallsAndEndsByItself(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        int calls = 50;
        try (WsClient alice = WsClient.connect(a, "alice");
             WsClient bob = WsClient.connect(b, "bob")) {
            awaitSessions(a, 2, 1);
            long outagesOnB = stat(b, "redisOutages");
            int logBefore = nodeB.log().length();

            REDIS.stop();
            waitFor(() -> "down".equals(redisState(a)) && "down".equals(redisState(b)), 30_000); // the subscribers notice
            long skipped = stat(a, "redisSkipped");
            long failures = stat(a, "clusterPublishFailures");
            long slowest = 0;
            for (int n = 0; n < calls; n++) {
                long start = System.nanoTime();
                JsonObject result = deliver(a, 1, "{\"message\":\"local\",\"n\":" + n + "}");
                slowest = Math.max(slowest, System.nanoTime() - start);
                assertTrue(result.getBoolean("delivered"));
            }
            for (int n = 0; n < calls; n++) {
                assertEquals(n, json(alice.next(10_000)).getInt("n"), "local delivery goes on, in order");
            }
            assertEquals(calls, stat(a, "clusterPublishFailures") - failures);
            assertEquals(calls, stat(a, "redisSkipped") - skipped,
                    "every publish (which also counts the presence: one round trip per notify) skipped Redis: no caller waited for it");
            LOG.info("slowest notify during the outage: " + slowest / 1_000_000 + " ms (REST call included)");

            HttpResponse<String> mfa = Rest.post(a, "ops", "notifications/2", "{\"message\":\"MFA_REQUIRED\"}");
            assertEquals(400, mfa.statusCode(), "documented fallback: during an outage the MFA check sees A's sessions only");

            REDIS.restart(); // empty: presence must be rewritten by the nodes
            awaitSubscribed(a);
            awaitSubscribed(b);
            awaitSessions(a, 2, 1);
            deliver(a, 2, "{\"message\":\"after the outage\"}");
            assertEquals("after the outage", json(bob.next(10_000)).getString("message"));
            deliver(b, 1, "{\"message\":\"b to a\"}");
            assertEquals("b to a", json(alice.next(10_000)).getString("message"));

            assertEquals(outagesOnB + 1, stat(b, "redisOutages"));
            String log = nodeB.log().substring(logBefore);
            assertEquals(1, occurrences(log, "is unreachable ("), "one WARN per outage, not per message");
            assertEquals(1, occurrences(log, "is reachable again"));
        }
    }

    @Test
    void aKilledNodeLeavesThePresenceWithinItsTtl(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        awaitSessions(a, 2, 0);
        int bobBefore = presenceEvents(a, 2).size();
        try (RedisClient redis = REDIS.client();
             WsClient bob = WsClient.connect(b, "bob")) {
            awaitSessions(a, 2, 1);
            String bobsShard = presenceOf(redis, "node-b").stream().filter(key -> redis.hexists(key, "2")).findFirst().orElseThrow();
            long ttl = redis.pttl(bobsShard.replace(":presence:", ":alive:"));
            assertTrue(ttl > 0 && ttl <= B_TTL_MS, "B's liveness expires at most one TTL after its last heartbeat: " + ttl);
            long killed = System.nanoTime();
            nodeB.kill();
            awaitSessions(a, 2, 0);
            LOG.info("A stopped counting bob " + (System.nanoTime() - killed) / 1_000_000 + " ms after B was killed (TTL " + B_TTL_MS + " ms)");
            assertEquals(400, Rest.post(a, "ops", "notifications/2", "{\"message\":\"MFA_REQUIRED\"}").statusCode());
            // the first heartbeat of A (every 20 s) or C (every 5 s) after B's liveness expired prunes B: bob goes offline
            waitFor(() -> presenceSince(presenceEvents(a, 2), bobBefore).contains("-2"), 45_000);
            LOG.info("A fired bob's UserOffline " + (System.nanoTime() - killed) / 1_000_000 + " ms after B was killed");
            assertEquals(List.of("+2", "-2"), presenceSince(presenceEvents(a, 2), bobBefore), "online when bob connected to B, offline once when B died");
        }
    }

    @Test
    void aCleanStopLeavesThePresenceAtOnce(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        startNodeC(); // if no earlier test did
        URL c = awaitSubscribed(nodeC.awaitReady().base());
        try (RedisClient redis = REDIS.client();
             WsClient carol = WsClient.connect(c, "carol")) {
            awaitSessions(a, 3, 1);
            assertFalse(presenceOf(redis, "node-c").isEmpty());
            for (String key : presenceOf(redis, "node-c")) {
                assertTrue(redis.pttl(key) > 10_000, "C's entry would outlive this test");
            }
            nodeC.stop(); // SIGTERM: Payara Micro stops the application, then exits
            assertEquals(Set.of(), presenceOf(redis, "node-c"), "deleted by the stop, not expired");
            for (String nodes : redis.keys("herald:{herald:*}:nodes")) {
                assertFalse(redis.sismember(nodes, "node-c"), nodes);
            }
            assertEquals(0, json(Rest.get(a, "ops", "connections/3").body()).getInt("sessions"));
        }
    }

    @Test
    void theApplicationStopLeavesNoThreadNorConnection(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        awaitSubscribed(a);
        try (RedisClient redis = REDIS.client();
             WsClient alice = WsClient.connect(a, "alice");
             WsClient bob = WsClient.connect(a, "ws", "bob", Map.of(), List.of("herald.v1"))) {
            waitFor(() -> "1".equals(presenceOf(redis, "node-a", 1)), 30_000);
            assertTrue(clients(redis).contains("name=herald-node-a-ssub"), clients(redis));
            assertEquals("herald.welcome", json(bob.next(10_000)).getString("type"));
            deliver(a, 2, "{\"message\":\"back from the subscriber\"}"); // v1: written by A's writer threads
            assertEquals("back from the subscriber", json(bob.next(10_000)).getJsonObject("data").getString("message"));
            JsonObject stopped = hookPost(a, "cluster/stop");
            assertTrue(stopped.getBoolean("subscriberThreadBefore"));
            assertEquals(2, stopped.getInt("writerThreadsBefore"), "herald.delivery.writer-threads' default");
            assertFalse(stopped.getBoolean("enabled"));
            // the threads have returned from run(); they terminate right after
            waitFor(() -> hookGet(a, "cluster/threads").getInt("subscriberThreads") == 0, 5_000);
            waitFor(() -> hookGet(a, "cluster/threads").getInt("writerThreads") == 0, 5_000);
            assertEquals(Set.of(), presenceOf(redis, "node-a"), "deleted at once (A's TTL is 60 s)");
            waitFor(() -> !clients(redis).contains("name=herald-node-a"), 10_000); // pool and subscriber closed, JVM running
        } finally {
            aDeployed = false; // the next test deploys A again, with its cluster mode
            deployer.undeploy(A);
        }
    }

    /** Issue 16: a node cut off from Redis reports itself not ready, with the reason, and ready again once Redis is back. */
    @Test
    void readinessIsDownWhileRedisIsUnreachable(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        awaitSubscribed(a);
        waitFor(() -> Health.get(a, "ready").statusCode() == 200, 30_000);
        JsonObject ready = Health.heraldCheck(a, "ready").orElseThrow();
        assertEquals("node-a", ready.getJsonObject("data").getString("node"), ready.toString());
        REDIS.stop();
        try {
            waitFor(() -> Health.get(a, "ready").statusCode() == 503
                    && Health.heraldCheck(a, "ready").map(Health::reason).orElse("").equals("redis unreachable"), 30_000);
            assertEquals("DOWN", Health.heraldCheck(a, "ready").orElseThrow().getString("status"));
        } finally {
            REDIS.restart(); // empty: presence is rewritten by the nodes
        }
        awaitSubscribed(a);
        awaitSubscribed(b(a));
        waitFor(() -> Health.get(a, "ready").statusCode() == 200, 30_000);
        assertEquals("UP", Health.heraldCheck(a, "ready").orElseThrow().getString("status"));
    }

    // ---- issue 18 across nodes: groups and topics (GroupHooks' resolver: alice 1 and bob 2 in team:a) ----------

    private static JsonObject toStream(URL node, String path, String message) throws Exception {
        HttpResponse<String> response = Rest.post(node, "ops", path, "{\"message\":\"" + message + "\"}");
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    private static int groupUsers(URL node, String group) throws Exception {
        return json(Rest.get(node, "ops", "groups/" + group).body()).getInt("users");
    }

    private static JsonObject frame(WsClient client) throws Exception {
        String text = client.next(10_000);
        assertNotNull(text, "a frame within 10 s");
        return json(text);
    }

    /** The next v1 frame is the group's or topic's message, then a marker of the user's stream: nothing came twice. */
    private static void v1ReceivesOnce(WsClient client, String stream, String expected, URL markerFrom, long userId) throws Exception {
        JsonObject message = frame(client);
        assertEquals(stream, message.getString("stream"), message.toString());
        assertEquals(expected, message.getJsonObject("data").getString("message"));
        deliver(markerFrom, userId, "{\"message\":\"marker\"}");
        assertEquals("marker", frame(client).getJsonObject("data").getString("message"), "nothing came twice before the marker");
    }

    @Test
    void aGroupMessageFromAReachesEveryMembersSessionOnBothNodesOnce(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        try (WsClient aliceV1OnA = WsClient.connect(a, "ws", "alice", Map.of(), List.of("herald.v1"));
             WsClient aliceOnB = WsClient.connect(b, "alice"); WsClient bobV1OnB = WsClient.connect(b, "ws", "bob", Map.of(), List.of("herald.v1"));
             WsClient carolOnB = WsClient.connect(b, "carol")) {
            JsonObject welcome = frame(aliceV1OnA);
            assertTrue(welcome.getJsonObject("groups").containsKey("team:a"), welcome.toString());
            assertTrue(frame(bobV1OnB).getJsonObject("groups").containsKey("team:a"));
            awaitSessions(a, 1, 2);
            awaitSessions(a, 2, 1);
            awaitSessions(a, 3, 1);
            try (RedisClient redis = REDIS.client()) {
                String nodes = redis.keys("herald:{herald:*}:in:g:team:a").iterator().next();
                waitFor(() -> "2".equals(redis.hget(nodes, "node-b")), 10_000); // B's first member at once, the second at B's heartbeat
            }
            JsonObject answer = toStream(a, "groups/team:a", "g1");
            assertEquals(1, answer.getInt("sessions"), "A's own session: " + answer);
            assertEquals(2, answer.getInt("otherNodes"), "B's two sessions of the group, per its entry: " + answer);
            JsonObject presence = json(Rest.get(a, "ops", "groups/team:a").body());
            assertEquals(1, presence.getInt("sessions"), presence.toString());
            assertEquals(2, presence.getInt("otherNodes"), "A's presence of the group counts B's sessions too: " + presence);
            assertEquals(2, presence.getInt("users"), "alice (on both nodes) once, and bob from B's user set: " + presence);
            assertEquals("[1,2]", presence.getJsonArray("page").toString(), presence.toString());
            v1ReceivesOnce(aliceV1OnA, "group", "g1", a, 1);
            JsonObject onB = frame(bobV1OnB);
            assertEquals(welcome.getJsonObject("groups").getJsonObject("team:a").getInt("seq") + 1, onB.getInt("seq"),
                    "one sequence across nodes, from Redis: " + onB);
            assertEquals("g1", onB.getJsonObject("data").getString("message"));
            deliver(a, 2, "{\"message\":\"marker\"}");
            assertEquals("marker", frame(bobV1OnB).getJsonObject("data").getString("message"), "nothing came twice");
            receivesOnce(aliceOnB, "g1", "marker"); // the marker v1ReceivesOnce sent alice
            deliver(a, 3, "{\"message\":\"carol-got-nothing\"}");
            assertEquals("carol-got-nothing", json(carolOnB.next(10_000)).getString("message"), "a non-member gets nothing");
        }
        awaitSessions(a, 1, 0);
    }

    @Test
    void aGroupMessageReachesOnlyTheNodesWithMembers(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        URL c = liveNodeC();
        try (WsClient bob = WsClient.connect(b, "bob"); WsClient carol = WsClient.connect(c, "carol")) { // bob is in team:a, carol is not
            awaitSessions(a, 2, 1);
            awaitSessions(a, 3, 1);
            long onB = stat(b, "clusterReceived");
            long onC = stat(c, "clusterReceived");
            int messages = 5;
            for (int n = 0; n < messages; n++) {
                toStream(a, "groups/team:a", "g" + n);
            }
            assertEquals(200, Rest.post(a, "ops", "notifications", "{\"message\":\"everyone\"}").statusCode());
            for (int n = 0; n < messages; n++) {
                assertEquals("g" + n, json(bob.next(10_000)).getString("message"));
            }
            assertEquals("everyone", json(bob.next(10_000)).getString("message"));
            assertEquals("everyone", json(carol.next(10_000)).getString("message"), "nothing of the group before it");
            waitFor(() -> stat(c, "clusterReceived") > onC, 10_000);
            assertEquals(onC + 1, stat(c, "clusterReceived"), "C, without members, received the broadcast and none of the group's messages");
            assertEquals(onB + messages + 1, stat(b, "clusterReceived"));
        }
    }

    @Test
    void joinAndLeaveCalledOnATakeEffectOnTheUsersSessionsOnB(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        try (WsClient carolV1OnB = WsClient.connect(b, "ws", "carol", Map.of(), List.of("herald.v1"))) {
            frame(carolV1OnB);
            awaitSessions(a, 3, 1);
            groupHook(a, "join", 3, "team:c");
            waitFor(() -> groupUsers(b, "team:c") == 1, 10_000);
            toStream(a, "groups/team:c", "joined");
            v1ReceivesOnce(carolV1OnB, "group", "joined", a, 3);

            groupHook(a, "leave", 3, "team:c");
            waitFor(() -> groupUsers(b, "team:c") == 0, 10_000);
            toStream(a, "groups/team:c", "left");
            deliver(a, 3, "{\"message\":\"after-leave\"}");
            assertEquals("after-leave", frame(carolV1OnB).getJsonObject("data").getString("message"), "nothing of the group after the leave");
        }
        awaitSessions(a, 3, 0);
    }

    @Test
    void aTopicSubscribedOnBGetsAPublishFromA(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        try (WsClient carolV1OnB = WsClient.connect(b, "ws", "carol", Map.of(), List.of("herald.v1"))) {
            frame(carolV1OnB);
            toStream(a, "topics/open.cluster", "before");
            carolV1OnB.send("{\"type\":\"herald.subscribe\",\"topic\":\"open.cluster\"}");
            JsonObject subscribed = frame(carolV1OnB);
            assertEquals("herald.subscribed", subscribed.getString("type"), subscribed.toString());
            assertTrue(subscribed.getJsonNumber("seq").longValue() >= 1, "the head read from Redis: " + subscribed);
            JsonObject answer = toStream(a, "topics/open.cluster", "t1");
            assertEquals(1, answer.getInt("otherNodes"), "carol's session on B, entered before her replay was read: " + answer);
            JsonObject message = frame(carolV1OnB);
            assertEquals(subscribed.getJsonNumber("seq").longValue() + 1, message.getJsonNumber("seq").longValue(), message.toString());
            assertEquals(subscribed.getString("epoch"), message.getString("epoch"));
            assertEquals("t1", message.getJsonObject("data").getString("message"));
            deliver(a, 3, "{\"message\":\"marker\"}");
            assertEquals("marker", frame(carolV1OnB).getJsonObject("data").getString("message"), "nothing came twice");
        }
        awaitSessions(a, 3, 0);
    }

    @Test
    void aV1ClientThatMissedGroupMessagesRecoversThemOnTheOtherNode(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        RecoveryIT.Positions alice = new RecoveryIT.Positions();
        String group;
        try (WsClient onA = WsClient.connect(a, "ws", "alice", Map.of(), List.of("herald.v1"))) {
            JsonObject welcome = frame(onA);
            alice.welcome(welcome);
            group = RecoveryIT.position(welcome.getJsonObject("groups").getJsonObject("team:a"));
        }
        awaitSessions(a, 1, 0);
        toStream(a, "groups/team:a", "missed-1");
        toStream(b, "groups/team:a", "missed-2");
        try (WsClient onB = WsClient.connect(b, "ws" + alice.query() + "&gsince=team:a@" + group, "alice", Map.of(), List.of("herald.v1"))) {
            String[] before = group.split(":");
            for (int n = 1; n <= 2; n++) {
                JsonObject message = frame(onB);
                assertEquals("group", message.getString("stream"), message.toString());
                assertEquals(before[0], message.getString("epoch"));
                assertEquals(Long.parseLong(before[1]) + n, message.getJsonNumber("seq").longValue(), "no gap, no duplicate");
                assertEquals("missed-" + n, message.getJsonObject("data").getString("message"));
            }
            JsonObject welcome = frame(onB);
            assertEquals("herald.welcome", welcome.getString("type"), welcome.toString());
            assertTrue(welcome.getBoolean("recovered"), "recovered on the other node: " + welcome);
            assertEquals(2, welcome.getInt("replayed"));
            assertEquals(Long.parseLong(before[1]) + 2, welcome.getJsonObject("groups").getJsonObject("team:a").getJsonNumber("seq").longValue());
            awaitSessions(a, 1, 1);
            toStream(a, "groups/team:a", "live");
            v1ReceivesOnce(onB, "group", "live", a, 1);
        }
        awaitSessions(a, 1, 0);
    }

    @Test
    void aUserComingOnlineAnywhereAndGoingOfflineEverywhereIsFiredOnceOnEveryNode(@ArquillianResource @OperateOnDeployment(A) URL a) throws Exception {
        URL b = b(a);
        awaitSessions(a, 3, 0);
        int onA = presenceEvents(a, 3).size();
        int onB = presenceEvents(b, 3).size();
        try (WsClient carolOnB = WsClient.connect(b, "carol")) {
            waitFor(() -> presenceSince(presenceEvents(a, 3), onA).contains("+3"));
            try (WsClient carolOnA = WsClient.connect(a, "carol")) {
                awaitSessions(b, 3, 2);
            }
            awaitSessions(b, 3, 1);
        }
        waitFor(() -> presenceSince(presenceEvents(a, 3), onA).contains("-3") && presenceSince(presenceEvents(b, 3), onB).contains("-3"));
        assertEquals(List.of("+3", "-3"), presenceSince(presenceEvents(a, 3), onA), "A: online with her first session (on B), offline with her last (on B)");
        assertEquals(List.of("+3", "-3"), presenceSince(presenceEvents(b, 3), onB), "B: the same, once: her session on A changed nothing");
    }
}
