package dev.herald.tickets.control;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The ticket settings are checked at start: a value out of range fails, naming the property, the value and the range. */
class TicketConfigTest {

    private final TicketConfig config = new TicketConfig();

    @Test
    void aBadValueFailsNamingThePropertyAndTheRange() {
        assertDoesNotThrow(config::validate);
        assertEquals(30, config.ttlSeconds());
        config.ttlSeconds = 0;
        assertEquals("herald.ticket.ttl is 0: it must be at least 1",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.ttlSeconds = 1;
        config.rate = -1;
        assertEquals("herald.ticket.rate is -1: it must be at least 0",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.rate = 0;
        config.maxOutstanding = 0;
        assertDoesNotThrow(config::validate);
    }
}
