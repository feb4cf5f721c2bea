package dev.herald.cluster.control;

import dev.herald.connections.entity.MessageSent;
import java.util.Optional;

/**
 * What one node publishes on Herald's channel: the node it came from, the target user (or everyone)
 * and the JSON already serialized. On the wire: {@code origin \n target \n json}, target {@code *} for
 * a broadcast, so the JSON text is carried as it is, never parsed or encoded again.
 *
 * @param origin the publishing node's id (never contains a line feed)
 * @param userId the target user, or {@link MessageSent#EVERYONE}
 * @param json   the message
 */
record Envelope(String origin, long userId, String json) {

    private static final String EVERYONE = "*";

    /** @return true for a broadcast */
    boolean isBroadcast() {
        return userId == MessageSent.EVERYONE;
    }

    /** @return the wire form */
    String encode() {
        return origin + '\n' + (isBroadcast() ? EVERYONE : Long.toString(userId)) + '\n' + json;
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
        return Optional.of(new Envelope(wire.substring(0, first), userId, wire.substring(second + 1)));
    }
}
