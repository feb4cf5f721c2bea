package dev.herald.it;

import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.it.drain.DrainHooks;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Readiness while Herald drains its send queues at stop, through each server's own health endpoint: a
 * registration whose session never opens keeps a queue busy for {@code herald.shutdown.drain-ms}, and the
 * manager's stop (what an undeploy runs) is started while the application stays deployed
 * ({@link DrainHooks}). An undeploy itself cannot show it: each server stops asking the application's checks
 * as its undeploy begins (docs/operations.md).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DrainReadinessIT {

    private static final int DRAIN_MS = 8_000;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of(
                "herald.shutdown.drain-ms", Integer.toString(DRAIN_MS),
                // the never-opening registration stays through the drain
                "herald.handshake.open-timeout-ms", "600000"))
                .addPackage(DrainHooks.class.getPackage());
    }

    @ArquillianResource
    URL base;

    private JsonObject hook(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.toURI().resolve(path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    @Test
    void readinessIsDownWhileTheApplicationDrains() throws Exception {
        waitFor(() -> Health.get(base, "ready").statusCode() == 200, 30_000);
        assertEquals("UP", Health.heraldCheck(base, "ready").orElseThrow().getString("status"));
        assertEquals(1, hook("drain-hooks/pending?user=4").getInt("queued"));
        waitFor(() -> json(Rest.get(base, "ops", "stats").body()).getJsonNumber("queuedBytes").longValue() > 0);

        hook("drain-hooks/stop");
        AtomicReference<HttpResponse<String>> seen = new AtomicReference<>();
        waitFor(() -> {
            seen.set(Health.get(base, "ready"));
            return seen.get().statusCode() == 503;
        }, DRAIN_MS / 2);
        JsonObject check = Health.heraldCheck(seen.get()).orElseThrow(() -> new AssertionError(seen.get().body()));
        assertEquals("DOWN", check.getString("status"), seen.get().body());
        assertEquals("draining: the application is stopping", Health.reason(check));
        // still draining: the pending message is queued, the registration is still there
        assertEquals(1, ItSupport.sessions(base, 4), seen.get().body());
    }
}
