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

import jakarta.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpResponse;
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
                "herald.max-sessions-per-user", "3"));
    }

    @ArquillianResource
    URL base;

    private static final long WAIT = 15_000;

    private static JsonObject data(SseClient.Event event) {
        return json(event.data());
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

    @Test
    void lastEventIdRecoversWhatWasMissed() throws Exception {
        awaitSessions(base, 1, 0);
        String lastId;
        try (SseClient alice = SseClient.open(base, "", "alice", Map.of())) {
            alice.next(WAIT); // welcome
            deliver(base, 1, "{\"n\":1}");
            lastId = alice.nextWith("\"n\":1", WAIT).id();
            assertNotNull(lastId);
        }
        awaitSessions(base, 1, 0);
        deliver(base, 1, "{\"n\":2}"); // nobody connected: only the history has them
        broadcast(base, "{\"n\":3}");
        try (SseClient back = SseClient.open(base, "", "alice", Map.of("Last-Event-ID", lastId))) {
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
            oldest.next(WAIT);
            second.next(WAIT);
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
                healthy.next(WAIT);
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
