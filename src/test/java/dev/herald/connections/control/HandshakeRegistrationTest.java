package dev.herald.connections.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.connections.entity.DisconnectRequested;
import dev.herald.connections.entity.SessionClosed;
import dev.herald.connections.entity.SessionOpened;
import dev.herald.recovery.control.RecoveryConfig;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.stats.control.HeraldCounter;
import dev.herald.stats.control.HeraldStats;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A handshake registers its session before the 101 ({@code reserve}); the session binds when it opens. */
class HandshakeRegistrationTest {

    private final HeraldStats stats = new HeraldStats();
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final ConnectionsConfig config = new ConnectionsConfig(1 << 20, 10_000, 25_000, 0, 100, 3);
    private final WebSocketManager manager = new WebSocketManager(new MessageCodec(), config, new RecoveryConfig(), stats, Runnable::run, events::add);

    private Connection reserve(long userId) {
        return manager.reserve(userId, false, null, null).orElseThrow();
    }

    @Test
    void messagesSentBetweenTheHandshakeAndOpenArriveFirstInOrder() {
        Connection pending = reserve(1);
        assertTrue(manager.isConnected(1), "counted from the handshake on: the MFA check sees it");
        assertEquals(1, manager.liveSessions(1));
        assertEquals(1, manager.sendMessage(1, Map.of("n", 1)).sessions());
        assertEquals(1, manager.broadcast(Map.of("n", 2)).sessions());
        assertTrue(manager.getConnection(1).isEmpty(), "no Session to hand out before it opened");
        assertEquals(0, stats.openSessions());

        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        assertTrue(manager.bind(pending, fake.session));
        manager.sendMessage(1, Map.of("n", 3));
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), fake.texts);
        assertEquals(1, stats.openSessions());
        assertEquals(List.of(new SessionOpened(1, fake.id)), events.stream().filter(SessionOpened.class::isInstance).toList());
    }

    /** A transport that is no WebSocket (as an SSE stream): writes through a fake session, hands out no {@code Session}. */
    private static Transport notAWebSocket(FakeSession fake) {
        WebSocketTransport inner = new WebSocketTransport(fake.session);
        return new Transport() {
            @Override public String id() { return inner.id(); }
            @Override public boolean isOpen() { return inner.isOpen(); }
            @Override public void sendText(String text, jakarta.websocket.SendHandler done) { inner.sendText(text, done); }
            @Override public void sendPing(java.nio.ByteBuffer probe) throws java.io.IOException { inner.sendPing(probe); }
            @Override public void close(jakarta.websocket.CloseReason reason) throws java.io.IOException { inner.close(reason); }
            @Override public jakarta.websocket.Session webSocket() { return null; }
        };
    }

    @Test
    void aSessionOfAnotherTransportCountsEverywhereButIsNoWebSocketSession() {
        FakeSession sse = new FakeSession(FakeSession.Mode.INLINE);
        assertTrue(manager.bind(reserve(4), notAWebSocket(sse)));
        FakeSession ws = new FakeSession(FakeSession.Mode.INLINE);
        assertTrue(manager.bind(reserve(4), ws.session));
        assertEquals(2, manager.liveSessions(4), "presence, the session limit and the MFA check count both");
        assertEquals(Map.of(4L, 2), manager.liveSessionCounts());
        assertEquals(2, manager.sendMessage(4, Map.of("n", 1)).sessions());
        assertEquals(2, manager.broadcast(Map.of("n", 2)).sessions());
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), sse.texts);
        assertEquals(List.of(ws.session), manager.getConnections(4), "the seed's API hands out WebSocket sessions only");
        assertEquals(Map.of(4L, List.of(ws.session)), manager.activeConnections());
        assertSame(ws.session, manager.getConnection(4).orElseThrow());

        manager.bind(reserve(4), new WebSocketTransport(new FakeSession(FakeSession.Mode.INLINE).session));
        manager.bind(reserve(4), new WebSocketTransport(new FakeSession(FakeSession.Mode.INLINE).session));
        assertSame(HeraldCloseCodes.SESSION_LIMIT, sse.closeReason, "the oldest session goes beyond the limit, whatever its transport");
        assertEquals(3, manager.liveSessions(4));
    }

    @Test
    void aHandshakeThatNeverOpensClosesNoOpenedSession() {
        List<FakeSession> tabs = List.of(new FakeSession(FakeSession.Mode.INLINE), new FakeSession(FakeSession.Mode.INLINE),
                new FakeSession(FakeSession.Mode.INLINE));
        for (FakeSession tab : tabs) {
            assertTrue(manager.bind(reserve(5), tab.session));
        }
        Connection abandoned = reserve(5); // an upgrade the client gave up on: registered, never opened (limit 3)
        assertTrue(tabs.stream().allMatch(tab -> tab.closeReason == null), "the limit counts opened sessions");
        FakeSession retry = new FakeSession(FakeSession.Mode.INLINE);
        assertTrue(manager.bind(reserve(5), retry.session));
        assertSame(HeraldCloseCodes.SESSION_LIMIT, tabs.get(0).closeReason, "the session that opened closes the oldest");
        assertTrue(tabs.get(1).closeReason == null && tabs.get(2).closeReason == null, "and only the oldest");
        assertEquals(1, stats.get(HeraldCounter.SESSION_LIMIT_CLOSES));
        assertEquals(null, abandoned.removal(), "the abandoned registration waits for its open timeout");
    }

    @Test
    void registrationsThatNeverOpenAreCappedByTheLimitToo() {
        Connection first = reserve(6);
        reserve(6);
        reserve(6);
        FakeSession opened = new FakeSession(FakeSession.Mode.INLINE);
        assertTrue(manager.bind(reserve(6), opened.session), "the fourth unopened registration pushes out the first");
        assertSame(HeraldCloseCodes.SESSION_LIMIT, first.removal());
        assertFalse(manager.bind(first, new FakeSession(FakeSession.Mode.INLINE).session), "its session is closed when it opens");
        assertEquals(3, manager.liveSessions(6), "two unopened and the opened one stay");
    }

    @Test
    void aV1RegistrationGetsItsWelcomeBeforeWhatWasSentMeanwhile() {
        manager.sendMessage(2, Map.of("n", 1));
        Connection pending = manager.reserve(2, true, new StreamPosition("nope", 0), null).orElseThrow();
        manager.sendMessage(2, Map.of("n", 2));
        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        manager.bind(pending, fake.session);
        assertEquals(3, fake.texts.size(), fake.texts.toString());
        assertTrue(fake.texts.get(0).contains("\"seq\":1,\"data\":{\"n\":1}"), fake.texts.get(0));
        assertTrue(fake.texts.get(1).startsWith("{\"type\":\"herald.welcome\""), fake.texts.get(1));
        assertTrue(fake.texts.get(2).contains("\"seq\":2,\"data\":{\"n\":2}"), fake.texts.get(2));
    }

    @Test
    void aRegistrationWhoseSessionNeverOpensIsDroppedAfterTheOpenTimeout() {
        Connection pending = reserve(3);
        manager.sweep(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.openTimeoutMs() - 1000));
        assertTrue(manager.isConnected(3), "still within the open timeout");
        manager.sweep(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.openTimeoutMs() + 1));
        assertFalse(manager.isConnected(3));
        assertEquals(0, manager.connectedUsers());
        assertEquals(0, stats.openSessions(), "never opened, never counted");

        FakeSession late = new FakeSession(FakeSession.Mode.INLINE);
        assertFalse(manager.bind(pending, late.session));
        assertSame(HeraldCloseCodes.OPEN_TIMEOUT, late.closeReason);
        assertTrue(events.stream().noneMatch(e -> e instanceof SessionOpened || e instanceof SessionClosed));
    }

    @Test
    void aUserDisconnectedDuringTheHandshakeHasTheSessionClosedWhenItOpens() {
        Connection pending = reserve(4);
        assertEquals(1, manager.disconnect(4));
        assertFalse(manager.isConnected(4));
        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        assertFalse(manager.bind(pending, fake.session));
        assertSame(HeraldCloseCodes.DISCONNECTED, fake.closeReason);
        assertTrue(fake.texts.isEmpty());
    }

    @Test
    void disconnectAsksTheOtherNodesAndDisconnectLocalDoesNot() {
        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        manager.connect(5, fake.session).orElseThrow();
        manager.disconnectLocal(5);
        assertSame(HeraldCloseCodes.DISCONNECTED, fake.closeReason);
        assertTrue(events.stream().noneMatch(DisconnectRequested.class::isInstance));
        manager.disconnect(5);
        assertEquals(List.of(new DisconnectRequested(5)), events.stream().filter(DisconnectRequested.class::isInstance).toList());
    }

    @Test
    void theEndOfTheHttpSignInClosesOnlyItsSessionsWithSignedOut() {
        Connection tied = reserve(6);
        manager.tieToSignIn(tied, "http-1");
        FakeSession signedIn = new FakeSession(FakeSession.Mode.INLINE);
        manager.bind(tied, signedIn.session);
        FakeSession other = new FakeSession(FakeSession.Mode.INLINE);
        manager.connect(6, other.session).orElseThrow();

        manager.signInRenamed("http-1", "http-2"); // session fixation protection at login
        assertEquals(0, manager.signedOut("http-1"));
        assertEquals(1, manager.signedOut("http-2"));
        assertSame(HeraldCloseCodes.SIGNED_OUT, signedIn.closeReason);
        assertEquals(4002, signedIn.closeReason.getCloseCode().getCode());
        assertTrue(other.open, "a session not opened under that sign-in stays");
        assertEquals(1, manager.liveSessions(6));
    }

    @Test
    void aSignInWhoseSessionsAllClosedIsForgotten() {
        Connection tied = reserve(7);
        manager.tieToSignIn(tied, "http-3");
        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        manager.bind(tied, fake.session);
        manager.disconnect(7, fake.session);
        assertEquals(0, manager.signedOut("http-3"), "nothing left to close, nothing kept");
    }

    /** Two sessions that got the same admission (same user): the first binds it, the other registers itself. */
    @Test
    void aRegistrationIsClaimedAndBoundByOneSessionOnly() {
        Connection shared = reserve(8);
        assertTrue(shared.claim());
        assertFalse(shared.claim(), "the second session falls back to its own registration");
        FakeSession first = new FakeSession(FakeSession.Mode.INLINE);
        FakeSession second = new FakeSession(FakeSession.Mode.INLINE);
        assertTrue(manager.bind(shared, first.session));
        assertFalse(manager.bind(shared, second.session), "never two sessions on one registration");
        assertSame(first.session, shared.session());
        assertTrue(first.open);
        assertFalse(second.open);
        FakeSession fallback = new FakeSession(FakeSession.Mode.INLINE); // what the endpoint does without an admission
        Connection own = manager.connect(8, fallback.session).orElseThrow();
        assertEquals(2, manager.sendMessage(8, Map.of("n", 1)).sessions(), "each session on its own registration");
        assertEquals(List.of(first.session, fallback.session), manager.getConnections(8));
        assertSame(fallback.session, own.session());
        assertEquals(2, stats.openSessions());
    }
}
