package dev.herald.connections.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.connections.entity.MessageSent;
import dev.herald.connections.entity.SessionClosed;
import dev.herald.connections.entity.SessionOpened;
import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.RecoveryConfig;
import dev.herald.stats.control.HeraldStats;
import jakarta.websocket.CloseReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WebSocketManagerTest {

    private final HeraldStats stats = new HeraldStats();
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final ConnectionsConfig config = new ConnectionsConfig(1 << 20, 10_000, 25_000, 0, 100, 3);
    private final WebSocketManager manager = new WebSocketManager(new MessageCodec(), config, new RecoveryConfig(), stats, Runnable::run, events::add);

    private FakeSession connect(long userId) {
        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        manager.connect(userId, fake.session).orElseThrow();
        return fake;
    }

    @Test
    void everySessionOfTheUserReceivesAndNoOtherUser() {
        FakeSession tab1 = connect(1);
        FakeSession tab2 = connect(1);
        FakeSession bob = connect(2);
        Delivery delivery = manager.sendMessage(1, Map.of("message", "hi"));
        assertEquals(2, delivery.sessions());
        assertEquals(2, delivery.join());
        assertEquals(List.of("{\"message\":\"hi\"}"), tab1.texts);
        assertEquals(List.of("{\"message\":\"hi\"}"), tab2.texts);
        assertTrue(bob.texts.isEmpty());
        assertEquals(0, manager.sendMessage(3, Map.of("message", "nobody")).sessions());
    }

    @Test
    void sendsFireMessageSentOnceAndRelayedMessagesNever() {
        FakeSession alice = connect(1);
        FakeSession bob = connect(2);
        events.clear();
        manager.sendMessage(1, Map.of("message", "hi"));
        manager.broadcast(Map.of("message", "all"));
        assertEquals(List.of(new MessageSent(1, "{\"message\":\"hi\"}"), new MessageSent(MessageSent.EVERYONE, "{\"message\":\"all\"}")), events);
        assertTrue(((MessageSent) events.get(1)).isBroadcast());
        events.clear();
        assertEquals(1, manager.sendPlainLocal(StreamKey.user(2), OutboundMessage.of("{\"from\":\"node b\"}")).sessions());
        assertEquals(2, manager.sendPlainLocal(StreamKey.BROADCAST, OutboundMessage.of("{\"from\":\"node c\"}")).sessions());
        assertEquals(List.of(), events, "what other nodes published is not published again");
        assertEquals(List.of("{\"message\":\"hi\"}", "{\"message\":\"all\"}", "{\"from\":\"node c\"}"), alice.texts);
        assertEquals(List.of("{\"message\":\"all\"}", "{\"from\":\"node b\"}", "{\"from\":\"node c\"}"), bob.texts);
    }

    @Test
    void broadcastReachesEveryoneAndSerializesOnce() {
        connect(1);
        connect(2);
        connect(3);
        AtomicInteger serializations = new AtomicInteger();
        Object counting = new Object() {
            public String getMessage() {
                serializations.incrementAndGet();
                return "all";
            }
        };
        assertEquals(3, manager.broadcast(counting).join());
        assertEquals(1, serializations.get(), "serialized once, not once per session");
    }

    @Test
    void aLateCloseOfAnOldSessionKeepsTheNewerOne() {
        FakeSession old = connect(1);
        FakeSession newer = connect(1);
        assertTrue(manager.disconnect(1, old.session));
        assertFalse(manager.disconnect(1, old.session), "second removal of the same session is a no-op");
        assertEquals(List.of(newer.session), manager.getConnections(1));
        assertSame(newer.session, manager.getConnection(1).orElseThrow());
        assertEquals(HeraldCloseCodes.DISCONNECTED, old.closeReason);
    }

    @Test
    void disconnectRemovesAndClosesEverySessionOfTheUser() {
        FakeSession a = connect(1);
        FakeSession b = connect(1);
        FakeSession other = connect(2);
        assertEquals(2, manager.disconnect(1));
        assertFalse(manager.isConnected(1));
        assertFalse(a.open);
        assertFalse(b.open);
        assertTrue(manager.isConnected(2));
        assertTrue(other.open);
        assertEquals(Map.of(2L, List.of(other.session)), manager.activeConnections());
    }

    @Test
    void theOldestSessionIsClosedBeyondTheLimit() {
        FakeSession first = connect(1);
        FakeSession second = connect(1);
        FakeSession third = connect(1);
        FakeSession fourth = connect(1); // limit is 3 in this test
        assertSame(HeraldCloseCodes.SESSION_LIMIT, first.closeReason);
        assertEquals(List.of(second.session, third.session, fourth.session), manager.getConnections(1));
        assertEquals(3, stats.openSessions());
        assertTrue(events.contains(new SessionClosed(1, first.id, 4006, "session limit")));
    }

    @Test
    void aTargetedSendToUserZeroIsRefusedNeverBroadcast() {
        FakeSession alice = connect(1);
        FakeSession bob = connect(2);
        assertThrows(IllegalArgumentException.class, () -> manager.sendMessage(0, Map.of("message", "secret")));
        assertThrows(IllegalArgumentException.class, () -> manager.sendMessage(-5, Map.of("message", "secret")));
        assertTrue(alice.texts.isEmpty(), "user 0 is the broadcast stream's key: nobody may get a targeted message for it");
        assertTrue(bob.texts.isEmpty());
    }

    @Test
    void aSessionTheContainerClosedIsNotCountedAsLive() {
        FakeSession fake = connect(1);
        fake.open = false;
        assertFalse(manager.isConnected(1));
        assertEquals(0, manager.sendMessage(1, Map.of("message", "x")).sessions());
        manager.sweep(System.nanoTime());
        assertEquals(0, stats.openSessions(), "the sweep forgets sessions the container lost");
    }

    @Test
    void silentSessionsAreDroppedAndOthersPinged() {
        FakeSession silent = connect(1);
        FakeSession chatty = connect(2);
        long now = System.nanoTime();
        manager.sweep(now + TimeUnit.MILLISECONDS.toNanos(25_001));
        assertEquals(1, silent.pings.get());
        assertEquals(1, chatty.pings.get());
        manager.connectionsOf(2).forEach(c -> c.seen(now + TimeUnit.MILLISECONDS.toNanos(30_000))); // chatty answers
        manager.sweep(now + TimeUnit.MILLISECONDS.toNanos(51_000));
        assertSame(HeraldCloseCodes.HEARTBEAT_TIMEOUT, silent.closeReason);
        assertFalse(manager.isConnected(1));
        assertTrue(manager.isConnected(2));
    }

    @Test
    void sessionsOpenedTogetherPingSpreadOverTheIntervalEachOncePerInterval() {
        List<FakeSession> fakes = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            fakes.add(connect(100 + i));
        }
        long start = System.nanoTime();
        int busiest = 0;
        int total = 0;
        for (int second = 1; second <= 25; second++) { // one heartbeat interval, swept once a second
            fakes.forEach(f -> f.pings.set(0));
            manager.sweep(start + TimeUnit.SECONDS.toNanos(second));
            int pinged = fakes.stream().mapToInt(f -> f.pings.get()).sum();
            busiest = Math.max(busiest, pinged);
            total += pinged;
        }
        assertEquals(2_500, total, "every session is pinged once in the interval");
        assertTrue(busiest < 250, "no burst: at most ~1/25 of the sessions per tick (2.5x slack), was " + busiest);
    }

    @Test
    void aWriteRunningPastTheTimeLimitClosesOnlyThatSession() {
        FakeSession stuck = connect(1);
        stuck.mode = FakeSession.Mode.MANUAL;
        FakeSession healthy = connect(2);
        manager.broadcast(Map.of("n", 1));
        manager.sweep(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10_001));
        assertSame(HeraldCloseCodes.SLOW_CONSUMER, stuck.closeReason);
        assertEquals(1, stats.slowConsumerCloses());
        assertTrue(healthy.open);
        assertEquals(1, manager.sendMessage(2, Map.of("n", 2)).join());
    }

    @Test
    void eventsAreFiredForOpenAndClose() {
        FakeSession fake = connect(7);
        manager.connectionsOf(7).forEach(c -> manager.unregister(c, new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "tab closed")));
        assertEquals(List.of(new SessionOpened(7, fake.id), new SessionClosed(7, fake.id, 1001, "tab closed")),
                events.stream().filter(e -> e instanceof SessionOpened || e instanceof SessionClosed).toList());
    }

    @Test
    void churnOnManyThreadsEndsWithNothingRegistered() throws Exception {
        WebSocketManager roomy = new WebSocketManager(new MessageCodec(), new ConnectionsConfig(1 << 20, 10_000, 25_000, 0, 100, 1000), new RecoveryConfig(),
                stats, Runnable::run, e -> { });
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
                    Connection c = roomy.connect(1 + i % 5, fake.session).orElseThrow();
                    roomy.sendMessage(1 + i % 5, Map.of("t", thread));
                    roomy.unregister(c, new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, ""));
                }
            });
            worker.start();
            threads.add(worker);
        }
        for (Thread worker : threads) {
            worker.join();
        }
        assertEquals(0, roomy.connectedUsers());
        assertEquals(0, stats.openSessions());
        assertEquals(0, stats.queuedBytes());
        assertEquals(16_000, stats.snapshot(0).getJsonNumber("sessionsOpened").longValue());
        assertEquals(16_000, stats.snapshot(0).getJsonNumber("sessionsClosed").longValue());
    }

    @Test
    void shutdownClosesEverySessionWithGoingAwayAndRefusesNewOnes() {
        FakeSession a = connect(1);
        FakeSession b = connect(2);
        manager.shutdown();
        assertSame(HeraldCloseCodes.GOING_AWAY, a.closeReason);
        assertSame(HeraldCloseCodes.GOING_AWAY, b.closeReason);
        FakeSession late = new FakeSession(FakeSession.Mode.INLINE);
        assertTrue(manager.connect(3, late.session).isEmpty());
        assertSame(HeraldCloseCodes.GOING_AWAY, late.closeReason);
        assertEquals(0, stats.openSessions());
    }

    @Test
    void shutdownFlushesQueuesBeforeClosing() throws Exception {
        // a drain far longer than the test: it ends because the queues are written, not by its deadline
        WebSocketManager draining = new WebSocketManager(new MessageCodec(), new ConnectionsConfig(1 << 20, 10_000, 25_000, 0, 30_000, 3), new RecoveryConfig(),
                stats, Runnable::run, e -> { });
        FakeSession slow = new FakeSession(FakeSession.Mode.MANUAL);
        draining.connect(1, slow.session).orElseThrow();
        draining.sendMessage(1, Map.of("n", 1));
        draining.sendMessage(1, Map.of("n", 2));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Thread completer = new Thread(() -> { // the client reads only once the drain has begun
            while (!draining.isStopping() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            int written = 0;
            while (written < 2 && System.nanoTime() < deadline) {
                if (slow.completeOne()) {
                    written++;
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        completer.start();
        draining.shutdown();
        completer.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(completer.isAlive());
        assertEquals(2, slow.texts.size(), "both queued messages were written before the close");
        assertSame(HeraldCloseCodes.GOING_AWAY, slow.closeReason);
    }

    @Test
    void unserializableMessagesFailFast() {
        connect(1);
        assertThrows(IllegalArgumentException.class, () -> manager.sendMessage(1, null));
    }
}
