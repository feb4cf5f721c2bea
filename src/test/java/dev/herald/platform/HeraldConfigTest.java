package dev.herald.platform;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Settings are checked at start: a value out of range fails, naming the property and the range. */
class HeraldConfigTest {

    @Test
    void theDefaultsAreValid() {
        HeraldConfig config = new HeraldConfig();
        assertDoesNotThrow(config::validate);
        assertEquals(100, config.historySize());
        assertEquals(30, config.ticketTtlSeconds());
        assertEquals(20, config.inboundRate());
    }

    @Test
    void aValueOutOfRangeFailsNamingTheProperty() {
        HeraldConfig config = new HeraldConfig();
        config.historySize = -1;
        assertEquals("herald.history.size is -1: it must be at least 0",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.historySize = 0;
        config.maxSessionsPerUser = 0;
        assertEquals("herald.max-sessions-per-user is 0: it must be at least 1",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.maxSessionsPerUser = 1;
        config.inboundRate = 0;
        assertThrows(IllegalArgumentException.class, config::validate);
        config.inboundRate = 0.5;
        assertDoesNotThrow(config::validate);
    }
}
