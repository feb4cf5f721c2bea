package dev.herald.it;

import static dev.herald.it.ItSupport.hookPost;
import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.sessions;
import static dev.herald.it.ItSupport.stat;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Heartbeats and application stop, with short intervals: only live sessions count. Each test has an
 * application of its own (the stop test leaves its manager stopped), so they run in any order.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HeartbeatIT {

    private static final String NAME = "heartbeat";

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.heraldWithHooks(Map.of(
                "herald.heartbeat.interval-ms", "400",
                "herald.heartbeat.timeout-ms", "1500"));
    }

    @ArquillianResource
    Deployer deployer;

    @BeforeEach
    void deploy() {
        deployer.deploy(NAME);
    }

    @AfterEach
    void undeploy() {
        deployer.undeploy(NAME);
    }

    @Test
    void aSilentClientIsDroppedAndTheMfaCheckSeesIt(@ArquillianResource @OperateOnDeployment(NAME) URL base) throws Exception {
        try (WsClient alice = WsClient.connect(base, "alice");
             RawClient dead = RawClient.upgrade(base, "carol", 4096)) {
            waitFor(() -> sessions(base, 3) == 1);
            // carol's socket is open at TCP level but never answers a ping.
            waitFor(() -> sessions(base, 3) == 0, 10_000);
            HttpResponse<String> mfa = Rest.post(base, "ops", "notifications/3", "{\"message\":\"MFA_REQUIRED\"}");
            assertEquals(400, mfa.statusCode());
            assertEquals("No active WebSocket connection for user 3", json(mfa.body()).getString("detail"));
            assertTrue(stat(base, "heartbeatCloses") >= 1);

            // alice answers pings (the JDK client pongs by itself) and stays connected across many intervals.
            assertEquals(1, sessions(base, 1));
            assertFalse(alice.closed().isDone());
            Rest.post(base, "ops", "notifications/1", "{\"message\":\"still alive\"}");
            assertEquals("still alive", json(alice.next(5000)).getString("message"));
        }
    }

    @Test
    void applicationStopFlushesAndClosesEverySessionWithGoingAway(@ArquillianResource @OperateOnDeployment(NAME) URL base) throws Exception {
        try (WsClient alice = WsClient.connect(base, "alice");
             WsClient bob = WsClient.connect(base, "bob")) {
            waitFor(() -> sessions(base, 1) == 1 && sessions(base, 2) == 1);
            hookPost(base, "burst?user=1&threads=1&count=500&pad=100");
            hookPost(base, "shutdown"); // the manager's @PreDestroy path, run in the live server
            ItSupport.assertOrdered(alice, 1, 500); // queued messages were flushed before the close
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
