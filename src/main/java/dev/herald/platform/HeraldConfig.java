package dev.herald.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Herald's settings, read once from MicroProfile Config (system properties, environment,
 * {@code META-INF/microprofile-config.properties}). Every property and its default is listed in
 * docs/configuration.md.
 */
@ApplicationScoped
public class HeraldConfig {

    @Inject
    @ConfigProperty(name = "herald.send.buffer-limit", defaultValue = "1048576")
    long sendBufferLimit;

    @Inject
    @ConfigProperty(name = "herald.send.time-limit-ms", defaultValue = "10000")
    long sendTimeLimitMs;

    @Inject
    @ConfigProperty(name = "herald.heartbeat.interval-ms", defaultValue = "25000")
    long heartbeatIntervalMs;

    /** 0 means two heartbeat intervals. */
    @Inject
    @ConfigProperty(name = "herald.heartbeat.timeout-ms", defaultValue = "0")
    long heartbeatTimeoutMs;

    @Inject
    @ConfigProperty(name = "herald.shutdown.drain-ms", defaultValue = "5000")
    long shutdownDrainMs;

    @Inject
    @ConfigProperty(name = "herald.max-sessions-per-user", defaultValue = "16")
    int maxSessionsPerUser;

    /** Absent: same origin as the handshake's Host header only. */
    @Inject
    @ConfigProperty(name = "herald.allowed-origins")
    Optional<String> allowedOrigins = Optional.empty();

    @Inject
    @ConfigProperty(name = "herald.ticket.ttl", defaultValue = "30")
    int ticketTtlSeconds = 30;

    @Inject
    @ConfigProperty(name = "herald.ticket.max-outstanding", defaultValue = "16")
    int ticketMaxOutstanding = 16;

    @Inject
    @ConfigProperty(name = "herald.ticket.rate", defaultValue = "60")
    int ticketRate = 60;

    @Inject
    @ConfigProperty(name = "herald.inbound.max-bytes", defaultValue = "65536")
    int inboundMaxBytes = 65536;

    @Inject
    @ConfigProperty(name = "herald.inbound.rate", defaultValue = "20")
    double inboundRate = 20;

    @Inject
    @ConfigProperty(name = "herald.inbound.burst", defaultValue = "40")
    int inboundBurst = 40;

    @Inject
    @ConfigProperty(name = "herald.history.size", defaultValue = "100")
    int historySize = 100;

    @Inject
    @ConfigProperty(name = "herald.history.ttl-ms", defaultValue = "120000")
    long historyTtlMs = 120_000;

    @Inject
    @ConfigProperty(name = "herald.history.max-bytes", defaultValue = "33554432")
    long historyMaxBytes = 32L << 20;

    @Inject
    @ConfigProperty(name = "herald.recovery.max-bytes", defaultValue = "262144")
    long recoveryMaxBytes = 256L << 10;

    @Inject
    @ConfigProperty(name = "herald.recovery.max-messages", defaultValue = "500")
    int recoveryMaxMessages = 500;

    @Inject
    @ConfigProperty(name = "herald.handshake.open-timeout-ms", defaultValue = "10000")
    long openTimeoutMs = 10_000;

    /** Creates the bean; CDI fills the fields. */
    public HeraldConfig() {
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
        return Math.max(0, ticketMaxOutstanding);
    }

    /** @return {@code herald.ticket.rate}: tickets issued per user per minute (default 60; 0: no limit) */
    public int ticketRate() {
        return Math.max(0, ticketRate);
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
        return Math.max(0, historySize);
    }

    /** @return {@code herald.history.ttl-ms}: how long a message is held, and an idle stream remembered (default 2 min) */
    public long historyTtlMs() {
        return Math.max(1, historyTtlMs);
    }

    /** @return {@code herald.history.max-bytes}: the bound on this node's in-memory history (default 32 MiB) */
    public long historyMaxBytes() {
        return Math.max(0, historyMaxBytes);
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
        return Math.max(0, Math.min(recoveryMaxBytes, sendBufferLimit / 2));
    }

    /** @return {@code herald.recovery.max-messages}: the most missed messages one reconnect replays (default 500) */
    public int recoveryMaxMessages() {
        return Math.max(0, recoveryMaxMessages);
    }

    /**
     * @return {@code herald.handshake.open-timeout-ms}: how long a handshake's registration waits for
     *         its session to open before it is dropped (default 10 s)
     */
    public long openTimeoutMs() {
        return Math.max(1, openTimeoutMs);
    }
}
