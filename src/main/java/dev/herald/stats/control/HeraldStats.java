package dev.herald.stats.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Herald's counters. Lock-free: {@link LongAdder}s on the hot paths, one {@link AtomicLong} for the
 * queued-bytes gauge and its high-water mark.
 */
@ApplicationScoped
public class HeraldStats {

    private final AtomicLong openSessions = new AtomicLong();
    private final LongAdder sessionsOpened = new LongAdder();
    private final LongAdder sessionsClosed = new LongAdder();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder slowConsumerCloses = new LongAdder();
    private final LongAdder heartbeatCloses = new LongAdder();
    private final LongAdder sessionLimitCloses = new LongAdder();
    private final LongAdder malformedInbound = new LongAdder();
    private final LongAdder rejectedHandshakes = new LongAdder();
    private final LongAdder originRejections = new LongAdder();
    private final LongAdder ticketsIssued = new LongAdder();
    private final LongAdder ticketRejections = new LongAdder();
    private final LongAdder crossSiteRejections = new LongAdder();
    private final LongAdder nonJsonRejections = new LongAdder();
    private final LongAdder ticketsRefused = new LongAdder();
    private final LongAdder inboundTooBig = new LongAdder();
    private final LongAdder inboundBinary = new LongAdder();
    private final LongAdder inboundRateLimited = new LongAdder();
    private final LongAdder inboundErrors = new LongAdder();
    private final LongAdder clusterPublished = new LongAdder();
    private final LongAdder clusterPublishFailures = new LongAdder();
    private final LongAdder clusterReceived = new LongAdder();
    private final LongAdder clusterMalformed = new LongAdder();
    private final LongAdder presenceFallbacks = new LongAdder();
    private final LongAdder redisOutages = new LongAdder();
    private final LongAdder redisErrors = new LongAdder();
    private final LongAdder redisSkipped = new LongAdder();
    private final LongAdder recoveriesRequested = new LongAdder();
    private final LongAdder recoveriesComplete = new LongAdder();
    private final LongAdder recoveriesIncomplete = new LongAdder();
    private final LongAdder replayedMessages = new LongAdder();
    private final LongAdder malformedPositions = new LongAdder();
    private final LongAdder resyncs = new LongAdder();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong queuedBytesHighWater = new AtomicLong();

    /** Creates zeroed counters. */
    public HeraldStats() {
    }

    /** A session was registered. */
    public void sessionOpened() {
        sessionsOpened.increment();
        openSessions.incrementAndGet();
    }

    /** A registered session was removed. */
    public void sessionClosed() {
        sessionsClosed.increment();
        openSessions.decrementAndGet();
    }

    /**
     * One frame was written.
     *
     * @param bytes its size in UTF-8 bytes
     */
    public void sent(int bytes) {
        messagesSent.increment();
        bytesSent.add(bytes);
    }

    /** A write failed or threw. */
    public void sendFailed() {
        sendFailures.increment();
    }

    /** A session was closed for exceeding the send buffer or send time limit. */
    public void slowConsumerClosed() {
        slowConsumerCloses.increment();
    }

    /** A session was closed because it stopped answering pings. */
    public void heartbeatClosed() {
        heartbeatCloses.increment();
    }

    /** A user's oldest session was closed to make room for a new one. */
    public void sessionLimitClosed() {
        sessionLimitCloses.increment();
    }

    /** An inbound frame was not valid JSON. */
    public void malformedInbound() {
        malformedInbound.increment();
    }

    /** A handshake was refused or closed at once (no identity, shutting down). */
    public void handshakeRejected() {
        rejectedHandshakes.increment();
    }

    /** A handshake was refused for its Origin (also counted as a rejected handshake). */
    public void originRejected() {
        originRejections.increment();
        rejectedHandshakes.increment();
    }

    /** A connect ticket was issued. */
    public void ticketIssued() {
        ticketsIssued.increment();
    }

    /** A connect ticket was refused by the per-user issuance limits (HTTP 429). */
    public void ticketRefused() {
        ticketsRefused.increment();
    }

    /** A handshake's ticket was unknown, expired or replayed (also counted as a rejected handshake). */
    public void ticketRejected() {
        ticketRejections.increment();
        rejectedHandshakes.increment();
    }

    /** A state-changing REST call was refused as cross-site (403). */
    public void crossSiteRejected() {
        crossSiteRejections.increment();
    }

    /** A REST call was refused for a body that is not declared {@code application/json} (415). */
    public void nonJsonRejected() {
        nonJsonRejections.increment();
    }

    /** A session was closed with 1009 for a text message over the inbound size limit. */
    public void inboundTooBig() {
        inboundTooBig.increment();
    }

    /** A session was closed with 1003 for sending a binary frame. */
    public void inboundBinary() {
        inboundBinary.increment();
    }

    /** A session was closed with 1008 for exceeding the inbound frame rate. */
    public void inboundRateLimited() {
        inboundRateLimited.increment();
    }

    /** The container reported a broken inbound stream (protocol error, invalid UTF-8, transport failure). */
    public void inboundError() {
        inboundErrors.increment();
    }

    /** A message was published to the other cluster nodes. */
    public void clusterPublished() {
        clusterPublished.increment();
    }

    /** A message could not be published to the other cluster nodes (Redis failed, or is down and was skipped). */
    public void clusterPublishFailed() {
        clusterPublishFailures.increment();
    }

    /** A message published by another node was delivered to this node's sessions. */
    public void clusterReceived() {
        clusterReceived.increment();
    }

    /** Something on Herald's Redis channel was not a Herald envelope. */
    public void clusterMalformed() {
        clusterMalformed.increment();
    }

    /** A presence check could not reach Redis and counted this node's sessions only. */
    public void presenceFallback() {
        presenceFallbacks.increment();
    }

    /** Redis became unreachable (once per outage). */
    public void redisOutage() {
        redisOutages.increment();
    }

    /** A Redis call failed. */
    public void redisError() {
        redisErrors.increment();
    }

    /** A Redis call was not made because Redis is known to be down (the caller did not wait). */
    public void redisSkipped() {
        redisSkipped.increment();
    }

    /**
     * A {@code herald.v1} session went live.
     *
     * @param requested true when it gave at least one position
     * @param recovered true when everything after its positions was replayed
     * @param replayed  messages replayed to it
     */
    public void recovery(boolean requested, boolean recovered, int replayed) {
        if (requested) {
            recoveriesRequested.increment();
            (recovered ? recoveriesComplete : recoveriesIncomplete).increment();
        }
        replayedMessages.add(replayed);
    }

    /** A {@code since} or {@code bsince} parameter was not {@code <epoch>:<seq>}. */
    public void malformedPosition() {
        malformedPositions.increment();
    }

    /** A {@code herald.v1} session of a cluster node missed relayed messages and was closed to resync. */
    public void resync() {
        resyncs.increment();
    }

    /** @return recoveries asked for (v1 sessions that gave a position) since start */
    public long recoveriesRequested() {
        return recoveriesRequested.sum();
    }

    /**
     * Moves the queued-bytes gauge.
     *
     * @param delta bytes added to (positive) or removed from (negative) the send queues
     */
    public void queued(long delta) {
        long now = queuedBytes.addAndGet(delta);
        if (delta > 0 && now > queuedBytesHighWater.get()) {
            queuedBytesHighWater.accumulateAndGet(now, Math::max);
        }
    }

    /** @return sessions registered now */
    public long openSessions() {
        return openSessions.get();
    }

    /** @return frames written since start */
    public long messagesSent() {
        return messagesSent.sum();
    }

    /** @return sessions closed as slow consumers since start */
    public long slowConsumerCloses() {
        return slowConsumerCloses.sum();
    }

    /** @return bytes waiting in send queues now */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /**
     * A snapshot of every counter, as served by {@code GET /api/stats}.
     *
     * @param connectedUsers users with at least one registered session
     * @return the counters as JSON
     */
    public JsonObject snapshot(int connectedUsers) {
        return Json.createObjectBuilder()
                .add("openSessions", openSessions.get())
                .add("connectedUsers", connectedUsers)
                .add("sessionsOpened", sessionsOpened.sum())
                .add("sessionsClosed", sessionsClosed.sum())
                .add("messagesSent", messagesSent.sum())
                .add("bytesSent", bytesSent.sum())
                .add("sendFailures", sendFailures.sum())
                .add("slowConsumerCloses", slowConsumerCloses.sum())
                .add("heartbeatCloses", heartbeatCloses.sum())
                .add("sessionLimitCloses", sessionLimitCloses.sum())
                .add("malformedInbound", malformedInbound.sum())
                .add("rejectedHandshakes", rejectedHandshakes.sum())
                .add("originRejections", originRejections.sum())
                .add("crossSiteRejections", crossSiteRejections.sum())
                .add("nonJsonRejections", nonJsonRejections.sum())
                .add("ticketsIssued", ticketsIssued.sum())
                .add("ticketRejections", ticketRejections.sum())
                .add("ticketsRefused", ticketsRefused.sum())
                .add("inboundTooBig", inboundTooBig.sum())
                .add("inboundBinary", inboundBinary.sum())
                .add("inboundRateLimited", inboundRateLimited.sum())
                .add("inboundErrors", inboundErrors.sum())
                .add("clusterPublished", clusterPublished.sum())
                .add("clusterPublishFailures", clusterPublishFailures.sum())
                .add("clusterReceived", clusterReceived.sum())
                .add("clusterMalformed", clusterMalformed.sum())
                .add("presenceFallbacks", presenceFallbacks.sum())
                .add("redisOutages", redisOutages.sum())
                .add("redisErrors", redisErrors.sum())
                .add("redisSkipped", redisSkipped.sum())
                .add("recoveriesRequested", recoveriesRequested.sum())
                .add("recoveriesComplete", recoveriesComplete.sum())
                .add("recoveriesIncomplete", recoveriesIncomplete.sum())
                .add("replayedMessages", replayedMessages.sum())
                .add("malformedPositions", malformedPositions.sum())
                .add("resyncs", resyncs.sum())
                .add("queuedBytes", queuedBytes.get())
                .add("queuedBytesHighWater", queuedBytesHighWater.get())
                .build();
    }
}
