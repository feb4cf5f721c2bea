package dev.herald.sse.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.recovery.control.V1Protocol;
import org.junit.jupiter.api.Test;

class EventIdTest {

    @Test
    void carriesBothPositionsAndReadsThemBack() {
        EventId id = new EventId(new StreamPosition("Ab12", 7), new StreamPosition("Zz9", 3));
        assertEquals("Ab12:7/Zz9:3", id.format());
        assertEquals(id, EventId.parse(id.format()));
    }

    @Test
    void anUnknownSideIsEmptyAndAbsentWhenRead() {
        EventId userOnly = new EventId(new StreamPosition("Ab12", 7), null);
        assertEquals("Ab12:7/", userOnly.format());
        assertEquals(userOnly, EventId.parse("Ab12:7/"));
        assertEquals("/", EventId.NONE.format());
        assertSame(EventId.NONE, EventId.parse(null));
        assertSame(EventId.NONE, EventId.parse(" "));
        assertEquals(new EventId(null, null), EventId.parse("/"));
    }

    @Test
    void aSideThatDoesNotParseIsMalformedSoTheClientIsToldRecoveredFalse() {
        EventId id = EventId.parse("garbage!/Zz9:3");
        assertTrue(id.user().isMalformed());
        assertEquals(new StreamPosition("Zz9", 3), id.broadcast());
        assertTrue(EventId.parse("no-slash-here").user().isMalformed());
        assertNull(EventId.parse("no-slash-here").broadcast());
    }

    @Test
    void framesAdvanceTheirStreamAndTheWelcomeSetsBoth() {
        StreamIds ids = new StreamIds(new EventId(null, new StreamPosition("B1", 2)));
        String replayed = V1Protocol.message(StreamKey.user(4), "U1", 5, "{\"seq\":\"not this\",\"epoch\":\"x\"}").json();
        assertEquals("U1:5/B1:2", ids.after(replayed).format(), "the other side stays what the client came with");
        assertEquals("U1:5/B1:3", ids.after(V1Protocol.message(StreamKey.BROADCAST, "B1", 3, "1").json()).format());
        String welcome = V1Protocol.welcome(true, 2, new StreamPosition("U1", 5), new StreamPosition("B1", 3)).json();
        assertEquals("U1:5/B1:3", ids.after(welcome).format());
        assertEquals("U1:6/B1:3", ids.after(V1Protocol.message(StreamKey.user(4), "U1", 6, "[]").json()).format());
        assertEquals("U1:6/B1:3", ids.after("{\"type\":\"something.else\"}").format(), "a frame of no stream keeps the id");

        StreamIds fresh = new StreamIds(EventId.NONE);
        assertEquals("U2:0/B2:9", fresh.after(V1Protocol.welcome(false, 0, new StreamPosition("U2", 0), new StreamPosition("B2", 9)).json()).format());
        String withGroups = V1Protocol.welcome(false, 0, new StreamPosition("U3", 1), new StreamPosition("B3", 2),
                java.util.Map.of("team:a", new StreamPosition("G1", 7))).json();
        assertEquals("U3:1/B3:2", fresh.after(withGroups).format(), "a welcome that names group heads sets both too");
        assertEquals("U3:1/B3:2", fresh.after(V1Protocol.message(new StreamKey.Group("team:a"), "G1", 8, "1").json()).format(),
                "a group message keeps the id");
    }
}
