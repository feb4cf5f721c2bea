package dev.herald.it;

import static dev.herald.it.ItSupport.assertOrdered;
import static dev.herald.it.ItSupport.hookGet;
import static dev.herald.it.ItSupport.hookPost;
import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.sessions;
import static dev.herald.it.ItSupport.stats;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The delivery engine over real sockets: stalled clients, per-session order, churn. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DeliveryIT {

    static final long BUFFER_LIMIT = 4L << 20;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.heraldWithHooks(Map.of(
                "herald.send.buffer-limit", String.valueOf(BUFFER_LIMIT),
                "herald.send.time-limit-ms", "600000", // only the byte limit acts in this test,
                "herald.heartbeat.interval-ms", "600000", // not the time limit or the heartbeat
                "herald.max-sessions-per-user", "64"));
    }

    @ArquillianResource
    URL base;

    @Test
    void aStalledClientNeverHoldsUpHealthyOnes() throws Exception {
        List<WsClient> healthy = new ArrayList<>();
        try (RawClient stalled = RawClient.upgrade(base, "carol", 4096)) {
            waitFor(() -> sessions(base, 3) == 1);
            for (int i = 0; i < 20; i++) {
                healthy.add(WsClient.connect(base, i % 2 == 0 ? "alice" : "bob"));
            }
            // 2 server threads broadcast 1,000 messages of ~1 KB each: 2 MB per session. The stalled
            // client reads none of it; the container and the kernel buffer it, unconfirmed.
            hookPost(base, "burst?user=0&threads=2&count=1000&pad=1000");

            // While the stalled client is registered and stuck, notifications to others go through at once.
            assertEquals(1, sessions(base, 3), "the stalled session is still registered");
            for (long user : new long[]{1, 2}) {
                HttpResponse<String> notify = Rest.post(base, "ops", "notifications/" + user, "{\"message\":\"while stuck\"}");
                assertEquals(200, notify.statusCode());
                assertEquals(10, json(notify.body()).getInt("sessions"));
            }
            for (WsClient client : healthy) {
                assertOrdered(client, 2, 1000);
                assertEquals("while stuck", json(client.next(10_000)).getString("message"));
            }
            assertEquals(1, sessions(base, 3), "still stuck, still registered: the byte limit is not reached yet");

            // 3 MB more: the stalled session's unconfirmed bytes pass the 4 MiB limit.
            hookPost(base, "burst?user=0&threads=2&count=1500&pad=1000");
            for (WsClient client : healthy) {
                assertOrdered(client, 2, 1500);
            }

            // The stalled session is closed by the byte limit and deregistered.
            try {
                waitFor(() -> sessions(base, 3) == 0, 15_000);
            } catch (AssertionError e) {
                throw new AssertionError("stalled session not closed; stats " + stats(base), e);
            }
            JsonObject stats = stats(base);
            assertTrue(stats.getInt("slowConsumerCloses") >= 1, stats.toString());
            assertTrue(stats.getJsonNumber("queuedBytesHighWater").longValue() <= 21 * BUFFER_LIMIT, stats.toString());
            waitFor(() -> stats(base).getJsonNumber("queuedBytes").longValue() == 0);
        } finally {
            healthy.forEach(WsClient::close);
        }
    }

    @Test
    void fourThreadsSendingToOneSessionKeepTheirOrder() throws Exception {
        try (WsClient alice = WsClient.connect(base, "alice")) {
            waitFor(() -> sessions(base, 1) >= 1);
            hookPost(base, "burst?user=1&threads=4&count=2500&pad=0");
            assertOrdered(alice, 4, 2500);
        }
    }

    @Test
    void churnLeavesNothingRegisteredAndNoThreads() throws Exception {
        cycles(2000); // warm the container's pools with the same burst before taking the thread count (they grow with its rate)
        waitFor(() -> stats(base).getJsonNumber("openSessions").longValue() == 0);
        int threadsBefore = hookGet(base, "jvm").getInt("threads");
        long openedBefore = stats(base).getJsonNumber("sessionsOpened").longValue();

        cycles(2000);

        waitFor(() -> stats(base).getJsonNumber("openSessions").longValue() == 0, 30_000);
        JsonObject stats = stats(base);
        assertEquals(0, stats.getInt("connectedUsers"));
        assertEquals(2000, stats.getJsonNumber("sessionsOpened").longValue() - openedBefore);
        assertEquals(stats.getJsonNumber("sessionsOpened").longValue(), stats.getJsonNumber("sessionsClosed").longValue());
        int threadsAfter = hookGet(base, "jvm").getInt("threads");
        // The container's pools still grow with the burst's rate (+14 and +15 seen after the warm-up on a loaded
        // machine), so the bound is what a leak would pass: one thread per 40 sessions is +50, one per session +2,000.
        assertTrue(threadsAfter <= threadsBefore + 50, "threads before " + threadsBefore + ", after " + threadsAfter);
    }

    private void cycles(int total) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            String[] users = {"alice", "bob", "carol"};
            for (int w = 0; w < 4; w++) {
                int worker = w;
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < total / 4; i++) {
                        WsClient client = WsClient.connect(base, users[(worker + i) % 3]);
                        client.close();
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
