package dev.herald.connections.control;

import dev.herald.connections.entity.InboundMessage;
import dev.herald.stats.control.HeraldStats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import java.util.logging.Logger;

/**
 * Handles text frames from clients: any frame proves the client alive; valid JSON is fired as an
 * {@link InboundMessage} CDI event; malformed JSON is counted and logged at WARN, and the socket
 * stays open (as in the seed).
 */
@ApplicationScoped
public class InboundMessages {

    private static final Logger LOG = Logger.getLogger(InboundMessages.class.getName());

    @Inject
    MessageCodec codec;
    @Inject
    HeraldStats stats;
    @Inject
    Event<InboundMessage> events;

    /** Creates the bean; CDI injects its collaborators. */
    public InboundMessages() {
    }

    /**
     * @param connection the registration the frame arrived on
     * @param text       the frame's text
     */
    public void accept(Connection connection, String text) {
        connection.seen();
        JsonValue payload;
        try {
            payload = codec.parse(text);
        } catch (JsonException malformed) {
            stats.malformedInbound();
            LOG.warning(() -> "Malformed JSON from " + connection + " (" + text.length() + " chars): " + malformed.getMessage());
            return;
        }
        events.fire(new InboundMessage(connection.userId(), connection.session().getId(), payload));
    }
}
