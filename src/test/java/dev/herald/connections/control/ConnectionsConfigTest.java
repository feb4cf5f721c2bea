package dev.herald.connections.control;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The session settings are checked at start: a value out of range fails, naming the property, the value and the range. */
class ConnectionsConfigTest {

    private final ConnectionsConfig config = new ConnectionsConfig();

    @Test
    void theDefaultsAreValid() {
        assertDoesNotThrow(config::validate);
        assertEquals(1 << 20, config.sendBufferLimit());
        assertEquals(50_000, config.heartbeatTimeoutMs());
        assertEquals(10_000, config.openTimeoutMs());
    }

    @Test
    void aBadValueFailsNamingThePropertyAndTheRange() {
        config.maxSessionsPerUser = 0;
        assertEquals("herald.max-sessions-per-user is 0: it must be at least 1",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.maxSessionsPerUser = 1;
        assertDoesNotThrow(config::validate);
    }

    @Test
    void eachPropertyHasItsLowerBound() {
        config.heartbeatTimeoutMs = -1;
        assertEquals("herald.heartbeat.timeout-ms is -1: it must be at least 0",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.heartbeatTimeoutMs = 0;
        config.openTimeoutMs = 0;
        assertEquals("herald.handshake.open-timeout-ms is 0: it must be at least 1",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.openTimeoutMs = 1;
        assertDoesNotThrow(config::validate);
        assertThrows(IllegalArgumentException.class, () -> new ConnectionsConfig(0, 10_000, 25_000, 0, 100, 3),
                "herald.send.buffer-limit must be positive");
    }
}
