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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;

/**
 * A client's messages over the SSE transport: {@code POST sse/{id}/messages}, one JSON message per
 * request, handled as a WebSocket text message of that stream ({@link InboundMessages}: the same size
 * and rate limits, the same {@code InboundMessage} event, the same close of the stream on a refusal).
 * The stream's id is the credential: it was given only on that stream. A request that carries a
 * principal must be that stream's user. Refusals are problem+json ({@link StreamRefusedException}). A
 * message for a stream of another node ({@link StreamAddress}) is checked here as far as this node can,
 * then passed on to that node ({@link StreamForwarding}), which handles it as one posted there.
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
    @Inject
    StreamForwarding forwarding;

    private static final String TOO_BIG = "The message is over herald.inbound.max-bytes; the stream is closed";

    /** Creates the bean; CDI injects its collaborators. */
    public SseMessages() {
    }

    /**
     * @param id        the stream's id
     * @param principal the request's principal, or null
     * @param body      the request body, read here up to {@code herald.inbound.max-bytes}
     * @throws StreamRefusedException 404 {@code UNKNOWN_STREAM} (not open on this node, nor on a node of
     *                                the cluster), 503 {@code CLUSTER_UNREACHABLE} (the stream's node cannot
     *                                be reached), 403
     *                                {@code FOREIGN_STREAM}, 413 {@code MESSAGE_TOO_BIG} (the stream is
     *                                closed with 1009), 429 {@code RATE_LIMIT} (closed with 4007), 400
     *                                {@code MALFORMED_JSON}, 410 {@code STREAM_CLOSED}
     */
    public void accept(String id, Principal principal, InputStream body) {
        Optional<SseStreams.Open> found = streams.find(id);
        if (found.isEmpty()) {
            forward(id, principal, body);
            return;
        }
        SseStreams.Open stream = found.get();
        if (principal != null && !isOwner(stream, resolver.resolve(principal))) {
            refusals.refused("sse: foreign stream", Level.INFO, () -> "Refused a message from " + RefusalLog.printable(principal.getName())
                    + " to a stream of user " + stream.connection().userId());
            throw new StreamRefusedException(403, "The stream belongs to another user", "FOREIGN_STREAM");
        }
        byte[] bytes = read(body);
        if (bytes.length > inbound.maxBytes()) {
            tooBig(stream);
            throw new StreamRefusedException(413, TOO_BIG, "MESSAGE_TOO_BIG");
        }
        String text = decode(bytes);
        InboundMessages.Verdict verdict = text == null ? InboundMessages.Verdict.MALFORMED : handle(stream, text);
        switch (verdict) {
            case ACCEPTED -> { }
            case MALFORMED -> throw new StreamRefusedException(400, "The message is not JSON within Herald's input limits", "MALFORMED_JSON");
            case RATE_LIMITED -> throw new StreamRefusedException(429, "More messages than the inbound rate limit; the stream is closed", "RATE_LIMIT");
            case TOO_BIG -> throw new StreamRefusedException(413, TOO_BIG, "MESSAGE_TOO_BIG");
            case CLOSED -> throw new StreamRefusedException(410, "The stream is closing", "STREAM_CLOSED");
        }
    }

    /**
     * A message for a stream this node does not hold: checked as far as this node can (the id's form
     * and node, the principal, the size, UTF-8), then passed on to the node the id names, whose verdict
     * the client learns on the stream.
     */
    private void forward(String id, Principal principal, InputStream body) {
        Optional<String> node = StreamAddress.nodeOf(id);
        if (node.isEmpty()) {
            throw unknown();
        }
        OptionalLong user = OptionalLong.empty();
        if (principal != null) {
            user = resolver.resolve(principal);
            if (user.isEmpty()) {
                refusals.refused("sse: foreign stream", Level.INFO, () -> "Refused a message from " + RefusalLog.printable(principal.getName())
                        + ", who is no user, to a stream of another node");
                throw new StreamRefusedException(403, "The stream belongs to another user", "FOREIGN_STREAM");
            }
        }
        byte[] bytes = read(body);
        boolean tooBig = bytes.length > inbound.maxBytes();
        String text = tooBig ? null : decode(bytes);
        if (!tooBig && text == null) {
            throw new StreamRefusedException(400, "The message is not JSON within Herald's input limits", "MALFORMED_JSON");
        }
        StreamForwarding.Outcome outcome = forwarding.forward(node.get(), id, user, text);
        switch (outcome) {
            case FORWARDED -> stats.sseForwarded();
            case NO_SUCH_NODE -> throw unknown();
            case UNREACHABLE -> {
                refusals.refused("sse: forward failed", Level.WARNING, () -> "Could not pass a message on to its stream's node: Redis is unreachable");
                throw new StreamRefusedException(503, "The stream's node cannot be reached now: Redis is unreachable", "CLUSTER_UNREACHABLE");
            }
        }
        if (tooBig) {
            throw new StreamRefusedException(413, TOO_BIG, "MESSAGE_TOO_BIG");
        }
    }

    private StreamRefusedException unknown() {
        refusals.refused("sse: unknown stream", Level.INFO, () -> "Refused a message to an SSE stream no node of the cluster holds");
        return new StreamRefusedException(404, "No such stream", "UNKNOWN_STREAM");
    }

    /**
     * @param stream the stream
     * @param user   the user a request authenticated as, resolved
     * @return true when that is the stream's user
     */
    static boolean isOwner(SseStreams.Open stream, OptionalLong user) {
        return user.isPresent() && user.getAsLong() == stream.connection().userId();
    }

    /**
     * One message of the stream, handled as a WebSocket text message (a refusal closes the stream).
     *
     * @param stream the stream
     * @param text   the message
     * @return the verdict
     */
    InboundMessages.Verdict handle(SseStreams.Open stream, String text) {
        return inbound.accept(stream.connection(), stream.bucket(), new TextAssembly(), text, true);
    }

    /** @param stream a stream a message over {@code herald.inbound.max-bytes} was posted to: it is closed with 1009 */
    void tooBig(SseStreams.Open stream) {
        inbound.tooBig(stream.connection());
    }

    /** @return the body, up to one byte over {@code herald.inbound.max-bytes} */
    private byte[] read(InputStream body) {
        try {
            return body.readNBytes(inbound.maxBytes() + 1);
        } catch (IOException e) {
            throw new StreamRefusedException(400, "The message could not be read", "MALFORMED_JSON");
        }
    }

    /** @return the bytes as text; null (counted as malformed) when they are not UTF-8 */
    private String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            stats.malformedInbound();
            return null;
        }
    }
}
