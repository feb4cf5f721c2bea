package dev.herald.connections.control;

import dev.herald.stats.control.HeraldStats;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

/**
 * One registered session of one user, with its single writer and its liveness clock.
 */
public final class Connection {

    /** Told once when this connection's sender gives up on the session. */
    @FunctionalInterface
    interface Terminated {
        void accept(Connection connection, CloseReason reason, Throwable cause);
    }

    private final long userId;
    private final Session session;
    private final SessionSender sender;
    private volatile long lastSeenNanos;
    private volatile long lastPingNanos;

    /**
     * @param pingPhaseNanos how much earlier than a full interval after opening the first ping is due
     *                       (random per session, so sessions opened together do not ping together)
     */
    Connection(long userId, Session session, long bufferLimit, HeraldStats stats, Terminated terminated, long pingPhaseNanos) {
        this.userId = userId;
        this.session = session;
        this.sender = new SessionSender(session.getAsyncRemote(), bufferLimit, stats,
                (reason, cause) -> terminated.accept(this, reason, cause));
        this.lastSeenNanos = System.nanoTime();
        this.lastPingNanos = lastSeenNanos - pingPhaseNanos;
    }

    /** @return the user this session belongs to */
    public long userId() {
        return userId;
    }

    /** @return the WebSocket session */
    public Session session() {
        return session;
    }

    /** @return the session's single writer */
    public SessionSender sender() {
        return sender;
    }

    /** Records that the client showed it is alive (a pong or any inbound frame). */
    public void seen() {
        seen(System.nanoTime());
    }

    void seen(long nowNanos) {
        lastSeenNanos = nowNanos;
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    long lastPingNanos() {
        return lastPingNanos;
    }

    void pinged(long nowNanos) {
        lastPingNanos = nowNanos;
    }

    /** @return true while the session is open and its sender has not given up */
    public boolean isLive() {
        return !sender.isTerminated() && session.isOpen();
    }

    @Override
    public String toString() {
        return "user " + userId + " session " + session.getId();
    }
}
