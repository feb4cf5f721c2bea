package dev.herald.it;

import static dev.herald.it.ItSupport.awaitSessions;
import static dev.herald.it.ItSupport.deliver;
import static dev.herald.it.ItSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks of two nodes A and B sharing one Redis, the same on a standalone Redis ({@link ClusterIT})
 * and on a Redis Cluster ({@link RedisClusterIT}). Users: alice 1, bob 2, carol 3.
 */
final class CrossNodeChecks {

    private CrossNodeChecks() {
    }

    /**
     * The MFA check on A sees bob connected only to B; for carol, connected nowhere, it is the 400 problem.
     *
     * @param a node A
     * @param b node B, in the same cluster
     * @throws Exception when the check fails
     */
    static void mfaCheckOnASeesAUserConnectedOnlyToB(URL a, URL b) throws Exception {
        try (WsClient bob = WsClient.connect(b, "bob")) {
            awaitSessions(a, 2, 1);
            JsonObject result = deliver(a, 2, "{\"message\":\"MFA_REQUIRED\",\"challenge\":\"c1\"}");
            assertTrue(result.getBoolean("delivered"), "notifyFrontend is true: bob is connected, on B");
            String text = bob.next(10_000);
            assertNotNull(text, () -> "nothing on B; bob closed " + bob.closed().getNow(null) + "; A " + ClusterIT.uncheckedStats(a) + "; B " + ClusterIT.uncheckedStats(b));
            JsonObject received = json(text);
            assertEquals("MFA_REQUIRED", received.getString("message"));
            assertEquals("c1", received.getString("challenge"));
        }
        awaitSessions(a, 3, 0);
        HttpResponse<String> nowhere = Rest.post(a, "ops", "notifications/3", "{\"message\":\"MFA_REQUIRED\"}");
        assertEquals(400, nowhere.statusCode(), nowhere.body());
        assertEquals("application/problem+json", nowhere.headers().firstValue("Content-Type").orElse(""));
        assertEquals("MFA_REQUIRED", json(nowhere.body()).getString("code"));
    }

    /**
     * A ticket issued on A opens alice's session on B, once: neither node takes it again.
     *
     * @param a node A
     * @param b node B, in the same cluster
     * @throws Exception when the check fails
     */
    static void ticketIssuedOnAOpensASessionOnceOnB(URL a, URL b) throws Exception {
        HttpResponse<String> issued = Rest.post(a, "alice", "ws/ticket", "");
        assertEquals(201, issued.statusCode(), issued.body());
        String ticket = json(issued.body()).getString("ticket");
        try (WsClient alice = WsClient.connect(b, "ws?ticket=" + ticket, null, Map.of())) {
            deliver(b, 1, "{\"message\":\"ticket holder\"}");
            assertEquals("ticket holder", json(alice.next(10_000)).getString("message"), "the session on B is alice's");
        }
        for (URL node : new URL[]{b, a}) {
            java.util.concurrent.ExecutionException replay = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> WsClient.connect(node, "ws?ticket=" + ticket, null, Map.of()).close());
            assertEquals(401, ItSupport.status(replay), "used once, on any node: refused before the upgrade");
        }
    }

    /**
     * Bob, a herald.v1 client, reads live on A, then misses messages sent by both nodes and recovers them on B, then reads live there.
     *
     * @param a node A
     * @param b node B, in the same cluster
     * @throws Exception when the check fails
     */
    static void v1ClientThatReconnectsToTheOtherNodeRecoversWhatItMissed(URL a, URL b) throws Exception {
        RecoveryIT.Positions bob = new RecoveryIT.Positions();
        try (WsClient onA = WsClient.connect(a, "ws", "bob", Map.of(), List.of("herald.v1"))) {
            JsonObject welcome = json(onA.next(10_000));
            assertEquals("herald.welcome", welcome.getString("type"), welcome.toString());
            bob.welcome(welcome);
            awaitSessions(b, 2, 1);
            deliver(b, 2, "{\"message\":\"from b, live on a\"}");
            JsonObject live = json(onA.next(10_000));
            assertEquals("from b, live on a", live.getJsonObject("data").getString("message"));
            assertEquals(welcome.getJsonObject("user").getInt("seq") + 1, live.getInt("seq"), "one sequence across nodes");
            bob.read(live);
        }
        awaitSessions(a, 2, 0);
        String[] sent = {"t1", "t2", "b1", "t3", "t4", "b2", "t5"};
        sendAlternately(a, b, sent);
        try (WsClient onB = WsClient.connect(b, "ws" + bob.query(), "bob", Map.of(), List.of("herald.v1"))) {
            assertEquals(List.of(List.of("t1", "t2", "t3", "t4", "t5"), List.of("b1", "b2")), readReplay(onB, bob, sent.length));
            JsonObject welcome = json(onB.next(10_000));
            assertEquals("herald.welcome", welcome.getString("type"), welcome.toString());
            assertTrue(welcome.getBoolean("recovered"), "recovered on the other node");
            assertEquals(7, welcome.getInt("replayed"));
            awaitSessions(a, 2, 1);
            deliver(a, 2, "{\"message\":\"live from a\"}");
            JsonObject live = json(onB.next(10_000));
            assertEquals("live from a", live.getJsonObject("data").getString("message"));
            assertEquals(welcome.getJsonObject("user").getInt("seq") + 1, live.getInt("seq"));
            assertEquals(null, onB.next(500), "nothing twice");
        }
    }

    /**
     * Sends from A and B in turn: a text starting with "b" as a broadcast, any other to bob (user 2).
     *
     * @param a    node A
     * @param b    node B
     * @param sent the texts, in order
     * @throws Exception on I/O failure or a refused call
     */
    private static void sendAlternately(URL a, URL b, String... sent) throws Exception {
        for (int n = 0; n < sent.length; n++) {
            URL sender = n % 2 == 0 ? a : b;
            if (sent[n].startsWith("b")) {
                assertEquals(200, Rest.post(sender, "ops", "notifications", "{\"message\":\"" + sent[n] + "\"}").statusCode());
            } else {
                deliver(sender, 2, "{\"message\":\"" + sent[n] + "\"}");
            }
        }
    }

    /**
     * Reads a replay of herald.v1 messages, each next in its stream (no gap, no duplicate).
     *
     * @param client the v1 client
     * @param bob    its positions, advanced by each message
     * @param count  messages to read
     * @return the user stream's texts and the broadcast stream's, in order
     * @throws Exception when a message is missing or out of place
     */
    private static List<List<String>> readReplay(WsClient client, RecoveryIT.Positions bob, int count) throws Exception {
        List<String> user = new ArrayList<>();
        List<String> broadcasts = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            JsonObject message = json(client.next(10_000));
            assertEquals("herald.message", message.getString("type"), message.toString());
            String[] before = ("user".equals(message.getString("stream")) ? bob.since : bob.bsince).split(":");
            assertEquals(before[0], message.getString("epoch"));
            assertEquals(Long.parseLong(before[1]) + 1, message.getJsonNumber("seq").longValue(), "no gap, no duplicate");
            bob.read(message);
            ("user".equals(message.getString("stream")) ? user : broadcasts).add(message.getJsonObject("data").getString("message"));
        }
        return List.of(user, broadcasts);
    }
}
