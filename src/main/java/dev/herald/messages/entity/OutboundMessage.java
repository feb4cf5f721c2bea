package dev.herald.messages.entity;

import java.util.Objects;

/**
 * A message serialized once, ready to be queued on any number of sessions.
 *
 * @param json  the JSON text sent as one text frame
 * @param bytes its size in UTF-8 bytes, counted against each session's send buffer
 */
public record OutboundMessage(String json, int bytes) {

    /**
     * Wraps JSON text that is already serialized.
     *
     * @param json the JSON text
     * @return the message
     */
    public static OutboundMessage of(String json) {
        return new OutboundMessage(Objects.requireNonNull(json, "json"), utf8Length(json));
    }

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
