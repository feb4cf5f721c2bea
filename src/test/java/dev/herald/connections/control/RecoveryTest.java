package dev.herald.connections.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.RecoveryConfig;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.recovery.control.V1Protocol;
import dev.herald.stats.control.HeraldStats;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** herald.v1 on one node: replay, welcome, bounds, malformed positions and the replay/live race. */
class RecoveryTest {

    private final HeraldStats stats = new HeraldStats();
    private final ConnectionsConfig config = new ConnectionsConfig(1 << 24, 10_000, 25_000, 0, 100, 16);
    private final RecoveryConfig recovery = new RecoveryConfig().withHistory(10, 60_000, 1 << 24);
    private WebSocketManager manager = new WebSocketManager(new MessageCodec(), config, recovery, stats, Runnable::run, e -> { });

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** What a client tracks: per stream the last epoch and seq it saw. */
    static final class Client {
        final FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        final List<JsonObject> frames = new ArrayList<>();
        int read;

        List<JsonObject> read() {
            List<JsonObject> out = new ArrayList<>();
            synchronized (fake.texts) {
                while (read < fake.texts.size()) {
                    out.add(json(fake.texts.get(read++)));
                }
            }
            frames.addAll(out);
            return out;
        }
    }

    private Client connectV1(long userId, String since, String bsince) {
        Client client = new Client();
        manager.connectV1(userId, client.fake.session, StreamPosition.parse(since), StreamPosition.parse(bsince)).orElseThrow();
        return client;
    }

    /** A manager with a cluster relay that publishes (or fails to) and answers reads with the given function. */
    private void useRelay(boolean publishes, BiFunction<StreamPosition, StreamPosition, Optional<Replay>> reads) {
        manager = new WebSocketManager(new MessageCodec(), config, recovery, stats, Runnable::run, e -> { }, new Relay() {
            @Override
            public boolean publish(StreamKey streamKey, OutboundMessage message) {
                return publishes;
            }

            @Override
            public Optional<Replay> replay(long userId, StreamPosition user, StreamPosition broadcast) {
                return reads.apply(user, broadcast);
            }
        });
    }

    private static String position(JsonObject head) {
        return head.getString("epoch") + ":" + head.getJsonNumber("seq").longValue();
    }

    @Test
    void aFirstConnectGetsOnlyAWelcomeWithTheHeads() {
        Client client = connectV1(1, null, null);
        List<JsonObject> frames = client.read();
        assertEquals(1, frames.size());
        JsonObject welcome = frames.get(0);
        assertEquals("herald.welcome", welcome.getString("type"));
        assertFalse(welcome.getBoolean("recovered"));
        assertEquals(0, welcome.getInt("replayed"));
        assertEquals(0, welcome.getJsonObject("user").getInt("seq"));
        assertTrue(welcome.getJsonObject("broadcast").getString("epoch").matches("[A-Za-z0-9]+"));
    }

    @Test
    void theMissedTargetedAndBroadcastMessagesAreReplayedInOrderThenLive() {
        Client first = connectV1(1, null, null);
        JsonObject welcome = first.read().get(0);
        manager.sendMessage(1, Map.of("n", 0));
        JsonObject live = first.read().get(0);
        assertEquals("herald.message", live.getString("type"));
        assertEquals("user", live.getString("stream"));
        assertEquals(1, live.getInt("seq"));
        assertEquals(json("{\"n\":0}"), live.getJsonObject("data"));
        String since = live.getString("epoch") + ":1";
        String bsince = position(welcome.getJsonObject("broadcast"));
        manager.disconnect(1, first.fake.session);

        Client plain = new Client();
        manager.connect(2, plain.fake.session);
        for (int n = 1; n <= 7; n++) {
            if (n == 3 || n == 6) {
                manager.broadcast(Map.of("n", n));
            } else {
                manager.sendMessage(1, Map.of("n", n));
            }
        }
        Client again = connectV1(1, since, bsince);
        manager.sendMessage(1, Map.of("n", 8));
        List<JsonObject> frames = again.read();
        assertEquals(9, frames.size(), frames.toString());
        for (int n = 1; n <= 7; n++) {
            JsonObject frame = frames.get(n - 1);
            assertEquals(n, frame.getJsonObject("data").getInt("n"));
            assertEquals(n == 3 || n == 6 ? "broadcast" : "user", frame.getString("stream"));
        }
        assertEquals(List.of(2, 3, 4, 5, 6), frames.stream().filter(f -> "user".equals(f.getString("stream", ""))).limit(5).map(f -> f.getInt("seq")).toList());
        JsonObject welcome2 = frames.get(7);
        assertEquals("herald.welcome", welcome2.getString("type"));
        assertTrue(welcome2.getBoolean("recovered"));
        assertEquals(7, welcome2.getInt("replayed"));
        assertEquals(6, welcome2.getJsonObject("user").getInt("seq"));
        assertEquals(2, welcome2.getJsonObject("broadcast").getInt("seq"));
        assertEquals(8, frames.get(8).getJsonObject("data").getInt("n"), "then live");
        assertEquals(7, frames.get(8).getInt("seq"));
        assertEquals(List.of("{\"n\":3}", "{\"n\":6}"), plain.fake.texts, "a plain session gets the bare JSON");
        assertEquals(1, stats.recoveriesRequested());
    }

    @Test
    void aGapOlderThanTheHistoryIsNotRecoveredAndWhatIsHeldIsReplayed() {
        Client first = connectV1(1, null, null);
        JsonObject welcome = first.read().get(0);
        manager.disconnect(1, first.fake.session);
        for (int n = 1; n <= 15; n++) {
            manager.sendMessage(1, Map.of("n", n)); // history holds 10
        }
        Client again = connectV1(1, position(welcome.getJsonObject("user")), null);
        List<JsonObject> frames = again.read();
        assertEquals(11, frames.size());
        assertEquals(6, frames.get(0).getInt("seq"));
        assertEquals(15, frames.get(9).getInt("seq"));
        assertFalse(frames.get(10).getBoolean("recovered"));
        assertEquals(10, frames.get(10).getInt("replayed"));
    }

    @Test
    void anotherEpochAMalformedPositionOrOneAheadIsNotRecovered() {
        manager.sendMessage(1, Map.of("n", 1));
        manager.sendMessage(1, Map.of("n", 2));
        List<JsonObject> otherEpoch = connectV1(1, "Zz9:1", null).read();
        assertEquals(List.of(1, 2), otherEpoch.subList(0, 2).stream().map(f -> f.getInt("seq")).toList(), "all that is held");
        assertFalse(otherEpoch.get(2).getBoolean("recovered"));
        String epoch = otherEpoch.get(0).getString("epoch");

        List<JsonObject> malformed = connectV1(1, "not a position", null).read();
        assertEquals(3, malformed.size());
        assertFalse(malformed.get(2).getBoolean("recovered"));

        List<JsonObject> ahead = connectV1(1, epoch + ":9", null).read();
        assertEquals(1, ahead.size(), "nothing replayed");
        assertFalse(ahead.get(0).getBoolean("recovered"));

        List<JsonObject> upToDate = connectV1(1, epoch + ":2", null).read();
        assertEquals(1, upToDate.size());
        assertTrue(upToDate.get(0).getBoolean("recovered"), "nothing missed is a complete recovery");
        assertEquals(1, stats.snapshot(0).getInt("malformedPositions"));
    }

    @Test
    void aStreamForgottenByTheByteBoundIsReportedNotHidden() {
        RecoveryConfig tiny = new RecoveryConfig().withHistory(10, 60_000, 4096);
        WebSocketManager small = new WebSocketManager(new MessageCodec(), config, tiny, stats, Runnable::run, e -> { });
        small.sendMessage(1, Map.of("n", 1));
        String epoch = small.history().inStream(StreamKey.user(1), stream -> stream.head().epoch());
        for (long user = 2; user < 100; user++) {
            small.sendMessage(user, Map.of("n", 1));
        }
        assertTrue(small.history().bytes() <= 4096);
        Client client = new Client();
        small.connectV1(1, client.fake.session, StreamPosition.parse(epoch + ":0"), null);
        List<JsonObject> frames = client.read();
        assertFalse(frames.get(frames.size() - 1).getBoolean("recovered"));
    }

    /**
     * Cluster mode: relayed messages that arrive while the shared history is read wait, those already
     * replayed are dropped, and a gap in the relayed sequence closes the session to resync.
     */
    @Test
    void relayedMessagesDuringTheReplayAreNeitherLostNorDuplicatedAndAGapResyncs() {
        StreamPosition head = new StreamPosition("Shared", 3);
        StreamPosition broadcastHead = new StreamPosition("SharedB", 0);
        useRelay(true, (user, broadcast) -> {
            manager.deliverRelayed(StreamKey.user(1), "Shared", 3, "{\"n\":3}"); // published before the read: replayed
            manager.deliverRelayed(StreamKey.user(1), "Shared", 4, "{\"n\":4}"); // published after the read
            List<Replay.Held> held = List.of(new Replay.Held(3, 0, V1Protocol.message(StreamKey.user(1), "Shared", 3, "{\"n\":3}")));
            return Optional.of(Replay.plan(user, head, held, broadcast, broadcastHead, List.of()));
        });
        Client client = connectV1(1, "Shared:2", null);
        assertEquals(1, manager.sendMessage(1, Map.of("n", 5)).sessions(), "counted; it comes back from the subscriber");
        manager.deliverRelayed(StreamKey.user(1), "Shared", 5, "{\"n\":5}");
        List<JsonObject> frames = client.read();
        assertEquals(List.of("herald.message", "herald.welcome", "herald.message", "herald.message"),
                frames.stream().map(f -> f.getString("type")).toList());
        assertTrue(frames.get(1).getBoolean("recovered"));
        assertEquals(List.of(3, 4, 5), List.of(frames.get(0).getInt("seq"), frames.get(2).getInt("seq"), frames.get(3).getInt("seq")));
        manager.deliverRelayed(StreamKey.user(1), "Shared", 7, "{\"n\":7}");
        assertEquals(HeraldCloseCodes.RESYNC, client.fake.closeReason, "seq 6 never arrived: the client must reconnect and recover");
        assertTrue(client.read().isEmpty());
        assertEquals(1, stats.snapshot(0).getInt("resyncs"));
    }

    /** Cluster mode while Redis is unreachable: v1 sessions are served from this node's in-memory history. */
    @Test
    void whenTheRelayFailsTheNodeSequencesAndReplaysFromMemory() {
        useRelay(false, (user, broadcast) -> Optional.empty());
        Client first = connectV1(1, null, null);
        JsonObject welcome = first.read().get(0);
        manager.sendMessage(1, Map.of("n", 1));
        JsonObject live = first.read().get(0);
        assertEquals(welcome.getJsonObject("user").getString("epoch"), live.getString("epoch"), "this node's own epoch");
        manager.disconnect(1, first.fake.session);
        manager.sendMessage(1, Map.of("n", 2));
        List<JsonObject> again = connectV1(1, live.getString("epoch") + ":1", null).read();
        assertEquals(2, again.get(0).getJsonObject("data").getInt("n"));
        assertTrue(again.get(1).getBoolean("recovered"), "recoverable on this node");
    }

    /**
     * A sender thread sends to the user and to everyone while the client reconnects again and again
     * with the last position it saw: every message reaches the client exactly once, in order, whether
     * by replay or live.
     */
    @Test
    void messagesRacingWithReconnectsAreNeitherLostNorDuplicated() throws Exception {
        for (int round = 0; round < 50; round++) {
            WebSocketManager m = new WebSocketManager(new MessageCodec(), config, recovery.withHistory(10_000, 60_000, 1 << 26), stats, Runnable::run, e -> { });
            int messages = 400;
            CountDownLatch go = new CountDownLatch(1);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread sender = new Thread(() -> {
                try {
                    go.await();
                    for (int n = 1; n <= messages; n++) {
                        if (n % 5 == 0) {
                            m.broadcast(Map.of("b", n));
                        } else {
                            m.sendMessage(1, Map.of("u", n));
                        }
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            sender.start();
            String since = null;
            String bsince = null;
            List<Integer> seen = new ArrayList<>();
            long lastUser = 0;
            long lastBroadcast = 0;
            Client firstClient = new Client(); // before any message: the positions the client starts from
            m.connectV1(1, firstClient.fake.session, null, null).orElseThrow();
            JsonObject firstWelcome = firstClient.read().get(0);
            m.disconnect(1, firstClient.fake.session);
            since = position(firstWelcome.getJsonObject("user"));
            bsince = position(firstWelcome.getJsonObject("broadcast"));
            go.countDown();
            boolean done = false;
            while (!done) {
                done = !sender.isAlive();
                Client client = new Client();
                m.connectV1(1, client.fake.session, StreamPosition.parse(since), StreamPosition.parse(bsince)).orElseThrow();
                if (ThreadLocalRandom.current().nextBoolean()) {
                    Thread.onSpinWait();
                }
                m.disconnect(1, client.fake.session);
                boolean welcomed = false;
                for (JsonObject frame : client.read()) {
                    if ("herald.welcome".equals(frame.getString("type"))) {
                        assertFalse(welcomed, "one welcome per session");
                        welcomed = true;
                        assertTrue(frame.getBoolean("recovered"), frame.toString());
                        assertEquals(lastUser, frame.getJsonObject("user").getInt("seq"), "the welcome's head is what was replayed");
                        assertEquals(lastBroadcast, frame.getJsonObject("broadcast").getInt("seq"));
                        since = position(frame.getJsonObject("user"));
                        bsince = position(frame.getJsonObject("broadcast"));
                        continue;
                    }
                    assertTrue(frame.getString("type").equals("herald.message"));
                    long seq = frame.getJsonNumber("seq").longValue();
                    if ("user".equals(frame.getString("stream"))) {
                        assertEquals(lastUser + 1, seq, "user stream: no gap, no duplicate");
                        lastUser = seq;
                        since = frame.getString("epoch") + ":" + seq;
                        seen.add(frame.getJsonObject("data").getInt("u"));
                    } else {
                        assertEquals(lastBroadcast + 1, seq, "broadcast stream: no gap, no duplicate");
                        lastBroadcast = seq;
                        bsince = frame.getString("epoch") + ":" + seq;
                        seen.add(frame.getJsonObject("data").getInt("b"));
                    }
                }
                // a session closed before its sender wrote the welcome leaves the client at what it read
            }
            sender.join();
            if (failed.get() != null) {
                throw new AssertionError(failed.get());
            }
            Client last = new Client();
            m.connectV1(1, last.fake.session, StreamPosition.parse(since), StreamPosition.parse(bsince));
            for (JsonObject frame : last.read()) {
                if ("herald.message".equals(frame.getString("type"))) {
                    seen.add(frame.getJsonObject("data").getInt(frame.getString("stream").equals("user") ? "u" : "b"));
                } else {
                    assertTrue(frame.getBoolean("recovered"));
                }
            }
            List<Integer> expected = new ArrayList<>();
            for (int n = 1; n <= messages; n++) {
                expected.add(n);
            }
            assertEquals(expected, seen.stream().sorted().toList(), "every message exactly once");
        }
    }

    /**
     * Cluster mode with a relay that routes topics: a subscribe reads the topic's stream from the
     * relay; messages relayed while it reads wait, those in the replay are dropped, the rest follow.
     */
    @Test
    void aTopicSubscribedThroughTheRelayGetsItsReplayThenWhatArrivedDuringTheRead() {
        StreamKey.Topic news = new StreamKey.Topic("news");
        manager = new WebSocketManager(new MessageCodec(), config, recovery, stats, Runnable::run, e -> { }, new Relay() {
            @Override
            public boolean routes(StreamKey streamKey) {
                return true;
            }

            @Override
            public boolean publish(StreamKey streamKey, OutboundMessage message) {
                return true;
            }

            @Override
            public Optional<Replay> replay(long userId, StreamPosition user, StreamPosition broadcast) {
                return Optional.of(Replay.plan(user, new StreamPosition("U", 0), List.of(), broadcast, new StreamPosition("B", 0), List.of()));
            }

            @Override
            public Optional<Replay.Part> read(StreamKey stream, StreamPosition given) {
                manager.deliverRelayed(news, "T", 3, "{\"n\":3}"); // recorded before the read: replayed
                manager.deliverRelayed(news, "T", 4, "{\"n\":4}"); // after it
                return Optional.of(new Replay.Part(stream, given, new StreamPosition("T", 3),
                        List.of(new Replay.Held(3, 0, V1Protocol.message(news, "T", 3, "{\"n\":3}")))));
            }
        });
        Client client = new Client();
        Connection connection = manager.connectV1(1, client.fake.session, null, null).orElseThrow();
        client.read();
        assertEquals(Audiences.Subscription.SUBSCRIBED, manager.audiences().subscribe(connection, news, StreamPosition.parse("T:2"), 5));
        manager.deliverRelayed(news, "T", 5, "{\"n\":5}");
        List<JsonObject> frames = client.read();
        assertEquals(List.of("herald.message", "herald.subscribed", "herald.message", "herald.message"),
                frames.stream().map(f -> f.getString("type")).toList());
        assertTrue(frames.get(1).getBoolean("recovered"), frames.get(1).toString());
        assertEquals(List.of(3, 4, 5), List.of(frames.get(0).getInt("seq"), frames.get(2).getInt("seq"), frames.get(3).getInt("seq")));
        assertEquals(null, client.fake.closeReason, "no resync");
    }
}
