package dev.herald.it;

import static dev.herald.it.ItSupport.awaitSessions;
import static dev.herald.it.ItSupport.broadcast;
import static dev.herald.it.ItSupport.deliver;
import static dev.herald.it.ItSupport.hookPost;
import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.send;
import static dev.herald.it.ItSupport.sessions;
import static dev.herald.it.ItSupport.stat;
import static dev.herald.it.ItSupport.stats;
import static dev.herald.it.ItSupport.ticket;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.groups.GroupHooks;
import jakarta.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Server-Sent Events transport ({@code GET /api/sse}) over real HTTP: authenticated and
 * origin-checked like the WebSocket handshake, counted in the same limits, reached by targeted,
 * broadcast and MFA notifications, recovering by {@code Last-Event-ID}, and dropped when it stops
 * reading. Each test waits until its users have no session left from another test, so any order works.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SseIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.heraldWithHooks(Map.of(
                "herald.heartbeat.interval-ms", "400",
                "herald.heartbeat.timeout-ms", "3000",
                "herald.send.time-limit-ms", "3000",
                "herald.max-sessions-per-user", "3",
                "herald.inbound.max-bytes", "2048",
                "herald.inbound.rate", "5",
                "herald.inbound.burst", "10"))
                .addPackage(GroupHooks.class.getPackage()); // alice and bob in team:a, topics open.* allowed
    }

    @ArquillianResource
    URL base;

    private static final long WAIT = 15_000;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static JsonObject data(SseClient.Event event) {
        return json(event.data());
    }

    /** Reads the stream's first event, {@code herald.stream}, and answers its id. */
    private static String streamId(SseClient client) throws InterruptedException {
        SseClient.Event first = client.next(WAIT);
        assertEquals("herald.stream", first.name());
        return data(first).getString("id");
    }

    private HttpResponse<String> post(String id, String user, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "api/sse/" + id + "/messages"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (user != null) {
            request.header("Authorization", WsClient.basic(user, user));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String code(HttpResponse<String> problem) {
        assertTrue(problem.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), problem.toString());
        return json(problem.body()).getString("code");
    }

    @Test
    void aMessagePostedToTheStreamIsAnInboundMessageOfThatSession() throws Exception {
        awaitSessions(base, 1, 0);
        String ticket = ticket(base, "alice");
        try (SseClient alice = SseClient.open(base, "ticket=" + ticket, null, Map.of())) {
            String id = streamId(alice);
            assertEquals("herald.welcome", data(alice.next(WAIT)).getString("type"));
            assertEquals(202, post(id, null, "application/json", "{\"type\":\"echo\",\"n\":1}").statusCode(),
                    "the id alone names the stream (a ticket-only browser has no other credential)");
            JsonObject echo = data(alice.nextWith("echo", WAIT)).getJsonObject("data");
            assertEquals(1, echo.getJsonObject("echo").getInt("n"));
            assertEquals(id, echo.getString("session"), "fired as a message of this session");
            assertEquals(202, post(id, "alice", "application/json", "{\"type\":\"echo\",\"n\":2}").statusCode());
            assertEquals(2, data(alice.nextWith("echo", WAIT)).getJsonObject("data").getJsonObject("echo").getInt("n"));

            assertEquals("UNKNOWN_STREAM", code(post("nope" + id, null, "application/json", "{}")));
            assertEquals(415, post(id, null, "text/plain", "{}").statusCode());
            long malformed = stat(base, "malformedInbound");
            assertEquals("MALFORMED_JSON", code(post(id, null, "application/json", "{not json")));
            assertEquals(malformed + 1, stat(base, "malformedInbound"));
            assertEquals(1, sessions(base, 1), "a malformed message leaves the stream open, as on a socket");
        }
        awaitSessions(base, 1, 0);
    }

    @Test
    void aMessageOverTheSizeLimitEndsTheStreamWith1009() throws Exception {
        awaitSessions(base, 2, 0);
        try (SseClient bob = SseClient.open(base, "", "bob", Map.of())) {
            String id = streamId(bob);
            long before = stat(base, "inboundTooBig");
            HttpResponse<String> big = post(id, "bob", "application/json", "{\"pad\":\"" + "x".repeat(3000) + "\"}");
            assertEquals(413, big.statusCode());
            assertEquals("MESSAGE_TOO_BIG", code(big));
            assertEquals(1009, data(bob.nextWith("\"code\"", WAIT)).getInt("code"));
            bob.ended().get(WAIT, TimeUnit.MILLISECONDS);
            assertEquals(before + 1, stat(base, "inboundTooBig"));
            assertEquals("UNKNOWN_STREAM", code(post(id, "bob", "application/json", "{}")), "gone with its stream");
        }
    }

    @Test
    void moreMessagesThanTheRateLimitEndTheStreamWith4007() throws Exception {
        awaitSessions(base, 3, 0);
        try (SseClient carol = SseClient.open(base, "", "carol", Map.of())) {
            String id = streamId(carol);
            long before = stat(base, "inboundRateLimited");
            int refused = 0;
            for (int i = 0; i < 30 && refused == 0; i++) {
                HttpResponse<String> answer = post(id, "carol", "application/json", "{\"n\":" + i + "}");
                if (answer.statusCode() == 429) {
                    assertEquals("RATE_LIMIT", code(answer));
                    refused++;
                }
            }
            assertEquals(1, refused, "the burst of 10 is used up well before 30 messages");
            assertEquals(4007, data(carol.nextWith("\"code\"", WAIT)).getInt("code"));
            carol.ended().get(WAIT, TimeUnit.MILLISECONDS);
            assertEquals(before + 1, stat(base, "inboundRateLimited"));
        }
        awaitSessions(base, 3, 0);
    }

    @Test
    void anAnonymousStreamIsRefusedAndAForeignOriginToo() throws Exception {
        try (SseClient anonymous = SseClient.open(base, "", null, Map.of())) {
            assertEquals(401, anonymous.status());
        }
        try (SseClient foreign = SseClient.open(base, "", "alice", Map.of("Origin", "http://evil.example"))) {
            assertEquals(403, foreign.status());
            assertEquals("ORIGIN_NOT_ALLOWED", json(foreign.body()).getString("code"));
        }
        try (SseClient wrongPassword = SseClient.open(base, "", null, Map.of("Authorization", WsClient.basic("alice", "nope")))) {
            assertEquals(401, wrongPassword.status());
        }
    }

    @Test
    void aTicketOpensOneStreamOnly() throws Exception {
        awaitSessions(base, 2, 0);
        String ticket = ticket(base, "bob");
        try (SseClient first = SseClient.open(base, "ticket=" + ticket, null, Map.of())) {
            assertEquals(200, first.status());
            assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            assertEquals("no-cache", first.headers().firstValue("Cache-Control").orElse(null));
            assertEquals("no", first.headers().firstValue("X-Accel-Buffering").orElse(null));
            streamId(first);
            assertEquals("herald.welcome", data(first.next(WAIT)).getString("type"));
            assertEquals(1, sessions(base, 2));
            deliver(base, 2, "{\"message\":\"to bob\"}");
            assertEquals("to bob", data(first.nextWith("to bob", WAIT)).getJsonObject("data").getString("message"));

            try (SseClient again = SseClient.open(base, "ticket=" + ticket, null, Map.of())) {
                assertEquals(401, again.status());
                assertEquals("INVALID_TICKET", json(again.body()).getString("code"));
            }
        }
        awaitSessions(base, 2, 0); // a client that left is noticed at the next heartbeat
    }

    @Test
    void targetedBroadcastAndMfaReachAStreamOnceInOrder() throws Exception {
        awaitSessions(base, 3, 0);
        assertEquals(400, send(base, 3, "{\"message\":\"MFA_REQUIRED\"}").statusCode(), "no session yet");
        try (SseClient carol = SseClient.open(base, "", "carol", Map.of())) {
            assertEquals(200, carol.status());
            streamId(carol);
            JsonObject welcome = data(carol.next(WAIT));
            assertEquals("herald.welcome", welcome.getString("type"));
            assertFalse(welcome.getBoolean("recovered"), "no position given");
            assertEquals(1, sessions(base, 3), "counted like a socket");

            HttpResponse<String> mfa = send(base, 3, "{\"message\":\"MFA_REQUIRED\"}");
            assertEquals(200, mfa.statusCode(), mfa.body());
            assertEquals(1, json(mfa.body()).getInt("sessions"));
            assertTrue(broadcast(base, "{\"message\":\"to all\"}").getInt("sessions") >= 1);
            deliver(base, 3, "{\"message\":\"last\"}");

            SseClient.Event first = carol.next(WAIT);
            assertEquals("message", first.name());
            JsonObject frame = data(first);
            assertEquals("herald.message", frame.getString("type"));
            assertEquals("user", frame.getString("stream"));
            assertEquals("MFA_REQUIRED", frame.getJsonObject("data").getString("message"));
            assertEquals(frame.getString("epoch") + ":" + frame.getJsonNumber("seq") + "/" + welcome.getJsonObject("broadcast").getString("epoch") + ":"
                    + welcome.getJsonObject("broadcast").getInt("seq"), first.id(), "the id is both positions after the event");
            SseClient.Event second = carol.next(WAIT);
            assertEquals("broadcast", data(second).getString("stream"));
            assertEquals("to all", data(second).getJsonObject("data").getString("message"));
            assertEquals("last", data(carol.next(WAIT)).getJsonObject("data").getString("message"));
            waitFor(() -> carol.comments() >= 2, WAIT); // heartbeats as comments keep the stream alive
            assertEquals(1, sessions(base, 3));
        }
        awaitSessions(base, 3, 0);
        assertEquals(400, send(base, 3, "{\"message\":\"MFA_REQUIRED\"}").statusCode(), "gone is gone");
    }

    /** Issue 18 over SSE: the resolver sees the stream's principal, a group message reaches it, a topic posted for is answered on it. */
    @Test
    void aStreamGetsItsGroupsMessagesAndSubscribesToTopicsThroughItsPosts() throws Exception {
        awaitSessions(base, 1, 0);
        try (SseClient alice = SseClient.open(base, "", "alice", Map.of())) {
            String id = streamId(alice);
            JsonObject welcome = data(alice.next(WAIT));
            assertEquals("herald.welcome", welcome.getString("type"));
            assertTrue(welcome.getJsonObject("groups").containsKey("team:a"), "the resolver's group: " + welcome);
            HttpResponse<String> sent = Rest.post(base, "ops", "groups/team:a", "{\"message\":\"to the team\"}");
            assertEquals(200, sent.statusCode(), sent.body());
            assertEquals(1, json(sent.body()).getInt("sessions"));
            JsonObject group = data(alice.next(WAIT));
            assertEquals("group", group.getString("stream"), group.toString());
            assertEquals("team:a", group.getString("name"));
            assertEquals(welcome.getJsonObject("groups").getJsonObject("team:a").getInt("seq") + 1, group.getInt("seq"));
            assertEquals("to the team", group.getJsonObject("data").getString("message"));

            assertEquals(202, post(id, null, "application/json", "{\"type\":\"herald.subscribe\",\"topic\":\"open.sse\"}").statusCode());
            JsonObject subscribed = data(alice.next(WAIT));
            assertEquals("herald.subscribed", subscribed.getString("type"), subscribed.toString());
            assertEquals(202, post(id, null, "application/json", "{\"type\":\"herald.subscribe\",\"topic\":\"closed\"}").statusCode());
            assertEquals("herald.refused", data(alice.next(WAIT)).getString("type"));
            HttpResponse<String> published = Rest.post(base, "ops", "topics/open.sse", "{\"message\":\"news\"}");
            assertEquals(1, json(published.body()).getInt("sessions"), published.body());
            JsonObject topic = data(alice.next(WAIT));
            assertEquals("topic", topic.getString("stream"), topic.toString());
            assertEquals("news", topic.getJsonObject("data").getString("message"));
            deliver(base, 1, "{\"message\":\"marker\"}");
            assertEquals("marker", data(alice.next(WAIT)).getJsonObject("data").getString("message"), "nothing came twice");
        }
        awaitSessions(base, 1, 0);
    }

    @Test
    void lastEventIdRecoversWhatWasMissed() throws Exception {
        awaitSessions(base, 1, 0);
        String lastId;
        try (SseClient alice = SseClient.open(base, "", "alice", Map.of())) {
            alice.nextWith("herald.welcome", WAIT);
            deliver(base, 1, "{\"n\":1}");
            lastId = alice.nextWith("\"n\":1", WAIT).id();
            assertNotNull(lastId);
        }
        awaitSessions(base, 1, 0);
        deliver(base, 1, "{\"n\":2}"); // nobody connected: only the history has them
        broadcast(base, "{\"n\":3}");
        try (SseClient back = SseClient.open(base, "", "alice", Map.of("Last-Event-ID", lastId))) {
            streamId(back);
            assertEquals(2, data(back.next(WAIT)).getJsonObject("data").getInt("n"));
            assertEquals(3, data(back.next(WAIT)).getJsonObject("data").getInt("n"));
            JsonObject welcome = data(back.next(WAIT));
            assertEquals("herald.welcome", welcome.getString("type"));
            assertTrue(welcome.getBoolean("recovered"), welcome.toString());
            assertEquals(2, welcome.getInt("replayed"));
        }
        try (SseClient stale = SseClient.open(base, "", "alice", Map.of("Last-Event-ID", "gone:5/gone:1"))) {
            JsonObject welcome = data(stale.nextWith("herald.welcome", WAIT));
            assertFalse(welcome.getBoolean("recovered"), "an epoch the server does not know: never a silent gap");
        }
    }

    @Test
    void theOldestSessionBeyondTheLimitIsEndedWithAFinalEvent() throws Exception {
        awaitSessions(base, 2, 0);
        try (SseClient oldest = SseClient.open(base, "", "bob", Map.of());
             SseClient second = SseClient.open(base, "", "bob", Map.of());
             WsClient third = WsClient.connect(base, "bob")) {
            oldest.nextWith("herald.welcome", WAIT);
            second.nextWith("herald.welcome", WAIT);
            awaitSessions(base, 2, 3);
            try (WsClient fourth = WsClient.connect(base, "bob")) {
                SseClient.Event last = oldest.nextWith("\"code\"", WAIT);
                assertEquals("herald.close", last.name());
                assertEquals(4006, data(last).getInt("code"));
                assertEquals("session limit", data(last).getString("reason"));
                oldest.ended().get(WAIT, TimeUnit.MILLISECONDS);
                assertEquals(3, sessions(base, 2));
                assertFalse(second.ended().isDone());
            }
        }
        awaitSessions(base, 2, 0);
    }

    @Test
    void aStreamThatStopsReadingIsDroppedAsASlowConsumer() throws Exception {
        awaitSessions(base, 3, 0);
        long before = stat(base, "slowConsumerCloses");
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            OutputStream out = stalled.getOutputStream();
            out.write(("GET " + base.getPath() + "api/sse HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAccept: text/event-stream\r\nAuthorization: " + WsClient.basic("carol", "carol") + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitSessions(base, 3, 1);
            try (SseClient healthy = SseClient.open(base, "", "alice", Map.of())) {
                healthy.nextWith("herald.welcome", WAIT);
                // 24 MB for carol, who reads none of it: the kernel and the container take some, then the writes stall.
                for (int i = 0; i < 4 && sessions(base, 3) == 1; i++) {
                    hookPost(base, "burst?user=3&threads=1&count=1500&pad=4000");
                }
                try {
                    awaitSessions(base, 3, 0);
                } catch (AssertionError e) {
                    throw new AssertionError("stalled stream not closed; stats " + stats(base), e);
                }
                assertTrue(stat(base, "slowConsumerCloses") > before);
                deliver(base, 1, "{\"message\":\"unharmed\"}");
                assertEquals("unharmed", data(healthy.nextWith("unharmed", WAIT)).getJsonObject("data").getString("message"));
            }
        }
    }
}
