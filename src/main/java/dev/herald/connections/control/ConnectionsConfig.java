package dev.herald.connections.control;

import static dev.herald.platform.Ranges.atLeast;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Settings of live sessions (sending, heartbeats, session limits, registration, drain), read from
 * MicroProfile Config and checked when the application starts: a value out of range fails the
 * deployment, naming the property and its range. Listed in docs/configuration.md.
 */
@ApplicationScoped
public class ConnectionsConfig {

    // each default once, for the annotation and the field (code without CDI)
    private static final String D_SEND_BUFFER_LIMIT = "1048576";
    private static final String D_SEND_TIME_LIMIT_MS = "10000";
    private static final String D_HEARTBEAT_INTERVAL_MS = "25000";
    private static final String D_HEARTBEAT_TIMEOUT_MS = "0";
    private static final String D_SHUTDOWN_DRAIN_MS = "5000";
    private static final String D_MAX_SESSIONS_PER_USER = "16";
    private static final String D_OPEN_TIMEOUT_MS = "10000";
    private static final String D_WRITER_THREADS = "2";

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

    @Inject
    @ConfigProperty(name = "herald.handshake.open-timeout-ms", defaultValue = D_OPEN_TIMEOUT_MS)
    long openTimeoutMs = Long.parseLong(D_OPEN_TIMEOUT_MS);

    @Inject
    @ConfigProperty(name = "herald.delivery.writer-threads", defaultValue = D_WRITER_THREADS)
    int writerThreads = Integer.parseInt(D_WRITER_THREADS);

    /** Creates the bean; CDI fills the fields. */
    public ConnectionsConfig() {
    }

    /**
     * Settings for code that runs without CDI (unit tests, benchmarks); the open timeout and the writer
     * threads keep their defaults.
     *
     * @param sendBufferLimit     bytes a session may have queued before it counts as a slow consumer
     * @param sendTimeLimitMs     how long one write may take before the session counts as a slow consumer
     * @param heartbeatIntervalMs how often each session is pinged
     * @param heartbeatTimeoutMs  silence after which a session is dropped (0: two intervals)
     * @param shutdownDrainMs     how long queues are flushed on application stop
     * @param maxSessionsPerUser  sessions one user may hold; the oldest is closed beyond that
     */
    public ConnectionsConfig(long sendBufferLimit, long sendTimeLimitMs, long heartbeatIntervalMs,
                             long heartbeatTimeoutMs, long shutdownDrainMs, int maxSessionsPerUser) {
        this.sendBufferLimit = sendBufferLimit;
        this.sendTimeLimitMs = sendTimeLimitMs;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        this.heartbeatTimeoutMs = heartbeatTimeoutMs;
        this.shutdownDrainMs = shutdownDrainMs;
        this.maxSessionsPerUser = maxSessionsPerUser;
        validate();
    }

    /**
     * Checks every setting once CDI filled them.
     *
     * @throws IllegalArgumentException naming the first property out of range, its value and the range
     */
    @PostConstruct
    void validate() {
        atLeast("herald.send.buffer-limit", sendBufferLimit, 1);
        atLeast("herald.send.time-limit-ms", sendTimeLimitMs, 1);
        atLeast("herald.heartbeat.interval-ms", heartbeatIntervalMs, 1);
        atLeast("herald.heartbeat.timeout-ms", heartbeatTimeoutMs, 0);
        atLeast("herald.shutdown.drain-ms", shutdownDrainMs, 0);
        atLeast("herald.max-sessions-per-user", maxSessionsPerUser, 1);
        atLeast("herald.handshake.open-timeout-ms", openTimeoutMs, 1);
        atLeast("herald.delivery.writer-threads", writerThreads, 0);
    }

    /**
     * Creates the bean, and so checks the settings, when the application starts.
     *
     * @param event the application context's start
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // @PostConstruct validates
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
     * @return {@code herald.handshake.open-timeout-ms}: how long a handshake's registration waits for
     *         its session to open before it is dropped (default 10 s)
     */
    public long openTimeoutMs() {
        return openTimeoutMs;
    }

    /**
     * @return {@code herald.delivery.writer-threads}: threads that write what the cluster's subscriber
     *         received ({@link Writers}; default 2; 0: the subscriber writes itself)
     */
    public int writerThreads() {
        return writerThreads;
    }
}
