package dev.herald.connections.control;

import dev.herald.messages.entity.OutboundMessage;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.Map;

/**
 * Turns application objects into JSON text (once per call, whatever the number of receivers) and
 * reads inbound JSON.
 */
@ApplicationScoped
public class MessageCodec {

    private final Jsonb jsonb = JsonbBuilder.create();
    // once: each Json.createReader looks the JSON-P provider up again, on Payara a ServiceLoader scan of
    // the application's class path (60 % of a notify's CPU in P4's JFR view)
    private final JsonReaderFactory readers = Json.createReaderFactory(Map.of());

    /** Creates the codec and its JSON-B engine. */
    public MessageCodec() {
    }

    /**
     * Serializes a message.
     *
     * @param message a JSON-P {@link JsonValue}, an {@link OutboundMessage} (passed through), or anything
     *                JSON-B serializes (Map, record, POJO)
     * @return the serialized message
     * @throws IllegalArgumentException when the message is null or JSON-B cannot serialize it
     */
    public OutboundMessage encode(Object message) {
        if (message == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        if (message instanceof OutboundMessage encoded) {
            return encoded;
        }
        if (message instanceof JsonValue value) {
            return OutboundMessage.of(value.toString());
        }
        try {
            return OutboundMessage.of(jsonb.toJson(message));
        } catch (JsonbException e) {
            throw new IllegalArgumentException("cannot serialize " + message.getClass().getName() + " to JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Parses JSON text.
     *
     * @param json the text
     * @return the value
     * @throws JsonParsingException when the text is not one JSON value
     */
    public JsonValue parse(String json) {
        try (var reader = readers.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }

    /**
     * Whether the top-level {@code "message"} field, the seed's message type, is {@code type} (e.g.
     * {@code MFA_REQUIRED}). Text without a backslash (no JSON escapes) that does not contain the type
     * cannot have it, so most messages are never parsed (in P4's JFR view the parse was 7 % of a
     * notify's CPU on the sending node).
     *
     * @param message a serialized message
     * @param type    the type, a string without a backslash or a double quote
     * @return true when the message is a JSON object whose {@code "message"} is that string
     */
    public boolean hasType(OutboundMessage message, String type) {
        String json = message.json();
        if (json.indexOf('\\') < 0 && !json.contains(type)) {
            return false;
        }
        try {
            return parse(json) instanceof JsonObject object && object.get("message") instanceof JsonString found
                    && found.getString().equals(type);
        } catch (RuntimeException notJson) {
            return false; // serialized by JSON-B or JSON-P: cannot happen; an OutboundMessage.of(..) with bad text has no type
        }
    }

    @PreDestroy
    void close() {
        try {
            jsonb.close();
        } catch (Exception ignored) {
            // nothing to release that matters at shutdown
        }
    }
}
