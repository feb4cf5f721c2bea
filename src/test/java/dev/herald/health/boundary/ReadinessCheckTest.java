package dev.herald.health.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadinessCheckTest {

    @Test
    void readyUnlessDrainingOrCutOffFromTheCluster() {
        assertEquals(Optional.empty(), ReadinessCheck.notReady(false, false, false, false), "a single node needs no subscription");
        assertEquals(Optional.empty(), ReadinessCheck.notReady(false, true, false, true));
        assertEquals(Optional.of("draining: the application is stopping"), ReadinessCheck.notReady(true, false, false, false));
        assertEquals(Optional.of("draining: the application is stopping"), ReadinessCheck.notReady(true, true, true, false));
        assertEquals(Optional.of("redis unreachable"), ReadinessCheck.notReady(false, true, true, false));
        assertEquals(Optional.of("not subscribed to the cluster channel"), ReadinessCheck.notReady(false, true, false, false));
    }
}
