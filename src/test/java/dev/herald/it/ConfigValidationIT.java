package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A setting out of range fails the deployment at start with a message naming the property, the value
 * and the allowed range, instead of being bent into range. Payara Micro only (excluded on WildFly and
 * Liberty): the test starts Payara Micro itself with the bad value as a system property and reads its
 * log, as {@link DropInCollisionIT} does.
 */
class ConfigValidationIT {

    @Test
    void aValueOutOfRangeFailsTheDeploymentNamingThePropertyAndTheRange() throws Exception {
        try (MicroNode node = MicroNode.start("badconfig", Deployments.herald(Map.of()), Map.of("herald.ticket.ttl", "0"))) {
            ItSupport.waitFor(() -> !node.isAlive() || node.log().contains(" ready in "), 240_000);
            String log = node.log();
            assertTrue(log.contains("herald.ticket.ttl is 0: it must be at least 1"), log);
            assertEquals(404, Rest.get(node.base(), "ops", "stats").statusCode(), "the application did not start");
        }
    }
}
