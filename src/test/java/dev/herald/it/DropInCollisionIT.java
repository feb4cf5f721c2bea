package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.host.collision.CollidingConfig;
import dev.herald.it.host.endpointclash.HostSocket;
import dev.herald.it.host.socketclash.SocketServlet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Host applications on Herald's paths fail their deployment with Herald's message, instead of a
 * warning and a coin toss over which one answers: a REST application on Herald's REST path
 * ({@code MountCheck}), a servlet or a WebSocket endpoint on Herald's WebSocket path
 * ({@code SocketMount}, naming the path and {@code herald.websocket.path}). WildFly's adapter reports
 * the failed deployment with Herald's message. Payara Micro's does not (it reports what Payara Micro
 * deployed: nothing), so on Payara the test starts Payara Micro itself and reads its log; Liberty's
 * only after its {@code appDeployTimeout} (two minutes, for each), so on Liberty the test drops the
 * application into the running server's dropins and reads messages.log ({@link LibertyDropin}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DropInCollisionIT {

    private static final String REST = "clash";
    private static final String SERVLET = "wsclash";
    private static final String ENDPOINT = "epclash";
    static final String MESSAGE = "Herald cannot start in /";
    private static final String SOCKET_TAKEN = ": its WebSocket path /herald/ws (herald.websocket.path) is not available: ";

    @Deployment(name = REST, managed = false, testable = false)
    static WebArchive restClash() {
        return HostApps.war(REST, CollidingConfig.class.getPackage());
    }

    @Deployment(name = SERVLET, managed = false, testable = false)
    static WebArchive servletClash() {
        return HostApps.war(SERVLET, SocketServlet.class.getPackage());
    }

    @Deployment(name = ENDPOINT, managed = false, testable = false)
    static WebArchive endpointClash() {
        return HostApps.war(ENDPOINT, HostSocket.class.getPackage());
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void aHostApplicationOnHeraldsRestPathFailsTheDeployment() throws Exception {
        assertFails(REST, restClash(), ": another servlet or REST application claims Herald's paths",
                "/herald/api/* (" + CollidingConfig.class.getName() + ")");
    }

    @Test
    void aHostServletOnHeraldsSocketPathFailsTheDeployment() throws Exception {
        assertFails(SERVLET, servletClash(), SOCKET_TAKEN + "a servlet of the application claims it: [/herald/ws (" + SocketServlet.class.getName() + ")]");
    }

    @Test
    void aHostEndpointOnHeraldsSocketPathFailsTheDeployment() throws Exception {
        assertFails(ENDPOINT, endpointClash(), SOCKET_TAKEN + "a @ServerEndpoint of the application claims it: " + HostSocket.class.getName());
    }

    /**
     * The deployment fails, and its failure (WildFly, Liberty) or the server's log (Payara Micro) carries
     * {@code Herald cannot start in /<name>} followed by {@code reason}, and the {@code details}.
     */
    private void assertFails(String name, WebArchive war, String reason, String... details) throws Exception {
        String report;
        if ("payara-micro".equals(System.getProperty("arquillian.launch"))) {
            try (MicroNode node = MicroNode.start(name, war, Map.of())) {
                ItSupport.waitFor(() -> !node.isAlive() || node.log().contains(" ready in "), 240_000);
                report = node.log().replace(MESSAGE + "herald", MESSAGE + name); // Payara Micro deploys at /herald
                HttpResponse<String> host = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(node.base() + "herald/api/stats")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(404, host.statusCode(), "the application did not start: " + host.body());
            }
        } else if ("liberty".equals(System.getProperty("arquillian.launch"))) {
            try (LibertyDropin app = LibertyDropin.deploy(name, war)) {
                report = app.awaitOutcome(name);
                assertTrue(report.contains("CWWKZ0012I: The application " + name + " was not started"), report);
            }
        } else {
            long start = System.nanoTime();
            Exception failure = assertThrows(Exception.class, () -> deployer.deploy(name));
            StringBuilder messages = new StringBuilder();
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                messages.append(cause.getMessage()).append('\n');
            }
            report = messages.toString();
            java.util.logging.Logger.getLogger(DropInCollisionIT.class.getName()).info(() -> name + ": deployment failed after "
                    + (System.nanoTime() - start) / 1_000_000 + " ms: " + report);
        }
        assertTrue(report.contains(MESSAGE + name + reason), report);
        for (String detail : details) {
            assertTrue(report.contains(detail), report);
        }
    }
}
