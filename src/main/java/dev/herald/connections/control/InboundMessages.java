package dev.herald.connections.control;

import dev.herald.connections.entity.InboundMessage;
import dev.herald.platform.HeraldConfig;
import dev.herald.stats.control.HeraldStats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * Handles frames from clients and enforces the inbound limits. Each data frame takes a token from the
 * session's {@link TokenBucket}; a session out of tokens is closed with 1008 "rate limit" (pongs do
 * not count: they answer Herald's own pings, so their rate follows the server's). A text
 * message over {@code herald.inbound.max-bytes} closes the session with 1009, a binary frame with 1003.
 * Every refusal is counted and logged once at INFO; the session's registration is dropped through its
 * sender, so the user's other sessions are untouched. An accepted frame proves the client alive;
 * valid JSON is fired as an {@link InboundMessage} CDI event; malformed JSON is counted and logged at
 * WARN, and the socket stays open (as in the seed).
 */
@ApplicationScoped
public class InboundMessages {

    private static final Logger LOG = Logger.getLogger(InboundMessages.class.getName());

    @Inject
    MessageCodec codec;
    @Inject
    HeraldStats stats;
    @Inject
    HeraldConfig config;
    @Inject
    Event<InboundMessage> events;

    /** Creates the bean; CDI injects its collaborators. */
    public InboundMessages() {
    }

    /** @return a full bucket for a new session, sized by {@code herald.inbound.rate} and {@code herald.inbound.burst} */
    public TokenBucket newBucket() {
        return new TokenBucket(config.inboundRate(), config.inboundBurst(), System.nanoTime());
    }

    /** @return {@code herald.inbound.max-bytes}, the largest text message accepted */
    public int maxBytes() {
        return config.inboundMaxBytes();
    }

    /**
     * @param connection the registration the frame arrived on
     * @param bucket     the session's rate limit
     * @param text       the frame's text
     */
    public void accept(Connection connection, TokenBucket bucket, String text) {
        if (!admit(connection, bucket)) {
            return;
        }
        if (text.length() > maxBytes() || text.getBytes(StandardCharsets.UTF_8).length > maxBytes()) {
            tooBig(connection);
            return;
        }
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

    /** @param connection the registration a binary frame arrived on; it is closed with 1003 */
    public void binary(Connection connection) {
        connection.seen(); // also once refused: the close waits until the client stops sending (QuietClose)
        if (!connection.sender().isTerminated()) {
            refuse(connection, HeraldCloseCodes.BINARY_NOT_ACCEPTED, "a binary frame");
            stats.inboundBinary();
        }
    }

    /** @param connection the registration a text message over the limit arrived on; it is closed with 1009 */
    public void tooBig(Connection connection) {
        if (!connection.sender().isTerminated()) {
            refuse(connection, HeraldCloseCodes.MESSAGE_TOO_BIG, "a text message over " + maxBytes() + " bytes");
            stats.inboundTooBig();
        }
    }

    /** Marks the client alive and takes a token; false when the frame must be ignored. */
    private boolean admit(Connection connection, TokenBucket bucket) {
        connection.seen(); // also once refused: the close waits until the client stops sending (QuietClose)
        if (connection.sender().isTerminated()) {
            return false;
        }
        if (!bucket.tryTake(System.nanoTime())) {
            refuse(connection, HeraldCloseCodes.RATE_LIMIT, "more than " + config.inboundRate() + " frames per second (burst "
                    + config.inboundBurst() + ")");
            stats.inboundRateLimited();
            return false;
        }
        return true;
    }

    private static void refuse(Connection connection, CloseReason reason, String cause) {
        LOG.info(() -> "Closing " + connection + " with " + reason.getCloseCode().getCode() + " \"" + reason.getReasonPhrase()
                + "\": it sent " + cause);
        connection.sender().terminate(reason, null);
    }
}
