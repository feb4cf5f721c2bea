package dev.herald.it;

import static dev.herald.it.ItSupport.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where the three servers differ underneath Herald's API: many REST callers at once (Liberty's cleartext HTTP/2
 * stalled them), all sending to the same two sessions (Liberty refuses overlapping async writes) while heartbeat
 * pings take their turns (Liberty cannot send read-only ping buffers). Runs unchanged on Payara Micro, WildFly and
 * Open Liberty; the stalled-client and single-session ordering cases are in {@link DeliveryIT}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PortabilityIT {

    private static final int SENDERS = 8;
    private static final int PER_SENDER = 25;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of(
                "herald.heartbeat.interval-ms", "300", // pings interleave with the sends below
                "herald.heartbeat.timeout-ms", "30000"));
    }

    @ArquillianResource
    URL base;

    @Test
    void concurrentSendsToOneUserReachEverySessionOnceAndInOrderPerSender() throws Exception {
        long failuresBefore = stats(base).getJsonNumber("sendFailures").longValue();
        try (WsClient tab1 = WsClient.connect(base, "alice");
             WsClient tab2 = WsClient.connect(base, "alice")) {
            ItSupport.awaitSessions(base, 1, 2);
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int s = 0; s < SENDERS; s++) {
                    int sender = s;
                    done.add(senders.submit(() -> {
                        for (int i = 0; i < PER_SENDER; i++) {
                            HttpResponse<String> response = Rest.post(base, "ops", "notifications/1",
                                    "{\"message\":\"burst\",\"t\":" + sender + ",\"n\":" + i + "}");
                            assertEquals(200, response.statusCode(), response.body());
                            assertEquals(2, ItSupport.json(response.body()).getInt("sessions"));
                        }
                        return null;
                    }));
                }
                for (Future<?> future : done) {
                    future.get();
                }
            } finally {
                senders.shutdownNow();
            }
            for (WsClient tab : new WsClient[]{tab1, tab2}) {
                ItSupport.assertOrdered(tab, SENDERS, PER_SENDER); // each sender's messages once, in its order
                assertNull(tab.next(300), "nothing beyond what was sent");
            }
            assertFalse(tab1.closed().isDone(), "the session survives concurrent sends");
            assertFalse(tab2.closed().isDone(), "the session survives concurrent sends");
        }
        assertEquals(failuresBefore, stats(base).getJsonNumber("sendFailures").longValue(), "no write failed");
    }
}
