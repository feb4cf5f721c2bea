package dev.herald.connections.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.recovery.control.V1Protocol;
import dev.herald.stats.control.HeraldStats;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One registered session of one user, with its single writer and its liveness clock. A registration
 * is made during the handshake, before the client can see the 101 ({@link WebSocketManager#reserve}),
 * so every message sent after that reaches it: until the session opens and {@linkplain #bind binds},
 * its sender only queues. A registration whose session never opens is dropped after
 * {@code herald.handshake.open-timeout-ms}; a session that opens after its registration was removed
 * (the user was disconnected, or the registration evicted) is closed with the removal's reason. A
 * {@code herald.v1} session also keeps, per stream, the last epoch and sequence number queued on it:
 * from its registration until its replay and welcome are queued ({@link #goLive}) sequenced messages
 * wait in a buffer, and afterwards a message at or behind that position is dropped as already sent.
 * Its monitor guards that state; it is taken after a stream's lock, never before one.
 */
public final class Connection {

    /** Told once when this connection's sender gives up on the session. */
    @FunctionalInterface
    interface Terminated {
        void accept(Connection connection, CloseReason reason, Throwable cause);
    }

    private final long userId;
    private volatile Transport transport; // written under this, once
    private CloseReason removal; // guarded by this: set once the registration left the registry
    private final long reservedNanos;
    private volatile String signIn;
    private final SessionSender sender;
    private volatile long lastSeenNanos;
    private volatile long lastPingNanos;
    private final boolean v1;
    private final String[] epochs = new String[2];
    private final long[] seqs = new long[2];
    private final Map<StreamKey, StreamPosition> named = new HashMap<>(); // guarded by this: group and topic streams
    private List<Waiting> waiting; // guarded by this; null once live
    private final Map<StreamKey, List<Waiting>> holding = new HashMap<>(); // guarded by this: topics being subscribed through the relay
    private final AtomicBoolean claimed = new AtomicBoolean();

    /** A sequenced message that arrived before the session went live. */
    private record Waiting(StreamKey stream, String epoch, long seq, OutboundMessage frame, Delivery delivery, boolean strict) {
    }

    /**
     * @param v1             true when the session negotiated {@code herald.v1}
     * @param pingPhaseNanos how much earlier than a full interval after opening the first ping is due
     *                       (random per session, so sessions opened together do not ping together)
     */
    Connection(long userId, long bufferLimit, HeraldStats stats, Terminated terminated, boolean v1, long pingPhaseNanos) {
        this.userId = userId;
        this.v1 = v1;
        this.waiting = v1 ? new ArrayList<>() : null;
        this.sender = new SessionSender(null, bufferLimit, stats, (reason, cause) -> terminated.accept(this, reason, cause));
        this.reservedNanos = System.nanoTime();
        this.lastSeenNanos = reservedNanos;
        this.lastPingNanos = lastSeenNanos - pingPhaseNanos;
    }

    /**
     * Attaches the session that opened for this registration and starts writing what was queued.
     *
     * @param transport the open session's transport (a WebSocket session or an SSE stream)
     * @return false when the registration was removed before the session opened (the caller closes
     *         the session with {@link #removal()}), or is bound to another session already
     */
    boolean bind(Transport transport) {
        synchronized (this) {
            if (removal != null || this.transport != null) {
                return false; // removed, or bound already: one registration, one session
            }
            this.transport = transport;
        }
        seen();
        sender.bind(transport);
        return true;
    }

    /**
     * Claims the registration for the one session that will bind it: a handshake's admission may reach
     * two sessions of the same user (a container that shares user properties between concurrent
     * handshakes), and only the first may use it; the other registers itself as if it had none.
     *
     * @return true for the first claim only
     */
    public boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /**
     * Marks the registration as out of the registry.
     *
     * @param reason why it was removed
     * @return true when its session had opened (so it was counted and announced as open)
     */
    synchronized boolean removed(CloseReason reason) {
        if (removal == null) {
            removal = reason;
        }
        return transport != null;
    }

    /** @return why the registration was removed, or null while it is registered */
    synchronized CloseReason removal() {
        return removal;
    }

    /** @return true once the session opened and was bound */
    boolean isBound() {
        return transport != null;
    }

    /** @return when the handshake made this registration ({@link System#nanoTime()}) */
    long reservedNanos() {
        return reservedNanos;
    }

    /** @return the id of the HTTP session the handshake was authenticated with, or null */
    String signIn() {
        return signIn;
    }

    void signIn(String httpSessionId) {
        this.signIn = httpSessionId;
    }

    /** @return the user this session belongs to */
    public long userId() {
        return userId;
    }

    /** @return true when the session negotiated {@code herald.v1} */
    public boolean isV1() {
        return v1;
    }

    /** @return the WebSocket session; null until it opened, and for a session of another transport (SSE) */
    public Session session() {
        Transport bound = transport;
        return bound == null ? null : bound.webSocket();
    }

    /** @return what the sender writes to (a WebSocket session or an SSE stream); null until it opened */
    public Transport transport() {
        return transport;
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

    /** @return true while the sender has not given up and the session is open, or still opening */
    public boolean isLive() {
        Transport open = transport;
        return !sender.isTerminated() && (open == null || open.isOpen());
    }

    /**
     * Queues a sequenced frame on this v1 session (a non-blocking offer; the caller flushes the
     * sender afterwards), or keeps it until {@link #goLive}.
     *
     * @param streamKey the stream
     * @param epoch     the stream's epoch
     * @param seq       the message's sequence number
     * @param frame     its {@code herald.message} frame
     * @param delivery  settled when written, or at once when dropped as a duplicate
     * @param strict    true for relayed messages, which must follow the last one without a gap (a group
     *                  or topic stream the session has no position of yet starts at any seq: it joined
     *                  or subscribed after its welcome)
     * @return false when a strict message shows a gap: the session must resync
     */
    synchronized boolean offerSequenced(StreamKey streamKey, String epoch, long seq, OutboundMessage frame, Delivery delivery, boolean strict) {
        List<Waiting> held = waiting != null ? waiting : holding.get(streamKey);
        if (held != null) {
            held.add(new Waiting(streamKey, epoch, seq, frame, delivery, strict));
            return true;
        }
        return offerInOrder(streamKey, epoch, seq, frame, delivery, strict);
    }

    private boolean offerInOrder(StreamKey stream, String epoch, long seq, OutboundMessage frame, Delivery delivery, boolean strict) {
        StreamPosition last = position(stream);
        if (last != null && epoch.equals(last.epoch())) {
            if (seq <= last.seq()) {
                delivery.settle(false); // replayed already
                return true;
            }
            if (strict && seq != last.seq() + 1) {
                delivery.settle(false);
                return false;
            }
        } else if (strict && seq != 1 && (last != null || !(stream instanceof StreamKey.Named))) {
            delivery.settle(false);
            return false;
        }
        position(stream, new StreamPosition(epoch, seq));
        sender.offer(frame, delivery);
        return true;
    }

    private StreamPosition position(StreamKey stream) {
        if (stream instanceof StreamKey.Named) {
            return named.get(stream);
        }
        int index = stream.isBroadcast() ? 1 : 0;
        return epochs[index] == null ? null : new StreamPosition(epochs[index], seqs[index]);
    }

    private void position(StreamKey stream, StreamPosition position) {
        if (stream instanceof StreamKey.Named) {
            named.put(stream, position);
            return;
        }
        int index = stream.isBroadcast() ? 1 : 0;
        epochs[index] = position.epoch();
        seqs[index] = position.seq();
    }

    /**
     * Keeps the stream's relayed messages until {@link #started}: a topic subscribed to through the
     * cluster's relay, whose replay is read after the subscription is registered.
     *
     * @param stream the topic stream
     */
    synchronized void hold(StreamKey.Named stream) {
        holding.putIfAbsent(stream, new ArrayList<>());
    }

    /**
     * Queues a topic's replay on this live v1 session and takes the stream's head as its position, so
     * what follows is queued once (in memory the caller holds the stream's lock; through the relay the
     * messages {@link #hold held} meanwhile follow, those in the replay dropped). The caller flushes the sender.
     *
     * @param stream the topic stream
     * @param frames the replayed frames, then the {@code herald.subscribed} frame
     * @param head   the stream's head; null when unknown
     * @return false when a held message shows a gap: the session must resync
     */
    synchronized boolean started(StreamKey.Named stream, List<OutboundMessage> frames, StreamPosition head) {
        for (OutboundMessage frame : frames) {
            sender.offer(frame, new Delivery());
        }
        if (head != null) {
            named.put(stream, head);
        }
        boolean inOrder = true;
        for (Waiting w : holding.getOrDefault(stream, List.of())) {
            inOrder &= offerInOrder(w.stream(), w.epoch(), w.seq(), w.frame(), w.delivery(), w.strict());
        }
        holding.remove(stream);
        return inOrder;
    }

    /** Forgets the position of a group or topic stream the session left, so a later join starts afresh. */
    synchronized void forget(StreamKey.Named stream) {
        named.remove(stream);
    }

    /**
     * Queues the replay and the welcome, then what arrived meanwhile and is newer than the welcome's
     * heads; from now on sequenced messages are queued directly. The caller flushes the sender.
     *
     * @param replay the replay and welcome
     * @return false when a relayed message that waited shows a gap: the session must resync
     */
    synchronized boolean goLive(Replay replay) {
        for (OutboundMessage frame : replay.frames()) {
            sender.offer(frame, new Delivery());
        }
        epochs[0] = replay.userHead().epoch();
        seqs[0] = replay.userHead().seq();
        epochs[1] = replay.broadcastHead().epoch();
        seqs[1] = replay.broadcastHead().seq();
        named.putAll(replay.groupHeads());
        List<Waiting> arrived = waiting;
        waiting = null;
        boolean inOrder = true;
        for (Waiting w : arrived == null ? List.<Waiting>of() : arrived) {
            inOrder &= offerInOrder(w.stream(), w.epoch(), w.seq(), w.frame(), w.delivery(), w.strict());
        }
        return inOrder;
    }

    @Override
    public String toString() {
        Transport open = transport;
        return "user " + userId + (open == null ? " (session opening)" : " " + open);
    }
}
