package dev.herald.recovery.control;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The recovery settings are checked at start; a replay never takes more than half the send buffer. */
class RecoveryConfigTest {

    private final RecoveryConfig config = new RecoveryConfig();

    @Test
    void aBadValueFailsNamingThePropertyAndTheRange() {
        assertDoesNotThrow(config::validate);
        config.historySize = -1;
        assertEquals("herald.history.size is -1: it must be at least 0",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.historySize = 0;
        assertDoesNotThrow(config::validate);
        assertEquals("herald.history.ttl-ms is 0: it must be at least 1",
                assertThrows(IllegalArgumentException.class, () -> new RecoveryConfig().withHistory(10, 0, 1)).getMessage());
        assertEquals("herald.recovery.max-messages is -1: it must be at least 0",
                assertThrows(IllegalArgumentException.class, () -> new RecoveryConfig().withRecovery(0, -1)).getMessage());
    }

    @Test
    void aReplayTakesAtMostHalfTheSendBuffer() {
        assertEquals(new Replay.Bound(262_144, 500), config.replayBound(1 << 20));
        assertEquals(new Replay.Bound(50_000, 500), config.replayBound(100_000));
    }
}
