package dev.herald.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.messages.entity.StreamKey;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    @Test
    void aForwardedMessageCarriesItsStreamUserAndTextAsTheyAre() {
        String text = "{\"type\":\"echo\",\n \"x\":\"!sse a b\"}";
        Envelope sent = Envelope.forward("node-a", "node-b.AAAAAAAAAAAAAAAAAAAAAA", OptionalLong.of(7), text);
        Envelope.Forwarded received = Envelope.decode(sent.encode()).flatMap(Envelope::forwarded).orElseThrow();
        assertEquals(new Envelope.Forwarded("node-b.AAAAAAAAAAAAAAAAAAAAAA", OptionalLong.of(7), text), received);
        assertTrue(Envelope.decode(sent.encode()).orElseThrow().disconnectedUser().isEmpty());
        assertTrue(Envelope.decode(sent.encode()).orElseThrow().membershipChange().isEmpty());
    }

    @Test
    void aForwardedMessageOverTheLimitHasNoTextAndAnAnonymousOneNoUser() {
        Envelope sent = Envelope.forward("node-a", "s.AAAAAAAAAAAAAAAAAAAAAA", OptionalLong.empty(), null);
        assertEquals(Optional.of(new Envelope.Forwarded("s.AAAAAAAAAAAAAAAAAAAAAA", OptionalLong.empty(), null)),
                Envelope.decode(sent.encode()).flatMap(Envelope::forwarded));
    }

    @Test
    void aMalformedForwardIsNone() {
        for (String json : List.of("!sse id - m", "!sse id - big\n{}", "!sse id x m\n{}", "!sse a b - m\n{}", "!ssex id - m\n{}")) {
            assertEquals(Optional.empty(), new Envelope("n1", StreamKey.BROADCAST, json).forwarded(), json);
        }
    }

    @Test
    void presenceChangesRoundTripAndAMalformedListIsNone() {
        List<Envelope.PresenceChange> changes = List.of(new Envelope.PresenceChange(12, true), new Envelope.PresenceChange(9_223_372_036_854_775_807L, false));
        String wire = Envelope.presence("node-a", changes).encode();
        assertEquals("node-a\nb\n!presence +12 -9223372036854775807", wire, "the form the presence scripts write");
        assertEquals(Optional.of(changes), Envelope.decode(wire).flatMap(Envelope::presenceChanges));
        for (String bad : List.of("!presence ", "!presence +0", "!presence 12", "!presence +12  -3", "!presence +99999999999999999999", "!presence +9223372036854775808")) {
            assertEquals(Optional.empty(), Envelope.decode("n\nb\n" + bad).flatMap(Envelope::presenceChanges), bad);
        }
        assertEquals(Optional.empty(), Envelope.decode("n\nu5\n!presence +5").flatMap(Envelope::presenceChanges), "only on the broadcast target");
    }

    @Test
    void aUserMessageKeepsItsJsonByteForByte() {
        Envelope sent = new Envelope("node-a", StreamKey.user(42), "{\"message\":\"a\\nb\",\n \"x\":[1, 2]}");
        assertEquals("node-a\nu42\n{\"message\":\"a\\nb\",\n \"x\":[1, 2]}", sent.encode());
        assertEquals(Optional.of(sent), Envelope.decode(sent.encode()));
    }

    @Test
    void aBroadcastTargetsEveryone() {
        Envelope sent = new Envelope("n1", StreamKey.BROADCAST, "{}");
        assertEquals("n1\nb\n{}", sent.encode());
        Envelope received = Envelope.decode(sent.encode()).orElseThrow();
        assertTrue(received.stream().isBroadcast());
        assertEquals(sent, received);
    }

    @Test
    void aSequencedMessageCarriesItsEpochAndSeq() {
        Envelope sent = new Envelope("n1", StreamKey.user(7), "Ab3", 12, "{\"a\":\"@x\"}");
        assertEquals("n1\nu7\n@Ab3:12\n{\"a\":\"@x\"}", sent.encode());
        Envelope received = Envelope.decode(sent.encode()).orElseThrow();
        assertTrue(received.isSequenced());
        assertEquals(sent, received);
        assertEquals(Optional.of(new Envelope("n1", StreamKey.BROADCAST, "E", 1, "[]")), Envelope.decode("n1\nb\n@E:1\n[]"));
    }

    @Test
    void textThatIsNotAnEnvelopeIsRefused() {
        for (String wire : new String[]{"", "hello", "node\n", "\n1\n{}", "node\nbob\n{}", "node\nu0\n{}", "node\nu-3\n{}", "node\n7\n{}",
                "node\nu01\n{}", "node\n*\n{}", "node\nu99999999999999999999\n{}", "node\nu1",
                "node\nu1\n@E:0\n{}", "node\nu1\n@E-1\n{}", "node\nu1\n@E:1", "node\nu1\n@bad epoch:1\n{}"}) {
            assertEquals(Optional.empty(), Envelope.decode(wire), wire);
        }
    }

    @Test
    void aDisconnectRequestRoundTripsAndIsNoMessage() {
        Envelope sent = Envelope.disconnect("n1", 42);
        Envelope received = Envelope.decode(sent.encode()).orElseThrow();
        assertEquals(Optional.of(42L), received.disconnectedUser());
        assertEquals(Optional.empty(), new Envelope("n1", StreamKey.user(42), "{\"message\":\"!disconnect\"}").disconnectedUser());
        assertEquals(Optional.empty(), Envelope.decode("n1\nb\n!disconnect").orElseThrow().disconnectedUser(), "never for everyone");
    }

    @Test
    void aMembershipRequestRoundTripsAndIsNoMessage() {
        Envelope joined = Envelope.decode(Envelope.membership("n1", 42, new StreamKey.Group("team:a"), true).encode()).orElseThrow();
        assertEquals(Optional.of(new Envelope.Membership(42, new StreamKey.Group("team:a"), true)), joined.membershipChange());
        assertEquals(Optional.empty(), joined.disconnectedUser());
        Envelope left = Envelope.decode(Envelope.membership("n1", 42, new StreamKey.Group("team:a"), false).encode()).orElseThrow();
        assertEquals(Optional.of(new Envelope.Membership(42, new StreamKey.Group("team:a"), false)), left.membershipChange());
        assertEquals(Optional.empty(), new Envelope("n1", StreamKey.user(42), "{\"m\":1}").membershipChange());
        assertEquals(Optional.empty(), Envelope.decode("n1\nu42\n!join bad name").orElseThrow().membershipChange(), "no valid group");
        assertEquals(Optional.empty(), Envelope.decode("n1\nb\n!join team:a").orElseThrow().membershipChange(), "never for everyone");
    }
}
