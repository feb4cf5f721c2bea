package dev.herald.recovery.control;

import static dev.herald.platform.Ranges.atLeast;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Settings of {@code herald.v1} recovery (history and replay bounds), read from MicroProfile Config
 * and checked when the application starts: a value out of range fails the deployment, naming the
 * property and its range. Listed in docs/configuration.md.
 */
@ApplicationScoped
public class RecoveryConfig {

    // each default once, for the annotation and the field (code without CDI)
    private static final String D_HISTORY_SIZE = "100";
    private static final String D_HISTORY_TTL_MS = "120000";
    private static final String D_HISTORY_MAX_BYTES = "33554432";
    private static final String D_RECOVERY_MAX_BYTES = "262144";
    private static final String D_RECOVERY_MAX_MESSAGES = "500";

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

    /** Creates the bean with the defaults; CDI fills the fields. */
    public RecoveryConfig() {
    }

    /**
     * Checks every setting once CDI filled them.
     *
     * @throws IllegalArgumentException naming the first property out of range, its value and the range
     */
    @PostConstruct
    void validate() {
        atLeast("herald.history.size", historySize, 0);
        atLeast("herald.history.ttl-ms", historyTtlMs, 1);
        atLeast("herald.history.max-bytes", historyMaxBytes, 0);
        atLeast("herald.recovery.max-bytes", recoveryMaxBytes, 0);
        atLeast("herald.recovery.max-messages", recoveryMaxMessages, 0);
    }

    /**
     * Creates the bean, and so checks the settings, when the application starts.
     *
     * @param event the application context's start
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // @PostConstruct validates
    }

    /**
     * Sets the history bounds, for code that runs without CDI.
     *
     * @param size     {@code herald.history.size}
     * @param ttlMs    {@code herald.history.ttl-ms}
     * @param maxBytes {@code herald.history.max-bytes}
     * @return this
     * @throws IllegalArgumentException when a value is out of range
     */
    public RecoveryConfig withHistory(int size, long ttlMs, long maxBytes) {
        this.historySize = size;
        this.historyTtlMs = ttlMs;
        this.historyMaxBytes = maxBytes;
        validate();
        return this;
    }

    /**
     * Sets the replay bounds, for code that runs without CDI.
     *
     * @param maxBytes    {@code herald.recovery.max-bytes}
     * @param maxMessages {@code herald.recovery.max-messages}
     * @return this
     * @throws IllegalArgumentException when a value is out of range
     */
    public RecoveryConfig withRecovery(long maxBytes, int maxMessages) {
        this.recoveryMaxBytes = maxBytes;
        this.recoveryMaxMessages = maxMessages;
        validate();
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
     * The bound of one reconnect's replay: {@code herald.recovery.max-bytes} (default 256 KiB), never
     * more than half of the send buffer, so a replay alone can never make a session a slow consumer,
     * and {@code herald.recovery.max-messages} (default 500).
     *
     * @param sendBufferLimit {@code herald.send.buffer-limit}
     * @return the replay bound
     */
    public Replay.Bound replayBound(long sendBufferLimit) {
        return new Replay.Bound(Math.min(recoveryMaxBytes, sendBufferLimit / 2), recoveryMaxMessages);
    }
}
