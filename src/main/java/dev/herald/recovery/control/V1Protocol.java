package dev.herald.recovery.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import java.security.SecureRandom;

/**
 * The frames of the {@code herald.v1} subprotocol (docs/protocol.md, "Delivery guarantees"): every message as
 * {@code {"type":"herald.message","stream":…,"epoch":…,"seq":N,"data":<the bare JSON>}} and, once per
 * session after its replay, {@code {"type":"herald.welcome",…}}. Built by concatenation: epochs are
 * letters and digits only and the data is JSON text already, so nothing is parsed or escaped twice.
 */
public final class V1Protocol {

    /** The subprotocol a client asks for to get sequenced, recoverable messages. */
    public static final String SUBPROTOCOL = "herald.v1";

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private V1Protocol() {
    }

    /** @return a new random epoch: 12 letters and digits (71 bits) */
    public static String newEpoch() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        char[] epoch = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            epoch[i] = ALPHABET[(bytes[i] & 0xff) % ALPHABET.length];
        }
        return new String(epoch);
    }

    /**
     * @param streamKey the stream
     * @param epoch     the stream's epoch
     * @param seq       the message's sequence number in that epoch
     * @param data      the bare JSON, exactly as a plain session receives it
     * @return the {@code herald.message} frame
     */
    public static OutboundMessage message(StreamKey streamKey, String epoch, long seq, String data) {
        return OutboundMessage.of("{\"type\":\"herald.message\",\"stream\":\"" + streamKey.wireName() + "\",\"epoch\":\""
                + epoch + "\",\"seq\":" + seq + ",\"data\":" + data + "}");
    }

    /**
     * @param recovered whether every position the client gave was fully replayed
     * @param replayed  how many messages were replayed before this frame
     * @param user      the user stream's epoch and head at the moment the session went live
     * @param broadcast the broadcast stream's epoch and head at that moment
     * @return the {@code herald.welcome} frame
     */
    public static OutboundMessage welcome(boolean recovered, int replayed, StreamPosition user, StreamPosition broadcast) {
        return OutboundMessage.of("{\"type\":\"herald.welcome\",\"recovered\":" + recovered + ",\"replayed\":" + replayed
                + ",\"user\":" + head(user) + ",\"broadcast\":" + head(broadcast) + "}");
    }

    private static String head(StreamPosition head) {
        return "{\"epoch\":\"" + head.epoch() + "\",\"seq\":" + head.seq() + "}";
    }
}
