package dev.herald.sse.control;

import dev.herald.handshake.control.UserIdResolver;
import dev.herald.inbound.control.InboundMessages;
import dev.herald.inbound.control.TextAssembly;
import dev.herald.platform.RefusalLog;
import dev.herald.stats.control.HeraldStats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.OptionalLong;
import java.util.logging.Level;

/**
 * A client's messages over the SSE transport: {@code POST sse/{id}/messages}, one JSON message per
 * request, handled as a WebSocket text message of that stream ({@link InboundMessages}: the same size
 * and rate limits, the same {@code InboundMessage} event, the same close of the stream on a refusal).
 * The stream's id is the credential: it was given only on that stream. A request that carries a
 * principal must be that stream's user. Refusals are problem+json ({@link StreamRefusedException}).
 */
@ApplicationScoped
public class SseMessages {

    @Inject
    SseStreams streams;
    @Inject
    InboundMessages inbound;
    @Inject
    UserIdResolver resolver;
    @Inject
    RefusalLog refusals;
    @Inject
    HeraldStats stats;

    private static final String TOO_BIG = "The message is over herald.inbound.max-bytes; the stream is closed";

    /** Creates the bean; CDI injects its collaborators. */
    public SseMessages() {
    }

    /**
     * @param id        the stream's id
     * @param principal the request's principal, or null
     * @param body      the request body, read here up to {@code herald.inbound.max-bytes}
     * @throws StreamRefusedException 404 {@code UNKNOWN_STREAM} (not open on this node), 403
     *                                {@code FOREIGN_STREAM}, 413 {@code MESSAGE_TOO_BIG} (the stream is
     *                                closed with 1009), 429 {@code RATE_LIMIT} (closed with 4007), 400
     *                                {@code MALFORMED_JSON}, 410 {@code STREAM_CLOSED}
     */
    public void accept(String id, Principal principal, InputStream body) {
        SseStreams.Open stream = streams.find(id).orElseThrow(() -> {
            refusals.refused("sse: unknown stream", Level.INFO, () -> "Refused a message to an SSE stream this node does not hold");
            return new StreamRefusedException(404, "No such stream on this node", "UNKNOWN_STREAM");
        });
        if (principal != null) {
            OptionalLong user = resolver.resolve(principal);
            if (user.isEmpty() || user.getAsLong() != stream.connection().userId()) {
                refusals.refused("sse: foreign stream", Level.INFO, () -> "Refused a message from " + RefusalLog.printable(principal.getName())
                        + " to a stream of user " + stream.connection().userId());
                throw new StreamRefusedException(403, "The stream belongs to another user", "FOREIGN_STREAM");
            }
        }
        String text = read(body, stream);
        InboundMessages.Verdict verdict = text == null ? InboundMessages.Verdict.MALFORMED
                : inbound.accept(stream.connection(), stream.bucket(), new TextAssembly(), text, true);
        switch (verdict) {
            case ACCEPTED -> { }
            case MALFORMED -> throw new StreamRefusedException(400, "The message is not JSON within Herald's input limits", "MALFORMED_JSON");
            case RATE_LIMITED -> throw new StreamRefusedException(429, "More messages than the inbound rate limit; the stream is closed", "RATE_LIMIT");
            case TOO_BIG -> throw new StreamRefusedException(413, TOO_BIG, "MESSAGE_TOO_BIG");
            case CLOSED -> throw new StreamRefusedException(410, "The stream is closing", "STREAM_CLOSED");
        }
    }

    /** @return the body as text; null when it is not UTF-8 (a too big body closes the stream and throws) */
    private String read(InputStream body, SseStreams.Open stream) {
        int max = inbound.maxBytes();
        byte[] bytes;
        try {
            bytes = body.readNBytes(max + 1);
        } catch (IOException e) {
            throw new StreamRefusedException(400, "The message could not be read", "MALFORMED_JSON");
        }
        if (bytes.length > max) {
            inbound.tooBig(stream.connection());
            throw new StreamRefusedException(413, TOO_BIG, "MESSAGE_TOO_BIG");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            stats.malformedInbound();
            return null;
        }
    }
}
