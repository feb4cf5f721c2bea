package dev.herald.sse.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamAddressTest {

    @Test
    void aSingleNodesIdIs128RandomBitsAndNamesNoNode() {
        String id = StreamAddress.newId(null);
        assertEquals(22, id.length());
        assertTrue(StreamAddress.isWellFormed(id));
        assertEquals(Optional.empty(), StreamAddress.nodeOf(id));
    }

    @Test
    void aClusterIdNamesItsNodeEvenWhenTheNodeIdHasDots() {
        for (String node : new String[] {"node-b", "10.0.0.7:8080", "a", "..", "x".repeat(64)}) {
            String id = StreamAddress.newId(node);
            assertTrue(StreamAddress.isWellFormed(id), id);
            assertEquals(Optional.of(node), StreamAddress.nodeOf(id));
        }
    }

    @Test
    void malformedIdsNameNoNode() {
        for (String id : new String[] {"", "node-b.", "node-b.short", "node b.AAAAAAAAAAAAAAAAAAAAAA", "n.AAAAAAAAAAAAAAAAAAAAA=",
                "x".repeat(65) + ".AAAAAAAAAAAAAAAAAAAAAA", "n/x.AAAAAAAAAAAAAAAAAAAAAA"}) {
            assertFalse(StreamAddress.isWellFormed(id), id);
            assertEquals(Optional.empty(), StreamAddress.nodeOf(id), id);
        }
    }
}
