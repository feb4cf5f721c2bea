package dev.herald.it;

import static dev.herald.it.ItSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.ApiModel.Endpoint;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Access to every method of Herald's REST API (read from the application's model, {@link ApiModel}),
 * over raw sockets so that every spelling of a path reaches the server as written: anonymous and
 * unprivileged callers get 401/403 and nothing else; non-JSON bodies 415; cross-site browser
 * requests 403 on every state-changing call, requests without browser headers still work.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ApiAccessIT {

    private static final Logger LOG = Logger.getLogger(ApiAccessIT.class.getName());
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final String BODY = "{\"message\":\"access\",\"users\":[1]}"; // any JSON; POST notifications/users reads both fields

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of());
    }

    @ArquillianResource
    URL base;

    /** @return the user who may call an endpoint */
    static String privileged(Endpoint endpoint) {
        return endpoint.sender() ? "ops" : "alice";
    }

    /** @return a signed-in user who may not call it: alice lacks the role, dave has no user id */
    static String unprivileged(Endpoint endpoint) {
        return endpoint.sender() ? "alice" : "dave";
    }

    /**
     * Spellings of one endpoint that every server must refuse with 401/403 to callers without access.
     *
     * @param context the context path, e.g. {@code /herald/}
     * @param api     the API's path below it, e.g. {@code api/}
     * @param path    the endpoint's path below the API
     * @return request targets, as sent
     */
    static List<String> spellings(String context, String api, String path) {
        String root = context + api;
        String apiNoSlash = root.substring(0, root.length() - 1);
        List<String> targets = new ArrayList<>(List.of(root + path, root + path + "/", root + path + "/.", root + path + "/./",
                root + "./" + path, root + "x/../" + path, root + path + ";a=b", apiNoSlash + ";a=b/" + path,
                context + "x/../" + api + path, context + "./" + api + path));
        if (path.contains("/")) {
            targets.add(root + path.replaceFirst("/", ";a=b/"));
            targets.add(root + path.replaceFirst("/", "//"));
        }
        return targets;
    }

    /**
     * Encoded and doubled spellings: servers may refuse these as malformed (400) or find nothing (404),
     * but never serve them to a caller without access.
     */
    static List<String> oddSpellings(String context, String api, String path) {
        String root = context + api;
        int last = path.length() - 1;
        String encodedLast = path.substring(0, last) + "%" + Integer.toHexString(path.charAt(last));
        return List.of(root + "/" + path, root + encodedLast, root + "%2e/" + path, root + path + "/%2e", root + path + "%2F",
                root + path.replace("/", "%2F"), context + "%2e%2e/" + context.substring(1) + api + path);
    }

    /**
     * Calls every endpoint in every spelling anonymously and as a user without access.
     *
     * @param base    the server
     * @param context the context path
     * @param api     the API's path below the context
     * @param allowed what the strict spellings may answer
     * @param odd     what the odd spellings may answer
     * @return the statuses seen, per request, for the log
     * @throws Exception on I/O failure
     */
    static Map<String, Integer> assertRefusedEverywhere(URL base, String context, String api, Set<Integer> allowed, Set<Integer> odd) throws Exception {
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (Endpoint endpoint : ApiModel.endpoints()) {
            for (String user : new String[] {null, unprivileged(endpoint)}) {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Content-Type", "application/json");
                if (user != null) {
                    headers.put("Authorization", WsClient.basic(user, user));
                }
                for (String target : spellings(context, api, endpoint.path())) {
                    check(base, endpoint, user, target, headers, allowed, seen, failures);
                }
                for (String target : oddSpellings(context, api, endpoint.path())) {
                    check(base, endpoint, user, target, headers, odd, seen, failures);
                }
            }
        }
        LOG.info(() -> "statuses seen: " + seen);
        assertTrue(failures.isEmpty(), "served to callers without access: " + failures);
        return seen;
    }

    private static void check(URL base, Endpoint endpoint, String user, String target, Map<String, String> headers, Set<Integer> allowed,
            Map<String, Integer> seen, List<String> failures) throws Exception {
        RawHttp.Answer answer = RawHttp.send(base, endpoint.method(), target, headers, endpoint.json() ? BODY : null); // Grizzly refuses a DELETE with a body (400)
        int status = answer.status();
        seen.put(endpoint.method() + " " + target + " as " + user, status);
        // the ticket's constraint rightly lets any signed-in user through; a spelling no resource matches is then 404
        boolean unmatchedForSignedIn = status == 404 && user != null && !endpoint.sender();
        if (!allowed.contains(status) && !unmatchedForSignedIn && !answer.emptyContainerAnswer()) {
            failures.add(endpoint.method() + " " + target + " as " + (user == null ? "anonymous" : user) + " -> " + status);
        }
    }

    /**
     * @param base    the application URL
     * @param api     the API's path below it
     * @param endpoint the endpoint
     * @param user    Basic user, or null
     * @param headers headers (a {@code Content-Type} among them, or none)
     * @return the answer
     * @throws Exception on I/O failure
     */
    static HttpResponse<String> call(URL base, String api, Endpoint endpoint, String user, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + api + endpoint.path())).timeout(Duration.ofSeconds(30))
                .method(endpoint.method(), endpoint.json() ? HttpRequest.BodyPublishers.ofString(BODY) : HttpRequest.BodyPublishers.noBody());
        if (user != null) {
            request.header("Authorization", WsClient.basic(user, user));
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts a problem+json answer with the status and, when not null, the code. */
    static void assertProblem(HttpResponse<String> response, int status, String code, Object what) {
        assertEquals(status, response.statusCode(), what + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), what + ": " + response.headers().map());
        JsonObject problem = json(response.body());
        assertEquals(status, problem.getInt("status"), what + ": " + response.body());
        if (code != null) {
            assertEquals(code, problem.getString("code"), what + ": " + response.body());
        }
    }

    private String origin() {
        return base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
    }

    @Test
    void everySpellingOfEveryMethodIsRefusedWithoutAccess() throws Exception {
        assertRefusedEverywhere(base, base.getPath(), "api/", Set.of(401, 403), Set.of(400, 401, 403, 404));
    }

    @Test
    void everyMethodServesItsCaller() throws Exception {
        for (Endpoint endpoint : ApiModel.endpoints()) {
            HttpResponse<String> response = call(base, "api/", endpoint, privileged(endpoint), Map.of("Content-Type", "application/json"));
            assertTrue(response.statusCode() / 100 == 2, endpoint + ": " + response.statusCode() + " " + response.body());
        }
    }

    @Test
    void anythingButJsonIs415() throws Exception {
        List<Endpoint> withBody = ApiModel.endpoints().stream().filter(Endpoint::json).toList();
        assertTrue(!withBody.isEmpty(), "the sending methods take a body");
        for (Endpoint endpoint : withBody) {
            assertProblem(call(base, "api/", endpoint, privileged(endpoint), Map.of()), 415, null, endpoint + " without Content-Type");
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
                assertProblem(call(base, "api/", endpoint, privileged(endpoint), Map.of("Content-Type", type)), 415, null, endpoint + " " + type);
            }
        }
    }

    @Test
    void crossSiteBrowserRequestsAreRefusedOnEveryStateChangingMethod() throws Exception {
        List<Endpoint> changing = ApiModel.endpoints().stream().filter(Endpoint::stateChanging).toList();
        assertTrue(changing.size() >= 3, "notify, broadcast and ticket: " + changing);
        for (Endpoint endpoint : changing) {
            String user = privileged(endpoint);
            List<Map<String, String>> foreign = List.of(
                    Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"),
                    Map.of("Origin", "https://evil.example"),
                    Map.of("Origin", "null"),
                    Map.of("Sec-Fetch-Site", "cross-site"),
                    Map.of("Origin", origin(), "Sec-Fetch-Site", "same-site"));
            for (Map<String, String> headers : foreign) {
                Map<String, String> withType = new LinkedHashMap<>(headers);
                withType.put("Content-Type", "application/json");
                assertProblem(call(base, "api/", endpoint, user, withType), 403, "ORIGIN_NOT_ALLOWED", endpoint + " " + headers);
            }
            HttpResponse<String> sameOrigin = call(base, "api/", endpoint, user,
                    Map.of("Origin", origin(), "Sec-Fetch-Site", "same-origin", "Content-Type", "application/json"));
            assertTrue(sameOrigin.statusCode() / 100 == 2, endpoint + " same-origin: " + sameOrigin.statusCode() + " " + sameOrigin.body());
        }
    }

    @Test
    void theTicketNeedsNoBodyAsHeraldJsSendsNone() throws Exception {
        Endpoint ticket = ApiModel.endpoints().stream().filter(e -> !e.sender()).findFirst().orElseThrow();
        HttpResponse<String> response = call(base, "api/", ticket, "alice", Map.of("Origin", origin(), "Sec-Fetch-Site", "same-origin"));
        assertEquals(201, response.statusCode(), response.body());
    }

    @Test
    void heraldWarServesItsApiAtApiOnly() throws Exception {
        HttpResponse<String> elsewhere = HTTP.send(HttpRequest.newBuilder(URI.create(base + HostApps.HERALD_API + "stats"))
                .header("Authorization", WsClient.basic("ops", "ops")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, elsewhere.statusCode(), elsewhere.body());
    }
}
