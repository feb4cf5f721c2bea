package dev.herald.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What the integration tests share (their deployments are {@link Deployments}): JSON, waits on
 * conditions (Awaitility, never a sleep), Herald's operator API as the {@code ops} user (stats,
 * sessions, notify), the test hooks, and the probes that prove a socket is open and whose it is.
 */
public final class ItSupport {

    private static final HttpClient HOOKS = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration POLL = Duration.ofMillis(50);

    private ItSupport() {
    }

    // ---- JSON ----------------------------------------------------------------------------------

    /**
     * @param text a JSON object
     * @return it, parsed
     */
    public static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    // ---- waits ---------------------------------------------------------------------------------

    /**
     * Waits up to 10 s until the condition holds; an exception from it fails the wait at once.
     *
     * @param condition polled every 50 ms
     */
    public static void waitFor(Callable<Boolean> condition) {
        waitFor(condition, 10_000);
    }

    /**
     * @param condition polled every 50 ms
     * @param timeoutMs how long it may take before the test fails
     */
    public static void waitFor(Callable<Boolean> condition, long timeoutMs) {
        await().pollDelay(Duration.ZERO).pollInterval(POLL).atMost(Duration.ofMillis(timeoutMs)).until(condition);
    }

    // ---- the operator API ----------------------------------------------------------------------

    /**
     * @param base the application URL
     * @return {@code GET /api/stats}
     * @throws Exception on I/O failure
     */
    public static JsonObject stats(URL base) throws Exception {
        HttpResponse<String> response = Rest.get(base, "ops", "stats");
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    /**
     * @param base the application URL
     * @param name a counter of {@code /api/stats}
     * @return its value
     * @throws Exception on I/O failure
     */
    public static long stat(URL base, String name) throws Exception {
        return stats(base).getJsonNumber(name).longValue();
    }

    /**
     * @param base   the application URL
     * @param userId a user
     * @return the user's live sessions, as {@code GET /api/connections/{id}} counts them
     * @throws Exception on I/O failure
     */
    public static int sessions(URL base, long userId) throws Exception {
        return json(Rest.get(base, "ops", "connections/" + userId).body()).getInt("sessions");
    }

    /**
     * Waits up to 30 s until the server counts exactly this many sessions of the user: on some servers
     * (Liberty) the handshake's 101 reaches the client before {@code @OnOpen} has run, and a closed
     * client's session goes after its close handshake.
     *
     * @param base     the application URL
     * @param userId   a user
     * @param sessions the count to wait for
     */
    public static void awaitSessions(URL base, long userId, int sessions) {
        waitFor(() -> sessions(base, userId) == sessions, 30_000);
    }

    /**
     * @param base   the application URL
     * @param userId the target user
     * @param body   the notification
     * @return the response of {@code POST /api/notifications/{id}}, whatever its status
     * @throws Exception on I/O failure
     */
    public static HttpResponse<String> send(URL base, long userId, String body) throws Exception {
        return Rest.post(base, "ops", "notifications/" + userId, body);
    }

    /**
     * @param base   the application URL
     * @param userId the target user
     * @param body   the notification
     * @return the answer of {@code POST /api/notifications/{id}}, which must be a 200
     * @throws Exception on I/O failure
     */
    public static JsonObject deliver(URL base, long userId, String body) throws Exception {
        HttpResponse<String> response = send(base, userId, body);
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    /**
     * @param base the application URL
     * @param body the notification
     * @return the answer of {@code POST /api/notifications}, which must be a 200
     * @throws Exception on I/O failure
     */
    public static JsonObject broadcast(URL base, String body) throws Exception {
        HttpResponse<String> response = Rest.post(base, "ops", "notifications", body);
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    // ---- the test hooks (Deployments.heraldWithHooks) ------------------------------------------

    /**
     * @param base     the application URL
     * @param hookPath below {@code test-hooks/}
     * @return the answer of a POST, which must be a 200
     * @throws Exception on I/O failure
     */
    public static JsonObject hookPost(URL base, String hookPath) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.toURI().resolve("test-hooks/" + hookPath))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = HOOKS.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    /**
     * @param base     the application URL
     * @param hookPath below {@code test-hooks/}
     * @return the answer of a GET, which must be a 200
     * @throws Exception on I/O failure
     */
    public static JsonObject hookGet(URL base, String hookPath) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.toURI().resolve("test-hooks/" + hookPath)).build();
        HttpResponse<String> response = HOOKS.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    /**
     * Calls {@code join} or {@code leave} on the node, as an application does ({@code dev.herald.it.groups}' hooks).
     *
     * @param base   the application URL of a deployment with {@code dev.herald.it.groups}
     * @param action {@code join} or {@code leave}
     * @param userId the user
     * @param group  the group
     * @throws Exception on I/O failure
     */
    public static void groupHook(URL base, String action, long userId, String group) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.toURI().resolve("test-groups/" + action + "?user=" + userId + "&group=" + group))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = HOOKS.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    /**
     * @param base   the application URL of a deployment with {@code dev.herald.it.groups}
     * @param userId a user
     * @return the {@code UserOnline} ({@code +id}) and {@code UserOffline} ({@code -id}) events the node fired for the user, in order
     * @throws Exception on I/O failure
     */
    public static java.util.List<String> presenceEvents(URL base, long userId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.toURI().resolve("test-groups/presence?user=" + userId)).build();
        HttpResponse<String> response = HOOKS.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        try (jakarta.json.JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readArray().getValuesAs(jakarta.json.JsonString::getString);
        }
    }

    /**
     * @param events what {@link #presenceEvents} answered
     * @param from   how many of them a test saw before it began
     * @return the events after those, without a leading offline that an earlier test's close fired late
     */
    public static java.util.List<String> presenceSince(java.util.List<String> events, int from) {
        java.util.List<String> after = events.subList(from, events.size());
        return !after.isEmpty() && after.get(0).startsWith("-") ? after.subList(1, after.size()) : after;
    }

    /**
     * Checks that a client got count messages per thread of a {@code test-hooks/burst}, each thread's
     * numbers in increasing order.
     *
     * @param client  the receiving client
     * @param threads the burst's sending threads
     * @param count   messages per thread
     * @throws Exception when one is missing (30 s each) or out of order
     */
    public static void assertOrdered(WsClient client, int threads, int count) throws Exception {
        int[] next = new int[threads];
        for (int received = 0; received < threads * count; received++) {
            String text = client.next(30_000);
            if (text == null) {
                throw new AssertionError("only " + received + " of " + threads * count + " messages arrived");
            }
            JsonObject message = json(text);
            int t = message.getInt("t");
            assertEquals(next[t], message.getInt("n"), "thread " + t + " out of order");
            next[t]++;
        }
    }

    // ---- sockets -------------------------------------------------------------------------------

    /**
     * @param client a client
     * @return how the server closed it, within 15 s
     * @throws Exception when it stays open
     */
    public static WsClient.Close closeOf(WsClient client) throws Exception {
        return client.closed().get(15, TimeUnit.SECONDS);
    }

    /**
     * @param refused a failed handshake
     * @return its HTTP status
     */
    public static int status(ExecutionException refused) {
        return ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode();
    }

    /**
     * @param base the application URL
     * @param user who asks (Basic, password = name)
     * @return a new connect ticket
     * @throws Exception on I/O failure
     */
    public static String ticket(URL base, String user) throws Exception {
        HttpResponse<String> response = Rest.post(base, user, "ws/ticket", "");
        assertEquals(201, response.statusCode(), response.body());
        return json(response.body()).getString("ticket");
    }

    /**
     * Sends notifications with fresh markers to a user until the client receives one. The handshake's
     * 101 can reach the client before the server has registered the session, and a notification for
     * a user without a registered session is not kept; so the first one may find nobody.
     *
     * @param base   the application URL
     * @param client the user's client
     * @param userId its user
     * @throws Exception when none arrives within 15 s
     */
    public static void assertDelivered(URL base, WsClient client, long userId) throws Exception {
        Set<String> markers = new HashSet<>();
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            String marker = UUID.randomUUID().toString();
            markers.add(marker);
            deliver(base, userId, "{\"message\":\"probe\",\"marker\":\"" + marker + "\"}");
            for (int polls = 0; polls < 10; polls++) {
                String message = client.next(100);
                if (message != null && markers.stream().anyMatch(message::contains)) {
                    return;
                }
            }
        }
        fail("user " + userId + " did not receive any of " + markers);
    }

    /**
     * Proves a client belongs to {@code userId} and not to {@code otherId}: once it is registered, a
     * message to the other user sent before one to its own user never arrives (a session receives in order).
     *
     * @param base    the application URL
     * @param client  the client
     * @param userId  its user
     * @param otherId another user
     * @throws Exception on failure
     */
    public static void assertIsUser(URL base, WsClient client, long userId, long otherId) throws Exception {
        assertDelivered(base, client, userId);
        client.drain();
        String foreign = UUID.randomUUID().toString();
        Rest.post(base, "ops", "notifications/" + otherId, "{\"message\":\"probe\",\"marker\":\"" + foreign + "\"}");
        String own = UUID.randomUUID().toString();
        Rest.post(base, "ops", "notifications/" + userId, "{\"message\":\"probe\",\"marker\":\"" + own + "\"}");
        String next;
        do { // late copies of assertDelivered's probes may still come first
            next = client.next(10_000);
            assertTrue(next == null || !next.contains(foreign), "received user " + otherId + "'s message: " + next);
        } while (next != null && !next.contains(own));
        assertTrue(next != null, "user " + userId + "'s message did not arrive");
    }
}
