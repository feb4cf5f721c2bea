package dev.herald.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.connections.entity.MessageSent;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    @Test
    void aUserMessageKeepsItsJsonByteForByte() {
        Envelope sent = new Envelope("node-a", 42, "{\"message\":\"a\\nb\",\n \"x\":[1, 2]}");
        assertEquals("node-a\n42\n{\"message\":\"a\\nb\",\n \"x\":[1, 2]}", sent.encode());
        assertEquals(Optional.of(sent), Envelope.decode(sent.encode()));
    }

    @Test
    void aBroadcastTargetsEveryone() {
        Envelope sent = new Envelope("n1", MessageSent.EVERYONE, "{}");
        assertEquals("n1\n*\n{}", sent.encode());
        Envelope received = Envelope.decode(sent.encode()).orElseThrow();
        assertTrue(received.isBroadcast());
        assertEquals(sent, received);
    }

    @Test
    void textThatIsNotAnEnvelopeIsRefused() {
        for (String wire : new String[]{"", "hello", "node\n", "\n1\n{}", "node\nbob\n{}", "node\n0\n{}", "node\n-3\n{}", "node\n1"}) {
            assertEquals(Optional.empty(), Envelope.decode(wire), wire);
        }
    }
}
