package dev.herald.stats.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Herald's counters ({@link HeraldCounter}, one {@link LongAdder} each) and the gauges it keeps itself
 * (open sessions, queued bytes and their high-water mark, one {@link AtomicLong} each). Lock-free.
 * {@link Readings} lists them for {@code GET /api/stats} and the metrics registry alike.
 */
@ApplicationScoped
public class HeraldStats {

    private static final LongConsumer NO_LATENCY = nanos -> { };

    private final LongAdder[] counters = new LongAdder[HeraldCounter.values().length];
    private final AtomicLong openSessions = new AtomicLong();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong queuedBytesHighWater = new AtomicLong();
    private volatile LongConsumer sendLatency = NO_LATENCY;

    /** Creates zeroed counters. */
    public HeraldStats() {
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
    }

    private void count(HeraldCounter counter) {
        counters[counter.ordinal()].increment();
    }

    /**
     * @param counter a counter
     * @return its value now
     */
    public long get(HeraldCounter counter) {
        return counters[counter.ordinal()].sum();
    }

    /**
     * Where send latencies go from now on (the metrics registry's histogram); none by default.
     *
     * @param sink takes each written message's nanoseconds from queued to written; null for none
     */
    public void recordSendLatency(LongConsumer sink) {
        sendLatency = sink == null ? NO_LATENCY : sink;
    }

    /** A session was registered. */
    public void sessionOpened() {
        count(HeraldCounter.SESSIONS_OPENED);
        openSessions.incrementAndGet();
    }

    /** A registered session was removed. */
    public void sessionClosed() {
        count(HeraldCounter.SESSIONS_CLOSED);
        openSessions.decrementAndGet();
    }

    /**
     * One frame was written.
     *
     * @param bytes        its size in UTF-8 bytes
     * @param latencyNanos how long it waited from being queued until its write completed
     */
    public void sent(int bytes, long latencyNanos) {
        count(HeraldCounter.MESSAGES_SENT);
        counters[HeraldCounter.BYTES_SENT.ordinal()].add(bytes);
        sendLatency.accept(latencyNanos);
    }

    /** A write failed or threw. */
    public void sendFailed() {
        count(HeraldCounter.SEND_FAILURES);
    }

    /** A session was closed for exceeding the send buffer or send time limit. */
    public void slowConsumerClosed() {
        count(HeraldCounter.SLOW_CONSUMER_CLOSES);
    }

    /** A session was closed because it stopped answering pings. */
    public void heartbeatClosed() {
        count(HeraldCounter.HEARTBEAT_CLOSES);
    }

    /** A user's oldest session was closed to make room for a new one. */
    public void sessionLimitClosed() {
        count(HeraldCounter.SESSION_LIMIT_CLOSES);
    }

    /** An inbound frame was not valid JSON. */
    public void malformedInbound() {
        count(HeraldCounter.MALFORMED_INBOUND);
    }

    /** A handshake was refused or closed at once (no identity, shutting down). */
    public void handshakeRejected() {
        count(HeraldCounter.REJECTED_HANDSHAKES);
    }

    /** A handshake was refused for its Origin (also counted as a rejected handshake). */
    public void originRejected() {
        count(HeraldCounter.ORIGIN_REJECTIONS);
        count(HeraldCounter.REJECTED_HANDSHAKES);
    }

    /** A connect ticket was issued. */
    public void ticketIssued() {
        count(HeraldCounter.TICKETS_ISSUED);
    }

    /** A connect ticket was refused by the per-user issuance limits (HTTP 429). */
    public void ticketRefused() {
        count(HeraldCounter.TICKETS_REFUSED);
    }

    /** A handshake's ticket was unknown, expired or replayed (also counted as a rejected handshake). */
    public void ticketRejected() {
        count(HeraldCounter.TICKET_REJECTIONS);
        count(HeraldCounter.REJECTED_HANDSHAKES);
    }

    /** A state-changing REST call was refused as cross-site (403). */
    public void crossSiteRejected() {
        count(HeraldCounter.CROSS_SITE_REJECTIONS);
    }

    /** A REST call was refused for a body that is not declared {@code application/json} (415). */
    public void nonJsonRejected() {
        count(HeraldCounter.NON_JSON_REJECTIONS);
    }

    /** A session was closed with 1009 for a text message over the inbound size limit. */
    public void inboundTooBig() {
        count(HeraldCounter.INBOUND_TOO_BIG);
    }

    /** A session was closed with 1003 for sending a binary frame. */
    public void inboundBinary() {
        count(HeraldCounter.INBOUND_BINARY);
    }

    /** A session was closed with 1008 for exceeding the inbound frame rate. */
    public void inboundRateLimited() {
        count(HeraldCounter.INBOUND_RATE_LIMITED);
    }

    /** The container reported a broken inbound stream (protocol error, invalid UTF-8, transport failure). */
    public void inboundError() {
        count(HeraldCounter.INBOUND_ERRORS);
    }

    /** A message was published to the other cluster nodes. */
    public void clusterPublished() {
        count(HeraldCounter.CLUSTER_PUBLISHED);
    }

    /** A message could not be published to the other cluster nodes (Redis failed, or is down and was skipped). */
    public void clusterPublishFailed() {
        count(HeraldCounter.CLUSTER_PUBLISH_FAILURES);
    }

    /** A message published by another node was delivered to this node's sessions. */
    public void clusterReceived() {
        count(HeraldCounter.CLUSTER_RECEIVED);
    }

    /** A message posted for an SSE stream of another node was passed on to it. */
    public void sseForwarded() {
        count(HeraldCounter.SSE_FORWARDED);
    }

    /** Something on Herald's Redis channel was not a Herald envelope. */
    public void clusterMalformed() {
        count(HeraldCounter.CLUSTER_MALFORMED);
    }

    /** A presence check could not reach Redis and counted this node's sessions only. */
    public void presenceFallback() {
        count(HeraldCounter.PRESENCE_FALLBACKS);
    }

    /** Redis became unreachable (once per outage). */
    public void redisOutage() {
        count(HeraldCounter.REDIS_OUTAGES);
    }

    /** A Redis call failed. */
    public void redisError() {
        count(HeraldCounter.REDIS_ERRORS);
    }

    /** A Redis call was not made because Redis is known to be down (the caller did not wait). */
    public void redisSkipped() {
        count(HeraldCounter.REDIS_SKIPPED);
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
            count(HeraldCounter.RECOVERIES_REQUESTED);
            count(recovered ? HeraldCounter.RECOVERIES_COMPLETE : HeraldCounter.RECOVERIES_INCOMPLETE);
        }
        counters[HeraldCounter.REPLAYED_MESSAGES.ordinal()].add(replayed);
    }

    /** A {@code since} or {@code bsince} parameter was not {@code <epoch>:<seq>}. */
    public void malformedPosition() {
        count(HeraldCounter.MALFORMED_POSITIONS);
    }

    /** A {@code herald.v1} session of a cluster node missed relayed messages and was closed to resync. */
    public void resync() {
        count(HeraldCounter.RESYNCS);
    }

    /** A {@code herald.subscribe} frame subscribed its session to a topic. */
    public void topicSubscribed() {
        count(HeraldCounter.TOPIC_SUBSCRIPTIONS);
    }

    /** A {@code herald.subscribe} frame was refused (and answered). */
    public void topicRefused() {
        count(HeraldCounter.TOPIC_REFUSALS);
    }

    /** @return recoveries asked for (v1 sessions that gave a position) since start */
    public long recoveriesRequested() {
        return get(HeraldCounter.RECOVERIES_REQUESTED);
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
        return get(HeraldCounter.MESSAGES_SENT);
    }

    /** @return sessions closed as slow consumers since start */
    public long slowConsumerCloses() {
        return get(HeraldCounter.SLOW_CONSUMER_CLOSES);
    }

    /** @return bytes waiting in send queues now */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** @return the most bytes that waited in send queues at once since start */
    public long queuedBytesHighWater() {
        return queuedBytesHighWater.get();
    }

    /**
     * @return every number this bean keeps: the counters, then open sessions, queued bytes and their
     *         high-water mark
     */
    public List<Reading> readings() {
        List<Reading> readings = new ArrayList<>();
        for (HeraldCounter counter : HeraldCounter.values()) {
            readings.add(Reading.of(counter, this));
        }
        readings.add(Reading.gauge("openSessions", "herald.sessions.open", "Sessions registered now", null, this::openSessions));
        readings.add(Reading.gauge("queuedBytes", "herald.queued.bytes", "Bytes waiting in send queues now", "bytes", this::queuedBytes));
        readings.add(Reading.gauge("queuedBytesHighWater", "herald.queued.high.water.bytes", "Most bytes that waited in send queues at once",
                "bytes", this::queuedBytesHighWater));
        return readings;
    }

    /**
     * This bean's {@link #readings()} as JSON, plus {@code connectedUsers} (unit tests, benchmarks).
     *
     * @param connectedUsers users with at least one registered session
     * @return the numbers as JSON
     */
    public JsonObject snapshot(int connectedUsers) {
        JsonObjectBuilder json = Json.createObjectBuilder().add("connectedUsers", connectedUsers);
        readings().forEach(reading -> json.add(reading.key(), reading.value().getAsLong()));
        return json.build();
    }
}
