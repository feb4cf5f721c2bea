package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.host.collision.CollidingConfig;
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
 * A host application on Herald's REST path ({@code @ApplicationPath("herald/api")}): the deployment
 * fails with Herald's message ({@code MountCheck}), instead of a warning and a coin toss over which
 * API answers. WildFly's adapter reports the failed deployment with Herald's message, Liberty's as a
 * timeout (the application stays INSTALLED, after the adapter's appDeployTimeout); Payara Micro's adapter
 * does not (it reports what Payara Micro deployed: nothing), so on Payara the test starts Payara
 * Micro itself and reads its log.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DropInCollisionIT {

    private static final String COLLISION = "collision";
    static final String MESSAGE = "Herald cannot start in /";

    @Deployment(name = COLLISION, managed = false, testable = false)
    static WebArchive deployment() {
        return HostApps.war("clash", CollidingConfig.class.getPackage());
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void aHostApplicationOnHeraldsPathFailsTheDeployment() throws Exception {
        if ("payara-micro".equals(System.getProperty("arquillian.launch"))) {
            try (MicroNode node = MicroNode.start("clash", deployment(), Map.of())) {
                ItSupport.waitFor(() -> !node.isAlive() || node.log().contains(" ready in "), 240_000);
                String log = node.log();
                assertTrue(log.contains(MESSAGE + "herald: another servlet or REST application claims Herald's paths"), log);
                assertTrue(log.contains("/herald/api/* (" + CollidingConfig.class.getName() + ")"), log);
                HttpResponse<String> host = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(node.base() + "herald/api/logins/1/LOGIN_APPROVED")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(404, host.statusCode(), "the application did not start: " + host.body());
            }
            return;
        }
        Exception failure = assertThrows(Exception.class, () -> deployer.deploy(COLLISION));
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        java.util.logging.Logger.getLogger(DropInCollisionIT.class.getName()).info("deployment failed: " + messages);
        if ("wildfly".equals(System.getProperty("arquillian.launch"))) { // WildFly reports the cause; Liberty only a timeout
            assertTrue(messages.toString().contains(MESSAGE + "clash: another servlet or REST application claims Herald's paths"), messages.toString());
        }
    }
}
