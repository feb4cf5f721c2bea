package dev.herald.it;

import static dev.herald.it.CoreIT.json;
import static dev.herald.it.CoreIT.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** Heartbeats and application stop, with short intervals: only live sessions count. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HeartbeatIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.heraldWithHooks(Map.of(
                "herald.heartbeat.interval-ms", "400",
                "herald.heartbeat.timeout-ms", "1500"));
    }

    @ArquillianResource
    URL base;

    private int sessionsOf(long userId) throws Exception {
        return json(Rest.get(base, "ops", "connections/" + userId).body()).getInt("sessions");
    }

    @Test
    @Order(1)
    void aSilentClientIsDroppedAndTheMfaCheckSeesIt() throws Exception {
        try (WsClient alice = WsClient.connect(base, "alice");
             RawClient dead = RawClient.upgrade(base, "carol", 4096)) {
            waitFor(() -> sessionsOf(3) == 1);
            // carol's socket is open at TCP level but never answers a ping.
            waitFor(() -> sessionsOf(3) == 0, 10_000);
            HttpResponse<String> mfa = Rest.post(base, "ops", "notifications/3", "{\"message\":\"MFA_REQUIRED\"}");
            assertEquals(400, mfa.statusCode());
            assertEquals("No active WebSocket connection for user 3", json(mfa.body()).getString("detail"));
            assertTrue(json(Rest.get(base, "ops", "stats").body()).getInt("heartbeatCloses") >= 1);

            // alice answers pings (the JDK client pongs by itself) and stays connected across many intervals.
            assertEquals(1, sessionsOf(1));
            assertFalse(alice.closed().isDone());
            Rest.post(base, "ops", "notifications/1", "{\"message\":\"still alive\"}");
            assertEquals("still alive", json(alice.next(5000)).getString("message"));
        }
    }

    @Test
    @Order(2) // leaves the manager stopped
    void applicationStopFlushesAndClosesEverySessionWithGoingAway() throws Exception {
        try (WsClient alice = WsClient.connect(base, "alice");
             WsClient bob = WsClient.connect(base, "bob")) {
            waitFor(() -> sessionsOf(1) == 1 && sessionsOf(2) == 1);
            DeliveryIT.post(base, "burst?user=1&threads=1&count=500&pad=100");
            DeliveryIT.post(base, "shutdown"); // the manager's @PreDestroy path, run in the live server
            DeliveryIT.assertOrdered(alice, 1, 500); // queued messages were flushed before the close
            for (WsClient client : new WsClient[]{alice, bob}) {
                WsClient.Close close = client.closed().get(10, TimeUnit.SECONDS);
                assertEquals(1001, close.code());
                assertEquals("going away", close.reason());
            }
            try (WsClient late = WsClient.connect(base, "carol")) {
                assertEquals(1001, late.closed().get(10, TimeUnit.SECONDS).code(), "new sessions are refused while stopping");
            }
        }
    }
}
