package dev.herald.platform;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Herald's settings, read once from MicroProfile Config (system properties, environment,
 * {@code META-INF/microprofile-config.properties}), and checked when the application starts: a
 * value out of range fails the deployment, naming the property ({@link #validate()}). Every property
 * and its default is listed in docs/configuration.md.
 */
@ApplicationScoped
public class HeraldConfig {

    // each default once, for the annotation and the field (code without CDI)
    private static final String D_SEND_BUFFER_LIMIT = "1048576";
    private static final String D_SEND_TIME_LIMIT_MS = "10000";
    private static final String D_HEARTBEAT_INTERVAL_MS = "25000";
    private static final String D_HEARTBEAT_TIMEOUT_MS = "0";
    private static final String D_SHUTDOWN_DRAIN_MS = "5000";
    private static final String D_MAX_SESSIONS_PER_USER = "16";
    private static final String D_TICKET_TTL_SECONDS = "30";
    private static final String D_TICKET_MAX_OUTSTANDING = "16";
    private static final String D_TICKET_RATE = "60";
    private static final String D_INBOUND_MAX_BYTES = "65536";
    private static final String D_INBOUND_RATE = "20";
    private static final String D_INBOUND_BURST = "40";
    private static final String D_HISTORY_SIZE = "100";
    private static final String D_HISTORY_TTL_MS = "120000";
    private static final String D_HISTORY_MAX_BYTES = "33554432";
    private static final String D_RECOVERY_MAX_BYTES = "262144";
    private static final String D_RECOVERY_MAX_MESSAGES = "500";
    private static final String D_OPEN_TIMEOUT_MS = "10000";

    @Inject
    @ConfigProperty(name = "herald.send.buffer-limit", defaultValue = D_SEND_BUFFER_LIMIT)
    long sendBufferLimit = Long.parseLong(D_SEND_BUFFER_LIMIT);

    @Inject
    @ConfigProperty(name = "herald.send.time-limit-ms", defaultValue = D_SEND_TIME_LIMIT_MS)
    long sendTimeLimitMs = Long.parseLong(D_SEND_TIME_LIMIT_MS);

    @Inject
    @ConfigProperty(name = "herald.heartbeat.interval-ms", defaultValue = D_HEARTBEAT_INTERVAL_MS)
    long heartbeatIntervalMs = Long.parseLong(D_HEARTBEAT_INTERVAL_MS);

    /** 0 means two heartbeat intervals. */
    @Inject
    @ConfigProperty(name = "herald.heartbeat.timeout-ms", defaultValue = D_HEARTBEAT_TIMEOUT_MS)
    long heartbeatTimeoutMs = Long.parseLong(D_HEARTBEAT_TIMEOUT_MS);

    @Inject
    @ConfigProperty(name = "herald.shutdown.drain-ms", defaultValue = D_SHUTDOWN_DRAIN_MS)
    long shutdownDrainMs = Long.parseLong(D_SHUTDOWN_DRAIN_MS);

    @Inject
    @ConfigProperty(name = "herald.max-sessions-per-user", defaultValue = D_MAX_SESSIONS_PER_USER)
    int maxSessionsPerUser = Integer.parseInt(D_MAX_SESSIONS_PER_USER);

    /** Absent: same origin as the handshake's Host header only. */
    @Inject
    @ConfigProperty(name = "herald.allowed-origins")
    Optional<String> allowedOrigins = Optional.empty();

    @Inject
    @ConfigProperty(name = "herald.ticket.ttl", defaultValue = D_TICKET_TTL_SECONDS)
    int ticketTtlSeconds = Integer.parseInt(D_TICKET_TTL_SECONDS);

    @Inject
    @ConfigProperty(name = "herald.ticket.max-outstanding", defaultValue = D_TICKET_MAX_OUTSTANDING)
    int ticketMaxOutstanding = Integer.parseInt(D_TICKET_MAX_OUTSTANDING);

    @Inject
    @ConfigProperty(name = "herald.ticket.rate", defaultValue = D_TICKET_RATE)
    int ticketRate = Integer.parseInt(D_TICKET_RATE);

    @Inject
    @ConfigProperty(name = "herald.inbound.max-bytes", defaultValue = D_INBOUND_MAX_BYTES)
    int inboundMaxBytes = Integer.parseInt(D_INBOUND_MAX_BYTES);

    @Inject
    @ConfigProperty(name = "herald.inbound.rate", defaultValue = D_INBOUND_RATE)
    double inboundRate = Double.parseDouble(D_INBOUND_RATE);

    @Inject
    @ConfigProperty(name = "herald.inbound.burst", defaultValue = D_INBOUND_BURST)
    int inboundBurst = Integer.parseInt(D_INBOUND_BURST);

    @Inject
    @ConfigProperty(name = "herald.history.size", defaultValue = D_HISTORY_SIZE)
    int historySize = Integer.parseInt(D_HISTORY_SIZE);

    @Inject
    @ConfigProperty(name = "herald.history.ttl-ms", defaultValue = D_HISTORY_TTL_MS)
    long historyTtlMs = Long.parseLong(D_HISTORY_TTL_MS);

    @Inject
    @ConfigProperty(name = "herald.history.max-bytes", defaultValue = D_HISTORY_MAX_BYTES)
    long historyMaxBytes = Long.parseLong(D_HISTORY_MAX_BYTES);

    @Inject
    @ConfigProperty(name = "herald.recovery.max-bytes", defaultValue = D_RECOVERY_MAX_BYTES)
    long recoveryMaxBytes = Long.parseLong(D_RECOVERY_MAX_BYTES);

    @Inject
    @ConfigProperty(name = "herald.recovery.max-messages", defaultValue = D_RECOVERY_MAX_MESSAGES)
    int recoveryMaxMessages = Integer.parseInt(D_RECOVERY_MAX_MESSAGES);

    @Inject
    @ConfigProperty(name = "herald.handshake.open-timeout-ms", defaultValue = D_OPEN_TIMEOUT_MS)
    long openTimeoutMs = Long.parseLong(D_OPEN_TIMEOUT_MS);

    /** Creates the bean; CDI fills the fields. */
    public HeraldConfig() {
    }

    /**
     * Checks every setting once CDI filled them, so that a bad value fails the deployment with a
     * message naming the property and its allowed range, instead of being bent into range.
     *
     * @throws IllegalArgumentException naming the first property out of range
     */
    @PostConstruct
    void validate() {
        atLeast("herald.send.buffer-limit", sendBufferLimit, 1);
        atLeast("herald.send.time-limit-ms", sendTimeLimitMs, 1);
        atLeast("herald.heartbeat.interval-ms", heartbeatIntervalMs, 1);
        atLeast("herald.heartbeat.timeout-ms", heartbeatTimeoutMs, 0);
        atLeast("herald.shutdown.drain-ms", shutdownDrainMs, 0);
        atLeast("herald.max-sessions-per-user", maxSessionsPerUser, 1);
        atLeast("herald.ticket.ttl", ticketTtlSeconds, 1);
        atLeast("herald.ticket.max-outstanding", ticketMaxOutstanding, 0);
        atLeast("herald.ticket.rate", ticketRate, 0);
        atLeast("herald.inbound.max-bytes", inboundMaxBytes, 1);
        atLeast("herald.inbound.burst", inboundBurst, 1);
        atLeast("herald.history.size", historySize, 0);
        atLeast("herald.history.ttl-ms", historyTtlMs, 1);
        atLeast("herald.history.max-bytes", historyMaxBytes, 0);
        atLeast("herald.recovery.max-bytes", recoveryMaxBytes, 0);
        atLeast("herald.recovery.max-messages", recoveryMaxMessages, 0);
        atLeast("herald.handshake.open-timeout-ms", openTimeoutMs, 1);
        if (!(inboundRate > 0) || Double.isInfinite(inboundRate)) {
            throw new IllegalArgumentException("herald.inbound.rate is " + inboundRate + ": it must be a positive number of frames per second");
        }
    }

    /**
     * Creates the bean, and so checks the settings, when the application starts.
     *
     * @param event the application context's start
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // @PostConstruct validates
    }

    private static void atLeast(String property, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(property + " is " + value + ": it must be at least " + min);
        }
    }

    /**
     * Settings for code that runs without CDI (unit tests, benchmarks).
     *
     * @param sendBufferLimit     bytes a session may have queued before it counts as a slow consumer
     * @param sendTimeLimitMs     how long one write may take before the session counts as a slow consumer
     * @param heartbeatIntervalMs how often each session is pinged
     * @param heartbeatTimeoutMs  silence after which a session is dropped (0: two intervals)
     * @param shutdownDrainMs     how long queues are flushed on application stop
     * @param maxSessionsPerUser  sessions one user may hold; the oldest is closed beyond that
     *                            (the security settings keep their defaults)
     */
    public HeraldConfig(long sendBufferLimit, long sendTimeLimitMs, long heartbeatIntervalMs,
                        long heartbeatTimeoutMs, long shutdownDrainMs, int maxSessionsPerUser) {
        this.sendBufferLimit = sendBufferLimit;
        this.sendTimeLimitMs = sendTimeLimitMs;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        this.heartbeatTimeoutMs = heartbeatTimeoutMs;
        this.shutdownDrainMs = shutdownDrainMs;
        this.maxSessionsPerUser = maxSessionsPerUser;
    }

    /** @return {@code herald.send.buffer-limit}: queued bytes per session before it is closed as a slow consumer (default 1 MiB) */
    public long sendBufferLimit() {
        return sendBufferLimit;
    }

    /** @return {@code herald.send.time-limit-ms}: longest time one write may take (default 10 s) */
    public long sendTimeLimitMs() {
        return sendTimeLimitMs;
    }

    /** @return {@code herald.heartbeat.interval-ms}: ping interval (default 25 s) */
    public long heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    /** @return {@code herald.heartbeat.timeout-ms}: silence after which a session is dropped (default two intervals) */
    public long heartbeatTimeoutMs() {
        return heartbeatTimeoutMs > 0 ? heartbeatTimeoutMs : 2 * heartbeatIntervalMs;
    }

    /** @return {@code herald.shutdown.drain-ms}: how long queues are flushed on stop (default 5 s) */
    public long shutdownDrainMs() {
        return shutdownDrainMs;
    }

    /** @return {@code herald.max-sessions-per-user}: sessions per user before the oldest is closed (default 16) */
    public int maxSessionsPerUser() {
        return maxSessionsPerUser;
    }

    /**
     * @return {@code herald.allowed-origins}: comma-separated origins ({@code https://app.example}) or
     *         {@code *}; empty means only the origin of the handshake's Host header (the default)
     */
    public Optional<String> allowedOrigins() {
        return allowedOrigins == null ? Optional.empty() : allowedOrigins;
    }

    /** @return {@code herald.ticket.ttl}: seconds a connect ticket stays valid (default 30) */
    public int ticketTtlSeconds() {
        return ticketTtlSeconds;
    }

    /** @return {@code herald.ticket.max-outstanding}: unused, unexpired tickets per user (default 16; 0: no cap) */
    public int ticketMaxOutstanding() {
        return ticketMaxOutstanding;
    }

    /** @return {@code herald.ticket.rate}: tickets issued per user per minute (default 60; 0: no limit) */
    public int ticketRate() {
        return ticketRate;
    }

    /** @return {@code herald.inbound.max-bytes}: largest inbound text message in UTF-8 bytes (default 64 KiB) */
    public int inboundMaxBytes() {
        return inboundMaxBytes;
    }

    /** @return {@code herald.inbound.rate}: inbound frames per second per session, sustained (default 20) */
    public double inboundRate() {
        return inboundRate;
    }

    /** @return {@code herald.inbound.burst}: inbound frames a session may send at once (default 40) */
    public int inboundBurst() {
        return inboundBurst;
    }

    /**
     * Sets the history bounds, for code that runs without CDI.
     *
     * @param size     {@code herald.history.size}
     * @param ttlMs    {@code herald.history.ttl-ms}
     * @param maxBytes {@code herald.history.max-bytes}
     * @return this
     */
    public HeraldConfig withHistory(int size, long ttlMs, long maxBytes) {
        this.historySize = size;
        this.historyTtlMs = ttlMs;
        this.historyMaxBytes = maxBytes;
        return this;
    }

    /**
     * @return {@code herald.history.size}: messages held per stream for {@code herald.v1} recovery
     *         (default 100; 0 holds none: frames stay sequenced, and only a client that missed nothing recovers)
     */
    public int historySize() {
        return historySize;
    }

    /** @return {@code herald.history.ttl-ms}: how long a message is held, and an idle stream remembered (default 2 min) */
    public long historyTtlMs() {
        return historyTtlMs;
    }

    /** @return {@code herald.history.max-bytes}: the bound on this node's in-memory history (default 32 MiB) */
    public long historyMaxBytes() {
        return historyMaxBytes;
    }

    /**
     * Sets the replay bounds, for code that runs without CDI.
     *
     * @param maxBytes    {@code herald.recovery.max-bytes}
     * @param maxMessages {@code herald.recovery.max-messages}
     * @return this
     */
    public HeraldConfig withRecovery(long maxBytes, int maxMessages) {
        this.recoveryMaxBytes = maxBytes;
        this.recoveryMaxMessages = maxMessages;
        return this;
    }

    /**
     * @return {@code herald.recovery.max-bytes}: the most bytes of missed messages one reconnect replays
     *         (default 256 KiB; never more than half of {@code herald.send.buffer-limit}, so a replay
     *         alone can never make a session a slow consumer)
     */
    public long recoveryMaxBytes() {
        return Math.min(recoveryMaxBytes, sendBufferLimit / 2);
    }

    /** @return {@code herald.recovery.max-messages}: the most missed messages one reconnect replays (default 500) */
    public int recoveryMaxMessages() {
        return recoveryMaxMessages;
    }

    /**
     * @return {@code herald.handshake.open-timeout-ms}: how long a handshake's registration waits for
     *         its session to open before it is dropped (default 10 s)
     */
    public long openTimeoutMs() {
        return openTimeoutMs;
    }
}
