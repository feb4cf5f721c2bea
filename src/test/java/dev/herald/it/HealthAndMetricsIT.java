package dev.herald.it;

import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.metrics.control.PrometheusText;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16's health and metrics on a real server: readiness and liveness UP while serving;
 * {@code /api/metrics} parses as Prometheus text and its counters move with a notify, equal to
 * {@code /api/stats}. The drain is {@link DrainReadinessIT}'s.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HealthAndMetricsIT {

    private static final String NAME = "observed";

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of());
    }

    @ArquillianResource
    Deployer deployer;

    private static boolean deployed;

    /** Deploys once for the class, whichever test runs first. */
    @BeforeEach
    void deploy() {
        if (!deployed) {
            deployer.deploy(NAME);
            deployed = true;
        }
    }

    @Test
    void readyAndLiveWhileServing(@ArquillianResource @OperateOnDeployment(NAME) URL base) throws Exception {
        ItSupport.awaitSessions(base, 1, 0); // another test's socket is gone
        HttpResponse<String> ready = Health.get(base, "ready");
        JsonObject check = Health.heraldCheck(ready).orElseThrow(() -> new AssertionError("no herald check: " + ready.body()));
        assertEquals("UP", check.getString("status"), ready.body());
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject live = Health.heraldCheck(base, "live").orElseThrow();
        assertEquals("UP", live.getString("status"));
        assertEquals("0", live.getJsonObject("data").get("openSessions").toString().replace("\"", ""), live.toString()); // Payara writes a string
    }

    @Test
    void theMetricsParseAsPrometheusTextAndMoveWithANotify(@ArquillianResource @OperateOnDeployment(NAME) URL base) throws Exception {
        assertEquals(401, Rest.get(base, null, "metrics").statusCode());
        assertEquals(403, Rest.get(base, "alice", "metrics").statusCode());
        try (WsClient alice = WsClient.connect(base, "alice")) {
            ItSupport.awaitSessions(base, 1, 1);
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

    private static Map<String, Double> scrape(URL base) throws Exception {
        HttpResponse<String> response = Rest.get(base, "ops", "metrics");
        assertEquals(200, response.statusCode(), response.body());
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("text/plain") && type.contains("version=0.0.4"), type);
        return PrometheusText.parse(response.body());
    }
}
