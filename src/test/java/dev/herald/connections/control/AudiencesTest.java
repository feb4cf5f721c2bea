package dev.herald.connections.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.connections.entity.GroupMembershipChanged;
import dev.herald.connections.entity.UserOffline;
import dev.herald.connections.entity.UserOnline;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.RecoveryConfig;
import dev.herald.recovery.control.Resume;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.stats.control.HeraldStats;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Groups, topics and lists of users on one node: who gets what, once; recovery of group and topic streams; presence events. */
class AudiencesTest {

    private static final CloseReason GONE = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "tab closed");

    private final HeraldStats stats = new HeraldStats();
    private final ConnectionsConfig config = new ConnectionsConfig(1 << 24, 10_000, 25_000, 0, 100, 16);
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final WebSocketManager manager = new WebSocketManager(new MessageCodec(), config,
            new RecoveryConfig().withHistory(10, 60_000, 1 << 24), stats, Runnable::run, events::add);
    private final Audiences audiences = manager.audiences();

    /** A session and what it received. */
    private final class Client {
        final FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        final Connection connection;
        int read;

        Client(long userId, boolean v1, Resume resume) {
            connection = manager.admit(userId, v1, null, resume).orElseThrow();
            assertTrue(manager.bind(connection, fake.session));
        }

        List<JsonObject> frames() {
            List<JsonObject> out = new ArrayList<>();
            synchronized (fake.texts) {
                while (read < fake.texts.size()) {
                    out.add(RecoveryTest.json(fake.texts.get(read++)));
                }
            }
            return out;
        }

        List<String> data() {
            List<String> out = new ArrayList<>();
            for (JsonObject frame : frames()) {
                if ("herald.message".equals(frame.getString("type", null))) {
                    out.add(frame.getJsonObject("data").getString("m"));
                } else if (frame.containsKey("m")) {
                    out.add(frame.getString("m"));
                }
            }
            return out;
        }
    }

    private Client plain(long userId) {
        return new Client(userId, false, Resume.NONE);
    }

    private Client v1(long userId) {
        return new Client(userId, true, Resume.NONE);
    }

    private static Map<String, String> m(String text) {
        return Map.of("m", text);
    }

    @Test
    void aGroupMessageReachesEverySessionOfEveryMemberOnceAndNobodyElse() {
        manager.groupResolver = (userId, principal) -> userId <= 2 ? Set.of("tenant-1") : Set.of();
        Client alicePlain = plain(1);
        Client aliceV1 = v1(1);
        Client bob = plain(2);
        Client carol = plain(3);
        aliceV1.frames(); // the welcome

        Delivery delivery = audiences.sendToGroup("tenant-1", m("g1"));

        assertEquals(3, delivery.sessions());
        assertEquals(List.of("g1"), alicePlain.data());
        List<JsonObject> frames = aliceV1.frames();
        assertEquals(1, frames.size());
        assertEquals("group", frames.get(0).getString("stream"));
        assertEquals("tenant-1", frames.get(0).getString("name"));
        assertEquals(1, frames.get(0).getInt("seq"));
        assertEquals(List.of("g1"), bob.data());
        assertEquals(List.of(), carol.data(), "a non-member gets nothing");
        assertEquals(List.of("tenant-1"), audiences.groupsOf(1));
    }

    @Test
    void joinAndLeaveAtRunTimeChangeEveryLiveSessionOfTheUser() {
        Client one = plain(4);
        Client two = v1(4);
        two.frames();
        assertTrue(audiences.join(4, "ops"));
        audiences.join(4, "ops"); // twice: still once
        audiences.sendToGroup("ops", m("after join"));
        assertEquals(List.of("after join"), one.data());
        assertEquals(List.of("after join"), two.data());

        assertTrue(audiences.leave(4, "ops"));
        audiences.sendToGroup("ops", m("after leave"));
        assertEquals(List.of(), one.data());
        assertEquals(List.of(), two.data());
        assertFalse(audiences.join(99, "ops"), "a user without sessions here is not remembered");
        assertEquals(List.of(), audiences.groupsOf(99));
        assertTrue(events.contains(new GroupMembershipChanged(4, "ops", true)));
        assertTrue(events.contains(new GroupMembershipChanged(4, "ops", false)));
    }

    @Test
    void theGroupsGoWithTheUsersLastSessionAndOnlineAndOfflineAreFiredOncePerChange() {
        manager.groupResolver = (userId, principal) -> Set.of("resolved");
        Client first = plain(5);
        Client second = plain(5);
        audiences.join(5, "joined");
        manager.unregister(first.connection, GONE);
        assertEquals(List.of("joined", "resolved"), audiences.groupsOf(5), "kept while a session is left");
        manager.unregister(second.connection, GONE);
        assertEquals(List.of(), audiences.groupsOf(5));
        assertEquals(1, events.stream().filter(new UserOnline(5)::equals).count());
        assertEquals(1, events.stream().filter(new UserOffline(5)::equals).count());
        assertEquals(0, audiences.sendToGroup("joined", m("nobody")).sessions());
    }

    @Test
    void onlineAndOfflineAreFiredOnceWhenSessionsComeAndGoConcurrently() throws Exception {
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        Client client = plain(6);
                        manager.unregister(client.connection, GONE);
                    }
                } catch (Throwable e) {
                    failures.incrementAndGet();
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertEquals(0, failures.get());
        long online = events.stream().filter(new UserOnline(6)::equals).count();
        long offline = events.stream().filter(new UserOffline(6)::equals).count();
        assertEquals(online, offline, "every online has its offline");
        assertTrue(online >= 1);
        assertFalse(manager.isConnected(6));
    }

    @Test
    void sendToUsersReachesEachListedUserOnceInTheirOwnStream() {
        Client alice = v1(1);
        Client bob = plain(2);
        Client carol = plain(3);
        alice.frames();
        Delivery delivery = audiences.sendToUsers(List.of(1L, 2L, 2L, 7L), m("many"));
        assertEquals(2, delivery.sessions());
        List<JsonObject> frames = alice.frames();
        assertEquals(1, frames.size());
        assertEquals("user", frames.get(0).getString("stream"));
        assertEquals(List.of("many"), bob.data());
        assertEquals(List.of(), carol.data());
        assertThrows(IllegalArgumentException.class, () -> audiences.sendToUsers(List.of(1L, 0L), m("x")));
        assertEquals(List.of(), bob.data(), "nothing is sent when an id is bad");
    }

    @Test
    void aReconnectingSessionRecoversItsGroupStreamFromItsPosition() {
        manager.groupResolver = (userId, principal) -> Set.of("g/1");
        Client first = v1(8);
        JsonObject welcome = first.frames().get(0);
        JsonObject head = welcome.getJsonObject("groups").getJsonObject("g/1");
        String position = head.getString("epoch") + ":" + head.getInt("seq");
        audiences.sendToGroup("g/1", m("seen"));
        String seen = position(first.frames().get(0));
        manager.unregister(first.connection, GONE);
        audiences.sendToGroup("g/1", m("missed 1"));
        audiences.sendToGroup("g/1", m("missed 2"));

        Client again = new Client(8, true, Resume.parse(null, null, List.of("g/1@" + seen)));
        List<JsonObject> frames = again.frames();
        assertEquals(List.of("missed 1", "missed 2"), List.of(frames.get(0).getJsonObject("data").getString("m"),
                frames.get(1).getJsonObject("data").getString("m")));
        JsonObject welcomeAgain = frames.get(2);
        assertEquals("herald.welcome", welcomeAgain.getString("type"));
        assertTrue(welcomeAgain.getBoolean("recovered"));
        assertEquals(3, welcomeAgain.getJsonObject("groups").getJsonObject("g/1").getInt("seq"));
        audiences.sendToGroup("g/1", m("live"));
        assertEquals(4, again.frames().get(0).getInt("seq"));
        assertFalse(position.isEmpty());
    }

    @Test
    void aGroupPositionOfAnotherEpochIsNotRecovered() {
        manager.groupResolver = (userId, principal) -> Set.of("g");
        audiences.sendToGroup("g", m("held"));
        Client client = new Client(9, true, Resume.parse(null, null, List.of("g@Other:3", "bad name@E:1")));
        List<JsonObject> frames = client.frames();
        assertEquals("herald.welcome", frames.get(frames.size() - 1).getString("type"));
        assertFalse(frames.get(frames.size() - 1).getBoolean("recovered"));
        assertEquals(1, stats.get(dev.herald.stats.control.HeraldCounter.MALFORMED_POSITIONS), "the bad name is counted");
    }

    @Test
    void aTopicSubscriptionReplaysFromItsPositionThenAnswersAndLiveMessagesFollow() {
        StreamKey.Topic news = new StreamKey.Topic("news");
        Client client = v1(10);
        client.frames();
        assertEquals(Audiences.Subscription.SUBSCRIBED, audiences.subscribe(client.connection, news, null, 5));
        JsonObject subscribed = client.frames().get(0);
        assertEquals("herald.subscribed", subscribed.getString("type"));
        assertFalse(subscribed.getBoolean("recovered"));
        audiences.publish("news", m("n1"));
        String position = position(client.frames().get(0));
        manager.unregister(client.connection, GONE);
        audiences.publish("news", m("n2"));

        Client again = v1(10);
        again.frames();
        assertEquals(Audiences.Subscription.SUBSCRIBED, audiences.subscribe(again.connection, news, StreamPosition.parse(position), 5));
        List<JsonObject> frames = again.frames();
        assertEquals("n2", frames.get(0).getJsonObject("data").getString("m"));
        assertTrue(frames.get(1).getBoolean("recovered"));
        assertEquals(2, frames.get(1).getInt("seq"));
        assertEquals(1, audiences.publish("news", m("n3")).sessions());
        assertEquals(3, again.frames().get(0).getInt("seq"));
        assertEquals(Audiences.Subscription.ALREADY, audiences.subscribe(again.connection, news, null, 5));
        assertTrue(audiences.unsubscribe(again.connection, news));
        assertEquals(0, audiences.publish("news", m("n4")).sessions());
    }

    @Test
    void theTopicLimitRefusesWithoutClosingAndPresenceCountsPerNode() {
        Client a = v1(11);
        Client b = v1(12);
        for (int i = 0; i < 3; i++) {
            assertEquals(Audiences.Subscription.SUBSCRIBED, audiences.subscribe(a.connection, new StreamKey.Topic("t" + i), null, 3));
        }
        assertEquals(Audiences.Subscription.LIMIT, audiences.subscribe(a.connection, new StreamKey.Topic("t3"), null, 3));
        assertTrue(a.connection.isLive());
        audiences.subscribe(b.connection, new StreamKey.Topic("t0"), null, 3);
        Audiences.Presence presence = audiences.presence(new StreamKey.Topic("t0"), 0, 10, java.util.List.of());
        assertEquals(new Audiences.Presence(2, 2, List.of(11L, 12L)), presence);
        assertEquals(List.of(12L), audiences.presence(new StreamKey.Topic("t0"), 1, 10, java.util.List.of()).page());
        manager.unregister(a.connection, GONE);
        assertEquals(new Audiences.Presence(1, 1, List.of(12L)), audiences.presence(new StreamKey.Topic("t0"), 0, 10, java.util.List.of()));
        assertEquals(new Audiences.Presence(3, 1, List.of(5L, 12L)), audiences.presence(new StreamKey.Topic("t0"), 0, 2, List.of(5L, 12L, 40L)),
                "the other nodes' users are counted and paged with this node's, each once; sessions stay this node's");
        assertEquals(List.of(), audiences.topicsOf(a.connection), "a closed session's topics go");
        assertThrows(IllegalArgumentException.class, () -> audiences.presence(new StreamKey.Topic("t0"), 0, Audiences.MAX_PAGE + 1, java.util.List.of()));
    }

    private static String position(JsonObject message) {
        return message.getString("epoch") + ":" + message.getInt("seq");
    }
}
