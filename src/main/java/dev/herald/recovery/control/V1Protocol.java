package dev.herald.recovery.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import java.security.SecureRandom;
import java.util.Map;
import java.util.StringJoiner;

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
     * @return the {@code herald.message} frame (a group's or topic's with its {@code "name"} after {@code "stream"})
     */
    public static OutboundMessage message(StreamKey streamKey, String epoch, long seq, String data) {
        String name = streamKey instanceof StreamKey.Named named ? "\",\"name\":\"" + named.name() : "";
        return OutboundMessage.of("{\"type\":\"herald.message\",\"stream\":\"" + streamKey.wireName() + name + "\",\"epoch\":\""
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
        return welcome(recovered, replayed, user, broadcast, Map.of());
    }

    /**
     * @param recovered whether every position the client gave was fully replayed
     * @param replayed  how many messages were replayed before this frame
     * @param user      the user stream's epoch and head at the moment the session went live
     * @param broadcast the broadcast stream's epoch and head at that moment
     * @param groups    the heads of the session's group streams by name; none: no {@code "groups"} field
     * @return the {@code herald.welcome} frame
     */
    public static OutboundMessage welcome(boolean recovered, int replayed, StreamPosition user, StreamPosition broadcast,
                                          Map<String, StreamPosition> groups) {
        StringBuilder frame = new StringBuilder("{\"type\":\"herald.welcome\",\"recovered\":").append(recovered)
                .append(",\"replayed\":").append(replayed)
                .append(",\"user\":").append(head(user)).append(",\"broadcast\":").append(head(broadcast));
        if (!groups.isEmpty()) {
            StringJoiner heads = new StringJoiner(",", ",\"groups\":{", "}");
            groups.forEach((name, head) -> heads.add("\"" + name + "\":" + head(head)));
            frame.append(heads);
        }
        return OutboundMessage.of(frame.append('}').toString());
    }

    /**
     * @param topic     the topic subscribed to
     * @param head      the topic stream's epoch and head once the replay was queued, or null when unknown (cluster mode)
     * @param recovered true when the client gave a position and everything after it was replayed
     * @param replayed  how many messages were replayed before this frame
     * @return the {@code herald.subscribed} frame
     */
    public static OutboundMessage subscribed(String topic, StreamPosition head, boolean recovered, int replayed) {
        return OutboundMessage.of("{\"type\":\"herald.subscribed\",\"topic\":\"" + topic + "\",\"recovered\":" + recovered
                + ",\"replayed\":" + replayed + (head == null ? "" : ",\"epoch\":\"" + head.epoch() + "\",\"seq\":" + head.seq()) + "}");
    }

    /**
     * @param topic  the topic as the client sent it, already checked to be a valid name, or null when it was not
     * @param reason why: {@code forbidden}, {@code limit}, {@code invalid} or the policy's own word
     * @return the {@code herald.refused} frame
     */
    public static OutboundMessage refused(String topic, String reason) {
        return OutboundMessage.of("{\"type\":\"herald.refused\",\"topic\":" + (topic == null ? "null" : "\"" + topic + "\"")
                + ",\"reason\":\"" + reason + "\"}");
    }

    /**
     * @param topic the topic left
     * @return the {@code herald.unsubscribed} frame
     */
    public static OutboundMessage unsubscribed(String topic) {
        return OutboundMessage.of("{\"type\":\"herald.unsubscribed\",\"topic\":\"" + topic + "\"}");
    }

    private static String head(StreamPosition head) {
        return "{\"epoch\":\"" + head.epoch() + "\",\"seq\":" + head.seq() + "}";
    }
}
