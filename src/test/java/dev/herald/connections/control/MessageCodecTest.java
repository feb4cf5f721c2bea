package dev.herald.connections.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.messages.entity.OutboundMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private final MessageCodec codec = new MessageCodec();

    @Test
    void theTypeIsTheTopLevelMessageField() {
        assertTrue(codec.hasType(codec.encode(Map.of("message", "MFA_REQUIRED", "code", 7)), "MFA_REQUIRED"));
        assertFalse(codec.hasType(codec.encode(Map.of("message", "MFA_REQUIRED_LATER")), "MFA_REQUIRED"));
        assertFalse(codec.hasType(codec.encode(Map.of("note", "MFA_REQUIRED")), "MFA_REQUIRED"), "another field");
        assertFalse(codec.hasType(OutboundMessage.of("{\"inner\":{\"message\":\"MFA_REQUIRED\"}}"), "MFA_REQUIRED"), "not top level");
        assertFalse(codec.hasType(OutboundMessage.of("[\"MFA_REQUIRED\"]"), "MFA_REQUIRED"), "not an object");
        assertFalse(codec.hasType(OutboundMessage.of("{\"message\":\"MFA_REQUIRED\""), "MFA_REQUIRED"), "not JSON");
    }

    @Test
    void anEscapedTypeIsStillFound() {
        // an escaped M (backslash, u004d): the text does not contain MFA_REQUIRED, the JSON string is MFA_REQUIRED
        assertTrue(codec.hasType(OutboundMessage.of("{\"message\":\"\\u004dFA_REQUIRED\"}"), "MFA_REQUIRED"));
        assertTrue(codec.hasType(OutboundMessage.of("{\"a\":\"x\\\"y\",\"message\":\"MFA_REQUIRED\"}"), "MFA_REQUIRED"));
    }
}
