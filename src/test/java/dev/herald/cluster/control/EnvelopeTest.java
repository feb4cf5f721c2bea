package dev.herald.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void aSequencedMessageCarriesItsEpochAndSeq() {
        Envelope sent = new Envelope("n1", 7, "Ab3", 12, "{\"a\":\"@x\"}");
        assertEquals("n1\n7\n@Ab3:12\n{\"a\":\"@x\"}", sent.encode());
        Envelope received = Envelope.decode(sent.encode()).orElseThrow();
        assertTrue(received.isSequenced());
        assertEquals(sent, received);
        assertEquals(Optional.of(new Envelope("n1", MessageSent.EVERYONE, "E", 1, "[]")), Envelope.decode("n1\n*\n@E:1\n[]"));
    }

    @Test
    void textThatIsNotAnEnvelopeIsRefused() {
        for (String wire : new String[]{"", "hello", "node\n", "\n1\n{}", "node\nbob\n{}", "node\n0\n{}", "node\n-3\n{}", "node\n1",
                "node\n1\n@E:0\n{}", "node\n1\n@E-1\n{}", "node\n1\n@E:1", "node\n1\n@bad epoch:1\n{}"}) {
            assertEquals(Optional.empty(), Envelope.decode(wire), wire);
        }
    }

    @Test
    void aDisconnectRequestRoundTripsAndIsNoMessage() {
        Envelope sent = Envelope.disconnect("n1", 42);
        Envelope received = Envelope.decode(sent.encode()).orElseThrow();
        assertTrue(received.isDisconnect());
        assertEquals(42, received.userId());
        assertFalse(new Envelope("n1", 42, "{\"message\":\"!disconnect\"}").isDisconnect());
        assertFalse(Envelope.decode("n1\n*\n!disconnect").orElseThrow().isDisconnect(), "never for everyone");
    }
}
