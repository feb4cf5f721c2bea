package dev.herald.cluster.control;

import dev.herald.connections.entity.MessageSent;
import dev.herald.messages.entity.StreamKey;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one node publishes on Herald's channel: the node it came from, the target user (or everyone),
 * the message's place in its {@code herald.v1} stream when Redis sequenced it, and the JSON already
 * serialized. On the wire: {@code origin \n target \n [@epoch:seq \n] json}, target {@code *} for a
 * broadcast, so the JSON text is carried as it is, never parsed or encoded again (JSON never starts
 * with {@code @}, so the sequence line is unambiguous).
 *
 * @param origin the publishing node's id (never contains a line feed)
 * @param userId the target user, or {@link MessageSent#EVERYONE}
 * @param epoch  the stream's epoch, or null when not sequenced
 * @param seq    the message's sequence number in that epoch (0 when not sequenced)
 * @param json   the message
 */
record Envelope(String origin, long userId, String epoch, long seq, String json) {

    private static final String EVERYONE = "*";
    private static final String DISCONNECT = "!disconnect"; // never JSON: JSON never starts with '!'
    private static final Pattern SEQUENCE = Pattern.compile("@([A-Za-z0-9]{1,64}):([1-9][0-9]{0,17})");

    /**
     * An envelope without a sequence.
     *
     * @param origin the publishing node's id
     * @param userId the target user, or {@link MessageSent#EVERYONE}
     * @param json   the message
     */
    Envelope(String origin, long userId, String json) {
        this(origin, userId, null, 0, json);
    }

    /**
     * A request to every other node to close a user's sessions.
     *
     * @param origin the publishing node's id
     * @param userId the user
     * @return the envelope
     */
    static Envelope disconnect(String origin, long userId) {
        return new Envelope(origin, userId, DISCONNECT);
    }

    /** @return true for a request to close the user's sessions ({@link #disconnect}) */
    boolean isDisconnect() {
        return !isSequenced() && !isBroadcast() && DISCONNECT.equals(json);
    }

    /** @return true for a broadcast */
    boolean isBroadcast() {
        return userId == MessageSent.EVERYONE;
    }

    /** @return the stream of a message (not of a disconnect request) */
    StreamKey stream() {
        return isBroadcast() ? StreamKey.BROADCAST : StreamKey.user(userId);
    }

    /**
     * @param stream a stream
     * @return its target line: {@code *} for the broadcast stream, else the user id
     */
    static String target(StreamKey stream) {
        return stream instanceof StreamKey.User user ? Long.toString(user.id()) : EVERYONE;
    }

    /** @return true when Redis gave the message its place in a {@code herald.v1} stream */
    boolean isSequenced() {
        return epoch != null;
    }

    /**
     * @param userId a user, or {@link MessageSent#EVERYONE}
     * @return the target line
     */
    static String target(long userId) {
        return userId == MessageSent.EVERYONE ? EVERYONE : Long.toString(userId);
    }

    /** @return the wire form */
    String encode() {
        return origin + '\n' + target(userId) + '\n' + (isSequenced() ? "@" + epoch + ":" + seq + "\n" : "") + json;
    }

    /**
     * @param wire a published message
     * @return the envelope, or empty when the text is not one
     */
    static Optional<Envelope> decode(String wire) {
        int first = wire.indexOf('\n');
        int second = first < 0 ? -1 : wire.indexOf('\n', first + 1);
        if (first <= 0 || second < 0) {
            return Optional.empty();
        }
        String target = wire.substring(first + 1, second);
        long userId;
        if (EVERYONE.equals(target)) {
            userId = MessageSent.EVERYONE;
        } else {
            try {
                userId = Long.parseLong(target);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (userId <= 0) {
                return Optional.empty();
            }
        }
        String origin = wire.substring(0, first);
        if (wire.startsWith("@", second + 1)) {
            int third = wire.indexOf('\n', second + 1);
            var sequence = SEQUENCE.matcher(third < 0 ? "" : wire.substring(second + 1, third));
            if (!sequence.matches()) {
                return Optional.empty();
            }
            return Optional.of(new Envelope(origin, userId, sequence.group(1), Long.parseLong(sequence.group(2)), wire.substring(third + 1)));
        }
        return Optional.of(new Envelope(origin, userId, wire.substring(second + 1)));
    }
}
