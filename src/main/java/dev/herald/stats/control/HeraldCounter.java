package dev.herald.stats.control;

/**
 * Every counter Herald keeps, each defined once: its key in {@code GET /api/stats} and its metric in
 * {@code GET /api/metrics} (a dotted Micrometer name; Prometheus shows {@code herald.messages.sent} as
 * {@code herald_messages_sent_total}). All only ever go up.
 */
public enum HeraldCounter {
    /** Sessions registered. */
    SESSIONS_OPENED("sessionsOpened", "herald.sessions.opened", "Sessions registered"),
    /** Registered sessions removed. */
    SESSIONS_CLOSED("sessionsClosed", "herald.sessions.closed", "Registered sessions removed"),
    /** Frames written. */
    MESSAGES_SENT("messagesSent", "herald.messages.sent", "Messages written to sessions"),
    /** UTF-8 bytes of the frames written. */
    BYTES_SENT("bytesSent", "herald.sent.bytes", "UTF-8 bytes of the messages written"),
    /** Writes that failed or threw. */
    SEND_FAILURES("sendFailures", "herald.send.failures", "Writes that failed"),
    /** Sessions closed for exceeding the send buffer or send time limit. */
    SLOW_CONSUMER_CLOSES("slowConsumerCloses", "herald.slow.consumer.closes", "Sessions closed as slow consumers"),
    /** Sessions closed because they stopped answering pings. */
    HEARTBEAT_CLOSES("heartbeatCloses", "herald.heartbeat.closes", "Sessions closed for missing pongs"),
    /** Oldest sessions closed to make room for a user's new one. */
    SESSION_LIMIT_CLOSES("sessionLimitCloses", "herald.session.limit.closes", "Sessions closed for the per-user session limit"),
    /** Inbound frames that were not valid JSON. */
    MALFORMED_INBOUND("malformedInbound", "herald.inbound.malformed", "Inbound frames that were not valid JSON"),
    /** Handshakes refused or closed at once (origin and ticket refusals included). */
    REJECTED_HANDSHAKES("rejectedHandshakes", "herald.handshakes.rejected", "Handshakes refused"),
    /** Handshakes refused for their Origin. */
    ORIGIN_REJECTIONS("originRejections", "herald.origin.rejections", "Handshakes refused for their Origin"),
    /** State-changing REST calls refused as cross-site. */
    CROSS_SITE_REJECTIONS("crossSiteRejections", "herald.cross.site.rejections", "REST calls refused as cross-site"),
    /** REST calls refused for a body that is not JSON. */
    NON_JSON_REJECTIONS("nonJsonRejections", "herald.non.json.rejections", "REST calls refused for a non-JSON body"),
    /** Connect tickets issued. */
    TICKETS_ISSUED("ticketsIssued", "herald.tickets.issued", "Connect tickets issued"),
    /** Handshakes whose ticket was unknown, expired or replayed. */
    TICKET_REJECTIONS("ticketRejections", "herald.ticket.rejections", "Handshakes with an unknown, expired or used ticket"),
    /** Tickets refused by the per-user issuance limits. */
    TICKETS_REFUSED("ticketsRefused", "herald.tickets.refused", "Ticket requests refused by the per-user limits"),
    /** Sessions closed for a text message over the inbound size limit. */
    INBOUND_TOO_BIG("inboundTooBig", "herald.inbound.too.big", "Sessions closed for an inbound message over the size limit"),
    /** Sessions closed for sending a binary frame. */
    INBOUND_BINARY("inboundBinary", "herald.inbound.binary", "Sessions closed for a binary frame"),
    /** Sessions closed for exceeding the inbound frame rate. */
    INBOUND_RATE_LIMITED("inboundRateLimited", "herald.inbound.rate.limited", "Sessions closed for the inbound frame rate"),
    /** Broken inbound streams reported by the container. */
    INBOUND_ERRORS("inboundErrors", "herald.inbound.errors", "Broken inbound streams"),
    /** Messages published to the other cluster nodes. */
    CLUSTER_PUBLISHED("clusterPublished", "herald.cluster.published", "Messages published to the other nodes"),
    /** Messages that could not be published to the other cluster nodes. */
    CLUSTER_PUBLISH_FAILURES("clusterPublishFailures", "herald.cluster.publish.failures", "Messages not published to the other nodes"),
    /** Other nodes' messages delivered to this node's sessions. */
    CLUSTER_RECEIVED("clusterReceived", "herald.cluster.received", "Other nodes' messages delivered here"),
    /** Things on Herald's Redis channel that were not Herald envelopes. */
    CLUSTER_MALFORMED("clusterMalformed", "herald.cluster.malformed", "Malformed messages on Herald's Redis channel"),
    /** Messages posted for an SSE stream of another node and passed on to it. */
    SSE_FORWARDED("sseForwarded", "herald.sse.forwarded", "Messages posted for another node's SSE stream, passed on"),
    /** Presence checks that could not reach Redis and counted this node only. */
    PRESENCE_FALLBACKS("presenceFallbacks", "herald.presence.fallbacks", "Presence checks answered from this node only"),
    /** Redis outages (once each). */
    REDIS_OUTAGES("redisOutages", "herald.redis.outages", "Redis outages"),
    /** Redis calls that failed. */
    REDIS_ERRORS("redisErrors", "herald.redis.errors", "Failed Redis calls"),
    /** Redis calls not made because Redis was known to be down. */
    REDIS_SKIPPED("redisSkipped", "herald.redis.skipped", "Redis calls skipped during an outage"),
    /** {@code herald.v1} sessions that gave a position to recover from. */
    RECOVERIES_REQUESTED("recoveriesRequested", "herald.recoveries.requested", "Recoveries asked for"),
    /** Recoveries that replayed everything after the positions. */
    RECOVERIES_COMPLETE("recoveriesComplete", "herald.recoveries.complete", "Recoveries that replayed everything"),
    /** Recoveries that could not replay everything. */
    RECOVERIES_INCOMPLETE("recoveriesIncomplete", "herald.recoveries.incomplete", "Recoveries that missed messages"),
    /** Messages replayed to recovering sessions. */
    REPLAYED_MESSAGES("replayedMessages", "herald.messages.replayed", "Messages replayed to recovering sessions"),
    /** {@code since} or {@code bsince} parameters that were not {@code <epoch>:<seq>}. */
    MALFORMED_POSITIONS("malformedPositions", "herald.positions.malformed", "Malformed recovery positions"),
    /** {@code herald.v1} sessions closed to resync after missed relayed messages. */
    RESYNCS("resyncs", "herald.resyncs", "Sessions closed to resync"),
    /** Topic subscriptions made by {@code herald.subscribe} frames. */
    TOPIC_SUBSCRIPTIONS("topicSubscriptions", "herald.topic.subscriptions", "Topic subscriptions made"),
    /** {@code herald.subscribe} frames refused (policy, limit, name); each answered {@code herald.refused}. */
    TOPIC_REFUSALS("topicRefusals", "herald.topic.refusals", "Topic subscriptions refused");

    private final String key;
    private final String metric;
    private final String help;

    HeraldCounter(String key, String metric, String help) {
        this.key = key;
        this.metric = metric;
        this.help = help;
    }

    /** @return the key in {@code GET /api/stats} */
    public String key() {
        return key;
    }

    /** @return the Micrometer name of the metric */
    public String metric() {
        return metric;
    }

    /** @return the metric's description */
    public String help() {
        return help;
    }
}
