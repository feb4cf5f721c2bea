package dev.herald.it;

import static dev.herald.it.ItSupport.awaitSessions;
import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.sessions;
import static dev.herald.it.ItSupport.stat;
import static dev.herald.it.ItSupport.status;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The seed's API over real sockets on Payara Micro: identity, targeting, MFA, REST errors. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CoreIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of());
    }

    @ArquillianResource
    URL base;

    private HttpResponse<String> notify(long userId, String body) throws Exception {
        return ItSupport.send(base, userId, body);
    }

    @Test
    void authenticatedUserReceivesATargetedNotification() throws Exception {
        try (WsClient alice = WsClient.connect(base, "alice")) {
            awaitSessions(base, 1, 1);
            HttpResponse<String> response = notify(1, "{\"message\":\"hello\",\"n\":1}");
            assertEquals(200, response.statusCode(), response.body());
            JsonObject result = json(response.body());
            assertEquals(1, result.getInt("userId"));
            assertTrue(result.getBoolean("delivered"));
            assertEquals(1, result.getInt("sessions"));
            assertEquals(json("{\"message\":\"hello\",\"n\":1}"), json(alice.next(5000)));
        }
    }

    @Test
    void everySessionOfAUserReceivesAndOtherUsersNever() throws Exception {
        try (WsClient tab1 = WsClient.connect(base, "alice");
             WsClient tab2 = WsClient.connect(base, "alice");
             WsClient bob = WsClient.connect(base, "bob")) {
            awaitSessions(base, 1, 2);
            awaitSessions(base, 2, 1);
            JsonObject result = json(notify(1, "{\"message\":\"for alice\"}").body());
            assertEquals(2, result.getInt("sessions"));
            assertEquals("for alice", json(tab1.next(5000)).getString("message"));
            assertEquals("for alice", json(tab2.next(5000)).getString("message"));
            notify(2, "{\"message\":\"for bob\"}");
            assertEquals("for bob", json(bob.next(5000)).getString("message"), "bob gets his own, never alice's");
            assertNull(tab1.next(300));
        }
    }

    @Test
    void anonymousHandshakeIsRefused() {
        ExecutionException refused = assertThrows(ExecutionException.class, () -> WsClient.connect(base, null));
        assertEquals(401, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
    }

    @Test
    void wrongPasswordIsRefused() {
        ExecutionException refused = assertThrows(ExecutionException.class, () -> WsClient.connect(base, "ws", null,
                Map.of("Authorization", WsClient.basic("alice", "wrong"))));
        assertEquals(401, status(refused), "refused by the authentication, not by anything else");
    }

    @Test
    void principalWithoutAUserIdIsClosedWith4003() throws Exception {
        try (WsClient dave = WsClient.connect(base, "dave")) {
            WsClient.Close close = dave.closed().get(10, TimeUnit.SECONDS);
            assertEquals(4003, close.code());
            assertEquals("authentication required", close.reason());
        }
    }

    @Test
    void anIdInTheQueryNeverSetsTheIdentity() throws Exception {
        try (WsClient bob = WsClient.connect(base, "ws?userId=1&user_id=1&user=1", "bob", Map.of())) {
            awaitSessions(base, 2, 1);
            notify(1, "{\"message\":\"for alice\"}");
            notify(2, "{\"message\":\"for bob\"}");
            assertEquals("for bob", json(bob.next(5000)).getString("message"));
            assertNull(bob.next(300), "bob must not receive user 1's message");
        }
        assertThrows(ExecutionException.class, () -> WsClient.connect(base, "ws/1", "bob", Map.of()),
                "no endpoint takes an id in the path");
    }

    @Test
    void mfaRequiredToAnOfflineUserIsA400Problem() throws Exception {
        HttpResponse<String> response = notify(3, "{\"message\":\"MFA_REQUIRED\",\"challenge\":\"c1\"}");
        assertEquals(400, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        JsonObject problem = json(response.body());
        assertEquals(400, problem.getInt("status"));
        assertEquals("No active WebSocket connection for user 3", problem.getString("detail"));
        assertEquals("MFA_REQUIRED", problem.getString("code"));
        assertEquals("Bad Request", problem.getString("title"));
    }

    @Test
    void mfaRequiredToAnOnlineUserIsDelivered() throws Exception {
        try (WsClient carol = WsClient.connect(base, "carol")) {
            awaitSessions(base, 3, 1);
            HttpResponse<String> response = notify(3, "{\"message\":\"MFA_REQUIRED\",\"challenge\":\"c2\"}");
            assertEquals(200, response.statusCode());
            assertTrue(json(response.body()).getBoolean("delivered"));
            assertEquals("c2", json(carol.next(5000)).getString("challenge"));
        }
    }

    @Test
    void otherMessagesToAnOfflineUserAreNotDelivered() throws Exception {
        HttpResponse<String> response = notify(3, "{\"message\":\"hello\"}");
        assertEquals(200, response.statusCode());
        assertFalse(json(response.body()).getBoolean("delivered"));
        assertEquals(0, json(response.body()).getInt("sessions"));
    }

    @Test
    void broadcastReachesEverySession() throws Exception {
        try (WsClient alice = WsClient.connect(base, "alice");
             WsClient bob = WsClient.connect(base, "bob");
             WsClient carol = WsClient.connect(base, "carol")) {
            for (long user = 1; user <= 3; user++) {
                awaitSessions(base, user, 1);
            }
            HttpResponse<String> response = Rest.post(base, "ops", "notifications", "{\"message\":\"all\"}");
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(json(response.body()).getInt("sessions") >= 3);
            for (WsClient client : new WsClient[]{alice, bob, carol}) {
                assertEquals("all", json(client.next(5000)).getString("message"));
            }
        }
    }

    @Test
    void malformedJsonFromAClientKeepsTheSocketOpen() throws Exception {
        try (WsClient alice = WsClient.connect(base, "alice")) {
            awaitSessions(base, 1, 1);
            long before = malformedInbound();
            alice.send("{not json");
            // counted when the container has read the frame, which no REST call waits for (WildFly may answer first)
            waitFor(() -> malformedInbound() == before + 1);
            notify(1, "{\"message\":\"still here\"}");
            assertEquals("still here", json(alice.next(5000)).getString("message"));
            assertFalse(alice.closed().isDone());
            assertEquals(before + 1, malformedInbound());
        }
    }

    private long malformedInbound() throws Exception {
        return stat(base, "malformedInbound");
    }

    @Test
    void closingAnOldSessionKeepsTheNewerOneRegistered() throws Exception {
        WsClient old = WsClient.connect(base, "carol");
        try (WsClient newer = WsClient.connect(base, "carol")) {
            awaitSessions(base, 3, 2);
            old.close();
            waitFor(() -> sessions(base, 3) == 1);
            JsonObject connections = json(Rest.get(base, "ops", "connections/3").body());
            assertTrue(connections.getBoolean("connected"));
            notify(3, "{\"message\":\"to the newer tab\"}");
            assertEquals("to the newer tab", json(newer.next(5000)).getString("message"));
        }
    }

    @Test
    void restRequiresCredentialsAndTheSenderRole() throws Exception {
        HttpResponse<String> anonymous = Rest.post(base, null, "notifications/1", "{}");
        assertEquals(401, anonymous.statusCode());
        assertProblem(anonymous, 401);
        HttpResponse<String> alice = Rest.post(base, "alice", "notifications/1", "{}");
        assertEquals(403, alice.statusCode());
        assertProblem(alice, 403);
        assertEquals(403, Rest.get(base, "alice", "connections/1").statusCode());
        assertEquals(403, Rest.get(base, "alice", "stats").statusCode());
        assertEquals(403, Rest.post(base, "bob", "notifications", "{}").statusCode());
    }

    @Test
    void badInputIsA400Problem() throws Exception {
        assertProblem(notify(1, "{\"message\":"), 400);
        assertProblem(notify(1, ""), 400);
        assertProblem(Rest.post(base, "ops", "notifications/abc", "{}"), 400);
        assertProblem(Rest.post(base, "ops", "notifications/0", "{}"), 400);
        assertProblem(Rest.post(base, "ops", "notifications/-4", "{}"), 400);
        assertProblem(Rest.get(base, "ops", "connections/x"), 400);
        assertProblem(Rest.post(base, "ops", "notifications", "[1,"), 400);
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse("").split(";")[0],
                response.headers().toString());
        JsonObject problem = json(response.body());
        assertEquals(status, problem.getInt("status"));
        assertTrue(problem.containsKey("title"));
    }
}
