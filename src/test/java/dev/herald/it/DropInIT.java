package dev.herald.it;

import static dev.herald.it.CoreIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.host.HostApi;
import jakarta.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.ExecutionException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Herald dropped into an existing application: the host's WAR holds its own REST resource, which
 * injects {@code NotificationService}, plus herald-classes.jar in WEB-INF/lib and a web.xml that only
 * chooses the login mechanism. Herald's web-fragment.xml brings the constraints.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DropInIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "hostapp.war")
                .addPackage(HostApi.class.getPackage())
                .addAsLibrary(new File(System.getProperty("herald.classes.jar", "target/herald-classes.jar")))
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .setWebXML(new StringAsset("""
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                            <login-config><auth-method>BASIC</auth-method></login-config>
                        </web-app>
                        """));
    }

    @ArquillianResource
    URL base;

    private JsonObject hostNotify(long userId, String type) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "app/logins/" + userId + "/" + type))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    @Test
    void theHostsOwnResourceNotifiesThroughTheInjectedService() throws Exception {
        assertTrue(base.getPath().startsWith("/hostapp"), base.toString());
        try (WsClient alice = WsClient.connect(base, "alice")) {
            CoreIT.awaitSessions(base, 1, 1);
            assertTrue(hostNotify(1, "LOGIN_APPROVED").getBoolean("sent"));
            JsonObject received = json(alice.next(5000));
            assertEquals("LOGIN_APPROVED", received.getString("message"));
            assertEquals("host", received.getString("from"));

            assertTrue(hostNotify(1, "MFA_REQUIRED").getBoolean("sent"), "MFA to a connected user is delivered");
            assertEquals("MFA_REQUIRED", json(alice.next(5000)).getString("message"));
        }
    }

    @Test
    void theMfaRefusalReachesTheHostUnwrapped() throws Exception {
        JsonObject refused = hostNotify(3, "MFA_REQUIRED");
        assertTrue(refused.getBoolean("mfaRequired"));
        assertEquals("No active WebSocket connection for user 3", refused.getString("detail"));
    }

    @Test
    void heraldsConstraintsAndApiComeWithTheJar() throws Exception {
        ExecutionException anonymous = assertThrows(ExecutionException.class, () -> WsClient.connect(base, null));
        assertEquals(401, ((WebSocketHandshakeException) anonymous.getCause()).getResponse().statusCode());
        assertEquals(403, Rest.post(base, "alice", "notifications/1", "{}").statusCode());
        try (WsClient bob = WsClient.connect(base, "bob")) {
            CoreIT.awaitSessions(base, 2, 1);
            HttpResponse<String> response = Rest.post(base, "ops", "notifications/2", "{\"message\":\"via api\"}");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("via api", json(bob.next(5000)).getString("message"));
        }
    }
}
