package dev.herald.it;

import static dev.herald.it.ItSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.host.scanning.RestConfig;
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
 * Herald dropped into a host whose REST applications scan the WAR (no {@code getClasses()}), the usual
 * setup: {@code @ApplicationPath("rest")} and the most common {@code @ApplicationPath("api")}. Both find
 * Herald's resources in herald-classes.jar; there they answer 404 to everyone, the sender role included.
 * The host's own resource answers under both of its paths at every start; Herald's API answers only
 * to the role, under {@code /herald/api}; the WebSocket and the injected service work at the path
 * the host configured ({@code herald.websocket.path}), and only there.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DropInScanningIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return HostApps.war("shop", RestConfig.class.getPackage(), Map.of("herald.websocket.path", SOCKET));
    }

    /** Herald's WebSocket path as this host configures it (MicroProfile Config in the WAR). */
    private static final String SOCKET = "/live/notifications";

    @ArquillianResource
    URL base;

    private HttpResponse<String> host(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theHostsResourceAnswersUnderBothOfItsPaths() throws Exception {
        for (String path : new String[] {"api/logins/3/LOGIN_APPROVED", "rest/logins/3/LOGIN_APPROVED"}) {
            HttpResponse<String> response = host(path);
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            assertEquals(false, json(response.body()).getBoolean("sent"), path);
        }
    }

    @Test
    void theSocketIsAtTheConfiguredPathOnly() throws Exception {
        for (String elsewhere : new String[] {HostApps.HERALD_WS, "ws"}) {
            ExecutionException absent = assertThrows(ExecutionException.class, () -> WsClient.connect(base, elsewhere, "alice", Map.of()));
            assertEquals(404, ((WebSocketHandshakeException) absent.getCause()).getResponse().statusCode(), elsewhere);
        }
    }

    @Test
    void heraldsResourcesAreAbsentUnderTheHostsPaths() throws Exception {
        for (String hostPath : new String[] {"rest/", "api/"}) {
            ApiAccessIT.assertRefusedEverywhere(base, base.getPath(), hostPath, Set.of(401, 403, 404), Set.of(400, 401, 403, 404));
            for (ApiModel.Endpoint endpoint : ApiModel.endpoints()) {
                HttpResponse<String> response = ApiAccessIT.call(base, hostPath, endpoint, ApiAccessIT.privileged(endpoint),
                        Map.of("Content-Type", "application/json"));
                assertEquals(404, response.statusCode(), hostPath + " " + endpoint + ": " + response.body());
            }
        }
    }

    @Test
    void heraldsApiAnswersOnlyToTheRoleUnderItsOwnPath() throws Exception {
        ApiAccessIT.assertRefusedEverywhere(base, base.getPath(), HostApps.HERALD_API, Set.of(401, 403), Set.of(400, 401, 403, 404));
        try (WsClient alice = WsClient.connect(base, SOCKET.substring(1), "alice", Map.of())) {
            ItSupport.awaitSessions(new URL(base, "herald/"), 1, 1);
            HttpResponse<String> sent = Rest.post(new URL(base, "herald/"), "ops", "notifications/1", "{\"message\":\"via api\"}");
            assertEquals(200, sent.statusCode(), sent.body());
            assertEquals("via api", json(alice.next(5000)).getString("message"));
            HttpResponse<String> viaHost = host("api/logins/1/LOGIN_APPROVED");
            assertEquals(200, viaHost.statusCode(), viaHost.body());
            assertTrue(json(viaHost.body()).getBoolean("sent"));
            JsonObject received = json(alice.next(5000));
            assertEquals("host", received.getString("from"));
        }
    }
}
