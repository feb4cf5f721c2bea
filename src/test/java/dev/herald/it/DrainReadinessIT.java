package dev.herald.it;

import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.drain.DrainHooks;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Readiness while the application drains at stop: a registration whose session never opens keeps a
 * send queue busy for {@code herald.shutdown.drain-ms} ({@link DrainHooks}); the stop must not leave the
 * node looking ready. Runs on Payara Micro only (the pom excludes it elsewhere): Open Liberty drops the
 * application's checks as its stop begins and answers UP with no checks through the drain, and WildFly's
 * management endpoint gave no answer until the undeploy was over; see the README.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DrainReadinessIT {

    private static final Logger LOG = Logger.getLogger(DrainReadinessIT.class.getName());
    private static final String NAME = "drained";
    private static final int DRAIN_MS = 20_000;
    private static final boolean PAYARA = "payara-micro".equals(System.getProperty("arquillian.launch"));

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of(
                "herald.shutdown.drain-ms", Integer.toString(DRAIN_MS),
                // the never-opening registration stays until the undeploy
                "herald.handshake.open-timeout-ms", "600000"))
                .addPackage(DrainHooks.class.getPackage());
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

    private static JsonObject post(URL base, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.toURI().resolve(path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    @Test
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
