package dev.herald.it;

import static dev.herald.it.ItSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.host.listing.HostApi;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Herald dropped into an existing application whose {@code Application} lists its classes: the
 * host's WAR holds its own REST resource, which injects {@code NotificationService}, plus
 * herald-classes.jar in WEB-INF/lib and a web.xml that only chooses the login mechanism. Herald's
 * web-fragment.xml brings the constraints; Herald's API is at {@code /herald/api}, never the host's,
 * and its WebSocket at {@code /herald/ws} (the host default of {@code herald.websocket.path}), not {@code /ws}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DropInIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return HostApps.war("hostapp", HostApi.class.getPackage());
    }

    @ArquillianResource
    URL base;

    /** Herald's API in the host, for {@link Rest}: {@code <context>/herald/api/}. */
    private URL herald() throws Exception {
        return new URL(base, "herald/");
    }

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
        try (WsClient alice = WsClient.connect(base, HostApps.HERALD_WS, "alice", Map.of())) {
            ItSupport.awaitSessions(herald(), 1, 1);
            assertTrue(hostNotify(1, "LOGIN_APPROVED").getBoolean("sent"));
            JsonObject received = json(alice.next(5000));
            assertEquals("LOGIN_APPROVED", received.getString("message"));
            assertEquals("host", received.getString("from"));

            assertTrue(hostNotify(1, "MFA_REQUIRED").getBoolean("sent"), "MFA to a connected user is delivered");
            assertEquals("MFA_REQUIRED", json(alice.next(5000)).getString("message"));
        }
    }

    @Test
    void theSocketIsAtTheHostDefaultPathOnly() throws Exception {
        for (String elsewhere : new String[] {"ws", "herald/ws/x"}) {
            ExecutionException absent = assertThrows(ExecutionException.class, () -> WsClient.connect(base, elsewhere, "alice", Map.of()));
            assertEquals(404, ((WebSocketHandshakeException) absent.getCause()).getResponse().statusCode(), elsewhere);
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
        ExecutionException anonymous = assertThrows(ExecutionException.class, () -> WsClient.connect(base, HostApps.HERALD_WS, null, Map.of()));
        assertEquals(401, ((WebSocketHandshakeException) anonymous.getCause()).getResponse().statusCode());
        assertEquals(403, Rest.post(herald(), "alice", "notifications/1", "{}").statusCode());
        try (WsClient bob = WsClient.connect(base, HostApps.HERALD_WS, "bob", Map.of())) {
            ItSupport.awaitSessions(herald(), 2, 1);
            HttpResponse<String> response = Rest.post(herald(), "ops", "notifications/2", "{\"message\":\"via api\"}");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("via api", json(bob.next(5000)).getString("message"));
        }
    }

    @Test
    void heraldsApiAnswersOnlyToTheRoleUnderItsOwnPath() throws Exception {
        ApiAccessIT.assertRefusedEverywhere(base, base.getPath(), HostApps.HERALD_API, Set.of(401, 403), Set.of(400, 401, 403, 404));
        for (ApiModel.Endpoint endpoint : ApiModel.endpoints()) {
            HttpResponse<String> served = ApiAccessIT.call(base, HostApps.HERALD_API, endpoint, ApiAccessIT.privileged(endpoint),
                    Map.of("Content-Type", "application/json"));
            if ("metrics".equals(endpoint.path())) { // the host bundles no Micrometer: Herald runs, without metrics
                ApiAccessIT.assertProblem(served, 404, "METRICS_UNAVAILABLE", endpoint);
            } else {
                assertTrue(served.statusCode() / 100 == 2, endpoint + ": " + served.statusCode() + " " + served.body());
            }
            // nothing there: 404, 405 from WildFly's default servlet for a POST, 403 from Payara's for a DELETE
            int absent = ApiAccessIT.call(base, "api/", endpoint, ApiAccessIT.privileged(endpoint), Map.of("Content-Type", "application/json")).statusCode();
            assertTrue(absent == 404 || absent == 405 || absent == 403 && "DELETE".equals(endpoint.method()),
                    endpoint + " is not under the host's /api: " + absent);
        }
    }
}
