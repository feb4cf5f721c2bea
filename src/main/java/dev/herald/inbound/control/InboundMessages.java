package dev.herald.inbound.control;

import dev.herald.connections.control.Connection;
import dev.herald.connections.control.HeraldCloseCodes;
import dev.herald.connections.entity.InboundMessage;
import dev.herald.platform.JsonLimits;
import dev.herald.platform.RefusalLog;
import dev.herald.stats.control.HeraldStats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import java.util.logging.Level;

/**
 * Handles frames from clients and enforces the inbound limits. Each data frame, a fragmented message's
 * continuation frames included, takes a token from the session's {@link TokenBucket}, and so does a
 * pong that answers no outstanding delivery probe; a session out of tokens is closed with 4007
 * "rate limit" (pongs to Herald's own pings do not count: their rate follows the server's). A text
 * message is measured while its frames arrive ({@link TextAssembly}): once it passes
 * {@code herald.inbound.max-bytes} the session is closed with 1009 and nothing more is buffered; a
 * binary frame closes it with 1003. Every refusal is counted and logged through {@link RefusalLog}
 * (the first in full, repeats summarised); the session's registration is dropped through its
 * sender, so the user's other sessions are untouched. An accepted frame proves the client alive;
 * valid JSON is fired as an {@link InboundMessage} CDI event, except a {@code herald.v1} session's topic
 * frames, which {@link TopicFrames} answers; malformed JSON (also JSON beyond
 * {@link JsonLimits}' depth and number bounds) is counted and logged at WARN, and the socket stays open.
 */
@ApplicationScoped
public class InboundMessages {

    @Inject
    RefusalLog refusals;
    @Inject
    HeraldStats stats;
    @Inject
    InboundConfig config;
    @Inject
    Event<InboundMessage> events;
    @Inject
    TopicFrames topics;

    /** What became of a complete text message. */
    public enum Verdict {
        /** Fired as an {@link InboundMessage} (or kept: a part of a message still arriving). */
        ACCEPTED,
        /** Not JSON, or JSON beyond the input limits: counted, the session stays open. */
        MALFORMED,
        /** Out of tokens: the session is closed with 4007. */
        RATE_LIMITED,
        /** Over {@code herald.inbound.max-bytes}: the session is closed with 1009. */
        TOO_BIG,
        /** The session was closed already: ignored. */
        CLOSED
    }

    /** Creates the bean; CDI injects its collaborators. */
    public InboundMessages() {
    }

    /** @return a full bucket for a new session, sized by {@code herald.inbound.rate} and {@code herald.inbound.burst} */
    public TokenBucket newBucket() {
        return new TokenBucket(config.rate(), config.burst(), System.nanoTime());
    }

    /** @return {@code herald.inbound.max-bytes}, the largest text message accepted */
    public int maxBytes() {
        return config.maxBytes();
    }

    /**
     * @param connection the registration the frame arrived on
     * @param bucket     the session's rate limit
     * @param assembly   the session's message so far
     * @param part       the frame's text
     * @param last       whether it ends the message
     * @return what became of it
     */
    public Verdict accept(Connection connection, TokenBucket bucket, TextAssembly assembly, String part, boolean last) {
        Verdict admitted = admit(connection, bucket);
        if (admitted != Verdict.ACCEPTED) {
            assembly.clear();
            return admitted;
        }
        if (part.length() > maxBytes() || assembly.add(part) > maxBytes()) {
            assembly.clear();
            tooBig(connection);
            return Verdict.TOO_BIG;
        }
        if (!last) {
            assembly.keep(part);
            return Verdict.ACCEPTED;
        }
        String text = assembly.complete(part);
        JsonValue payload;
        try {
            payload = JsonLimits.parse(text);
        } catch (JsonException malformed) {
            stats.malformedInbound();
            refusals.refused("inbound: malformed JSON", Level.WARNING,
                    () -> "Malformed JSON from " + connection + " (" + text.length() + " chars): " + malformed.getMessage());
            return Verdict.MALFORMED;
        }
        if (!topics.handle(connection, payload)) {
            events.fire(new InboundMessage(connection.userId(), connection.transport().id(), payload));
        }
        return Verdict.ACCEPTED;
    }

    /**
     * A pong that answered no outstanding delivery probe (unsolicited or forged): it takes a token
     * like a data frame and confirms nothing.
     *
     * @param connection the registration it arrived on
     * @param bucket     the session's rate limit
     */
    public void unsolicitedPong(Connection connection, TokenBucket bucket) {
        admit(connection, bucket); // its verdict changes nothing: a pong carries no message
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

    /** Marks the client alive and takes a token; anything but ACCEPTED when the frame must be ignored. */
    private Verdict admit(Connection connection, TokenBucket bucket) {
        connection.seen(); // also once refused: the close waits until the client stops sending (QuietClose)
        if (connection.sender().isTerminated()) {
            return Verdict.CLOSED;
        }
        if (!bucket.tryTake(System.nanoTime())) {
            refuse(connection, HeraldCloseCodes.RATE_LIMIT, "more than " + config.rate() + " frames per second (burst "
                    + config.burst() + ")");
            stats.inboundRateLimited();
            return Verdict.RATE_LIMITED;
        }
        return Verdict.ACCEPTED;
    }

    private void refuse(Connection connection, CloseReason reason, String cause) {
        refusals.refused("inbound: " + reason.getReasonPhrase(), Level.INFO, () -> "Closing " + connection + " with "
                + reason.getCloseCode().getCode() + " \"" + reason.getReasonPhrase() + "\": it sent " + cause);
        connection.sender().terminate(reason, null);
    }
}
