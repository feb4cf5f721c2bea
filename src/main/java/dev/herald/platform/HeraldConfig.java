package dev.herald.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Herald's settings, read once from MicroProfile Config (system properties, environment,
 * {@code META-INF/microprofile-config.properties}). Every property and its default is listed in
 * the README's configuration table.
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
}
