package dev.herald.inbound.control;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The inbound limits are checked at start: a value out of range fails, naming the property, the value and the range. */
class InboundConfigTest {

    private final InboundConfig config = new InboundConfig();

    @Test
    void aBadValueFailsNamingThePropertyAndTheRange() {
        assertDoesNotThrow(config::validate);
        config.burst = 0;
        assertEquals("herald.inbound.burst is 0: it must be at least 1",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.burst = 1;
        config.maxBytes = 0;
        assertEquals("herald.inbound.max-bytes is 0: it must be at least 1",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.maxBytes = 1;
        assertDoesNotThrow(config::validate);
    }

    @Test
    void theRateIsZeroForNoLimitOrAPositiveFiniteNumber() {
        config.rate = -0.5;
        assertEquals("herald.inbound.rate is -0.5: it must be a finite number of at least 0.0",
                assertThrows(IllegalArgumentException.class, config::validate).getMessage());
        config.rate = Double.NaN;
        assertThrows(IllegalArgumentException.class, config::validate);
        config.rate = Double.POSITIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, config::validate);
        config.rate = 0; // documented: no limit
        assertDoesNotThrow(config::validate);
    }
}
