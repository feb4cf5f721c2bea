package dev.herald.it;

import static dev.herald.it.ItSupport.awaitSessions;
import static dev.herald.it.ItSupport.deliver;
import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.stat;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 9 over real sockets: {@code herald.v1} clients that reconnect get what they missed, in order,
 * once, then live messages, and are told whether the recovery was complete; plain clients still get
 * the bare JSON. The history holds 100 messages per stream (the default, set explicitly).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RecoveryIT {

    private static final Logger LOG = Logger.getLogger(RecoveryIT.class.getName());
    private static final int HISTORY = 100;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of("herald.history.size", Integer.toString(HISTORY)));
    }

    @ArquillianResource
    URL base;

    /** A herald.v1 client's view: per stream the last epoch:seq it read. */
    static final class Positions {
        String since;
        String bsince;

        String query() {
            List<String> parameters = new ArrayList<>();
            if (since != null) {
                parameters.add("since=" + since);
            }
            if (bsince != null) {
                parameters.add("bsince=" + bsince);
            }
            return parameters.isEmpty() ? "" : "?" + String.join("&", parameters);
        }

        void welcome(JsonObject welcome) {
            since = position(welcome.getJsonObject("user"));
            bsince = position(welcome.getJsonObject("broadcast"));
        }

        void read(JsonObject message) {
            String position = message.getString("epoch") + ":" + message.getJsonNumber("seq").longValue();
            if ("user".equals(message.getString("stream"))) {
                since = position;
            } else {
                bsince = position;
            }
        }
    }

    static String position(JsonObject head) {
        return head.getString("epoch") + ":" + head.getJsonNumber("seq").longValue();
    }

    private WsClient connectV1(String user, String query) throws Exception {
        WsClient client = WsClient.connect(base, "ws" + query, user, Map.of(), List.of("herald.v1"));
        assertEquals("herald.v1", client.socket().getSubprotocol());
        return client;
    }

    /** Connects once, takes the welcome's heads as the client's positions, and disconnects. */
    private Positions firstConnect(String user, long userId) throws Exception {
        Positions positions = new Positions();
        try (WsClient first = connectV1(user, "")) {
            positions.welcome(frame(first));
        }
        awaitSessions(base, userId, 0);
        return positions;
    }

    private JsonObject frame(WsClient client) throws Exception {
        String text = client.next(10_000);
        assertNotNull(text, "a frame within 10 s");
        return json(text);
    }

    private void notify(long userId, String body) throws Exception {
        deliver(base, userId, body);
    }

    private void broadcast(String body) throws Exception {
        ItSupport.broadcast(base, body);
    }

    private long counter(String name) throws Exception {
        return stat(base, name);
    }

    @Test
    void aFirstConnectGetsOnlyAWelcome() throws Exception {
        try (WsClient alice = connectV1("alice", "")) {
            JsonObject welcome = frame(alice);
            assertEquals("herald.welcome", welcome.getString("type"));
            assertFalse(welcome.getBoolean("recovered"));
            assertEquals(0, welcome.getInt("replayed"));
            assertTrue(welcome.getJsonObject("user").getString("epoch").matches("[A-Za-z0-9]+"));
            assertTrue(welcome.getJsonObject("broadcast").getString("epoch").matches("[A-Za-z0-9]+"));
            assertNull(alice.next(300), "nothing is replayed on a first connect");
            awaitSessions(base, 1, 1);
            notify(1, "{\"message\":\"live\"}");
            JsonObject live = frame(alice);
            assertEquals("herald.message", live.getString("type"));
            assertEquals("user", live.getString("stream"));
            assertEquals(welcome.getJsonObject("user").getString("epoch"), live.getString("epoch"));
            assertEquals(welcome.getJsonObject("user").getInt("seq") + 1, live.getInt("seq"));
            assertEquals(json("{\"message\":\"live\"}"), live.getJsonObject("data"));
        }
        awaitSessions(base, 1, 0);
    }

    @Test
    void theSevenMissedMessagesArriveInOrderThenLiveOnesAndPlainClientsGetBareJson() throws Exception {
        Positions bob = firstConnect("bob", 2);
        long recovered = counter("recoveriesComplete");
        try (WsClient carol = WsClient.connect(base, "carol")) {
            awaitSessions(base, 3, 1);
            String[] sent = {"t1", "t2", "b1", "t3", "t4", "b2", "t5"};
            for (String name : sent) {
                if (name.startsWith("b")) {
                    broadcast("{\"message\":\"" + name + "\"}");
                } else {
                    notify(2, "{\"message\":\"" + name + "\"}");
                }
            }
            assertEquals("{\"message\":\"b1\"}", carol.next(10_000), "a plain client gets the bare JSON, exactly");
            assertEquals("{\"message\":\"b2\"}", carol.next(10_000));

            try (WsClient again = connectV1("bob", bob.query())) {
                for (String name : sent) {
                    JsonObject message = frame(again);
                    assertEquals("herald.message", message.getString("type"), message.toString());
                    assertEquals(name.startsWith("b") ? "broadcast" : "user", message.getString("stream"));
                    assertEquals(name, message.getJsonObject("data").getString("message"), "in the order they were sent");
                    bob.read(message);
                }
                JsonObject welcome = frame(again);
                assertEquals("herald.welcome", welcome.getString("type"), welcome.toString());
                assertTrue(welcome.getBoolean("recovered"));
                assertEquals(7, welcome.getInt("replayed"));
                assertEquals(bob.since, position(welcome.getJsonObject("user")), "the heads are the last replayed messages");
                assertEquals(bob.bsince, position(welcome.getJsonObject("broadcast")));
                awaitSessions(base, 2, 1);
                notify(2, "{\"message\":\"live\"}");
                JsonObject live = frame(again);
                assertEquals("live", live.getJsonObject("data").getString("message"));
                assertEquals(welcome.getJsonObject("user").getInt("seq") + 1, live.getInt("seq"));
                assertNull(again.next(300), "nothing twice");
            }
        }
        assertEquals(recovered + 1, counter("recoveriesComplete"));
    }

    @Test
    void aGapLongerThanTheHistoryIsNotRecoveredAndWhatIsHeldArrives() throws Exception {
        Positions carol = firstConnect("carol", 3);
        int sent = HISTORY + 10;
        for (int n = 1; n <= sent; n++) {
            notify(3, "{\"n\":" + n + "}");
        }
        long incomplete = counter("recoveriesIncomplete");
        try (WsClient again = connectV1("carol", "?since=" + carol.since)) {
            for (int n = sent - HISTORY + 1; n <= sent; n++) {
                JsonObject message = frame(again);
                assertEquals(n, message.getJsonObject("data").getInt("n"), "the last " + HISTORY + " are held");
            }
            JsonObject welcome = frame(again);
            assertEquals("herald.welcome", welcome.getString("type"));
            assertFalse(welcome.getBoolean("recovered"), "the client knows that something may be missing");
            assertEquals(HISTORY, welcome.getInt("replayed"));
        }
        assertEquals(incomplete + 1, counter("recoveriesIncomplete"));
    }

    @Test
    void aMalformedPositionIsNotRecoveredAndKeepsTheSessionOpen() throws Exception {
        long malformed = counter("malformedPositions");
        try (WsClient alice = connectV1("alice", "?since=%3Cnot-a-position%3E")) {
            JsonObject last;
            do {
                last = frame(alice);
            } while (!"herald.welcome".equals(last.getString("type")));
            assertFalse(last.getBoolean("recovered"));
            awaitSessions(base, 1, 1);
            notify(1, "{\"message\":\"still open\"}");
            assertEquals("still open", frame(alice).getJsonObject("data").getString("message"));
        }
        assertEquals(malformed + 1, counter("malformedPositions"));
        awaitSessions(base, 1, 0);
    }

    /**
     * A sender posts targeted messages and broadcasts while the client disconnects and reconnects
     * again and again with the last positions it read (after a random 1 to 12 frames, and staying away
     * until up to 5 more were sent): each stream arrives without gap or duplicate, replay and welcome
     * agree, and in the end every message was read exactly once. The sender keeps at most 20 messages
     * ahead of the reader, so every gap is within the history.
     */
    @Test
    void messagesRacingWithReconnectsAreNeitherLostNorDuplicated() throws Exception {
        Positions client = firstConnect("alice", 1);
        int messages = 150;
        List<Integer> read = new CopyOnWriteArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                for (int n = 1; n <= messages; n++) {
                    int posted = n - 1;
                    waitFor(() -> posted - read.size() < 20, 60_000);
                    if (n % 10 == 0) {
                        broadcast("{\"race\":" + n + "}");
                    } else {
                        notify(1, "{\"race\":" + n + "}");
                    }
                    sent.incrementAndGet();
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        sender.start();
        int sessions = 0;
        boolean last = false;
        while (!last) {
            last = !sender.isAlive();
            sessions++;
            try (WsClient session = connectV1("alice", client.query())) {
                // the last session, opened once everything was sent, reads up to its welcome (which follows the replay)
                int frames = last ? Integer.MAX_VALUE : ThreadLocalRandom.current().nextInt(1, 13);
                for (int f = 0; f < frames; f++) {
                    String text = session.next(last ? 10_000 : 500);
                    if (text == null || readRacing(json(text), client, read) && last) {
                        break;
                    }
                }
            }
            // away until the sender sent up to 5 more (never more than it may run ahead): the next session has a replay
            int missed = Math.min(sent.get() + ThreadLocalRandom.current().nextInt(6), read.size() + 19);
            waitFor(() -> sent.get() >= missed || !sender.isAlive(), 60_000);
        }
        sender.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        LOG.info("race: " + messages + " messages over " + sessions + " sessions");
        assertTrue(sessions >= 5, "reconnected " + sessions + " times");
        List<Integer> expected = new ArrayList<>();
        for (int n = 1; n <= messages; n++) {
            expected.add(n);
        }
        assertEquals(expected, read.stream().sorted().toList(), "every message read exactly once");
        awaitSessions(base, 1, 0);
    }

    /** Checks one frame of the race against the client's positions and records it; true for the welcome. */
    private static boolean readRacing(JsonObject frame, Positions client, List<Integer> read) {
        if ("herald.welcome".equals(frame.getString("type"))) {
            assertTrue(frame.getBoolean("recovered"), "the gap is within the history: " + frame);
            assertEquals(client.since, position(frame.getJsonObject("user")), "replay and welcome agree");
            assertEquals(client.bsince, position(frame.getJsonObject("broadcast")));
            return true;
        }
        String stream = frame.getString("stream");
        String[] before = ("user".equals(stream) ? client.since : client.bsince).split(":");
        assertEquals(before[0], frame.getString("epoch"));
        assertEquals(Long.parseLong(before[1]) + 1, frame.getJsonNumber("seq").longValue(),
                stream + " stream: no gap, no duplicate");
        client.read(frame);
        if (frame.getJsonObject("data").containsKey("race")) {
            read.add(frame.getJsonObject("data").getInt("race"));
        }
        return false;
    }
}
