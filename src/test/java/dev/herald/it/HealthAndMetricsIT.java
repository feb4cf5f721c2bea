package dev.herald.it;

import static dev.herald.it.CoreIT.json;
import static dev.herald.it.CoreIT.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.drain.DrainHooks;
import dev.herald.metrics.control.PrometheusText;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16's health and metrics on a real server: readiness UP while serving and DOWN while the
 * application drains at undeploy (a registration whose session never opens keeps a send queue busy
 * for {@code herald.shutdown.drain-ms}: {@link DrainHooks}); {@code /api/metrics} parses as Prometheus text and its counters
 * move with a notify, equal to {@code /api/stats}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthAndMetricsIT {

    private static final Logger LOG = Logger.getLogger(HealthAndMetricsIT.class.getName());
    private static final String NAME = "observed";
    private static final int DRAIN_MS = 20_000;
    private static final boolean PAYARA = "payara-micro".equals(System.getProperty("arquillian.launch"));

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of(
                "herald.shutdown.drain-ms", Integer.toString(DRAIN_MS),
                // the never-opening registration of the drain test stays until the undeploy
                "herald.handshake.open-timeout-ms", "600000"))
                .addPackage(DrainHooks.class.getPackage());
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    @Order(1)
    void deploy() {
        deployer.deploy(NAME);
    }

    @Test
    @Order(2)
    void readyAndLiveWhileServing(@ArquillianResource @OperateOnDeployment(NAME) URL base) throws Exception {
        HttpResponse<String> ready = Health.get(base, "ready");
        JsonObject check = Health.heraldCheck(ready).orElseThrow(() -> new AssertionError("no herald check: " + ready.body()));
        assertEquals("UP", check.getString("status"), ready.body());
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject live = Health.heraldCheck(base, "live").orElseThrow();
        assertEquals("UP", live.getString("status"));
        assertEquals("0", live.getJsonObject("data").get("openSessions").toString().replace("\"", ""), live.toString()); // Payara writes a string
    }

    @Test
    @Order(3)
    void theMetricsParseAsPrometheusTextAndMoveWithANotify(@ArquillianResource @OperateOnDeployment(NAME) URL base) throws Exception {
        assertEquals(401, Rest.get(base, null, "metrics").statusCode());
        assertEquals(403, Rest.get(base, "alice", "metrics").statusCode());
        try (WsClient alice = WsClient.connect(base, "alice")) {
            CoreIT.awaitSessions(base, 1, 1);
            Map<String, Double> before = scrape(base);
            assertEquals(1.0, before.get("herald_sessions_open"));
            assertEquals(1.0, before.get("herald_users_connected"));
            HttpResponse<String> sent = Rest.post(base, "ops", "notifications/1", "{\"message\":\"metered\"}");
            assertEquals(200, sent.statusCode(), sent.body());
            assertEquals("metered", json(alice.next(5000)).getString("message"));
            waitFor(() -> scrape(base).get("herald_messages_sent_total") == before.get("herald_messages_sent_total") + 1);
            Map<String, Double> after = scrape(base);
            assertEquals(before.get("herald_send_latency_seconds_count") + 1, after.get("herald_send_latency_seconds_count"));
            assertTrue(after.get("herald_sent_bytes_total") > before.get("herald_sent_bytes_total"));
            assertEquals(after.get("herald_send_latency_seconds_count"), after.get("herald_send_latency_seconds_bucket{le=\"+Inf\"}"));
            JsonObject stats = json(Rest.get(base, "ops", "stats").body());
            assertEquals(stats.getJsonNumber("messagesSent").longValue(), after.get("herald_messages_sent_total").longValue(),
                    "/api/stats and /api/metrics read the same counter");
            assertEquals(stats.getJsonNumber("sessionsOpened").longValue(), after.get("herald_sessions_opened_total").longValue());
        }
    }

    private static JsonObject post(URL base, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.toURI().resolve(path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    private static Map<String, Double> scrape(URL base) throws Exception {
        HttpResponse<String> response = Rest.get(base, "ops", "metrics");
        assertEquals(200, response.statusCode(), response.body());
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("text/plain") && type.contains("version=0.0.4"), type);
        return PrometheusText.parse(response.body());
    }

    @Test
    @Order(4)
    void readinessIsDownWhileTheApplicationDrains(@ArquillianResource @OperateOnDeployment(NAME) URL base) throws Exception {
        JsonObject pending = post(base, "drain-hooks/pending?user=4");
        assertEquals(1, pending.getInt("queued"), pending.toString());
        waitFor(() -> json(Rest.get(base, "ops", "stats").body()).getJsonNumber("queuedBytes").longValue() > 0);
        long start = System.nanoTime();
        AtomicReference<HttpResponse<String>> seen = new AtomicReference<>();
        AtomicReference<Exception> gone = new AtomicReference<>();
        Set<String> answers = new LinkedHashSet<>();
        ExecutorService poller = Executors.newSingleThreadExecutor();
        Future<Boolean> down = poller.submit(() -> {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3L * DRAIN_MS);
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> ready = Health.get(base, "ready");
                    seen.set(ready);
                    if (answers.add(ready.statusCode() + " " + ready.body().substring(0, Math.min(160, ready.body().length())))) {
                        LOG.info((System.nanoTime() - start) / 1_000_000 + " ms: " + ready.statusCode() + " " + ready.body());
                    }
                    // Payara Micro's health endpoint may fail (500) once its stop began; not UP either way
                    if (ready.statusCode() == 503 || PAYARA && ready.statusCode() != 200) {
                        return true;
                    }
                } catch (IOException e) {
                    gone.set(e); // the server stopped answering before readiness went DOWN
                    return false;
                }
                Thread.sleep(100); // the poll interval; the deadline bounds the wait
            }
            return false;
        });
        try {
            // on the test thread: Arquillian's Deployer called from another thread waited for this method to end.
            // WildFly and Liberty return once the drain is over; Payara Micro's adapter sends the server SIGTERM and returns
            deployer.undeploy(NAME);
            assertTrue(down.get(3L * DRAIN_MS, TimeUnit.MILLISECONDS), "never DOWN during the drain; answers: " + answers);
        } finally {
            poller.shutdownNow();
        }
        LOG.info(() -> "readiness during the drain, " + (System.nanoTime() - start) / 1_000_000 + " ms after the undeploy began: "
                + seen.get().statusCode() + " " + seen.get().body());
        assertEquals(null, gone.get(), "the health endpoint went away before readiness went DOWN; last answer: " + seen.get().body());
        Optional<JsonObject> check = seen.get().statusCode() == 503 ? Health.heraldCheck(seen.get()) : Optional.empty();
        if (check.isPresent()) {
            assertEquals("DOWN", check.get().getString("status"), seen.get().body());
            assertEquals("draining: the application is stopping", Health.reason(check.get()));
        } else {
            // Payara drops an application's checks as its stop begins and answers DOWN itself ("No Application deployed")
            assertTrue(PAYARA, "Herald's check vanished before the drain: " + seen.get().statusCode() + " " + seen.get().body());
        }
    }
}
