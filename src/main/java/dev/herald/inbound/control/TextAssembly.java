package dev.herald.inbound.control;

/**
 * One session's text message while its frames arrive: the parts so far and their size in UTF-8
 * bytes, so that {@link InboundMessages} can refuse a fragmented message as soon as it passes
 * {@code herald.inbound.max-bytes}, before the rest is buffered. Used by one session's container
 * thread at a time (the container delivers a session's frames in order).
 */
public final class TextAssembly {

    private final StringBuilder parts = new StringBuilder();
    private long bytes;

    /** Creates an empty assembly for a new session. */
    public TextAssembly() {
    }

    /**
     * @param part the next part of the message
     * @return the message's size in UTF-8 bytes with this part
     */
    long add(String part) {
        bytes += utf8Length(part);
        return bytes;
    }

    /** @param part a part that is not the last one: kept until the message is complete */
    void keep(String part) {
        parts.append(part);
    }

    /**
     * @param last the message's last part
     * @return the whole message; the assembly is empty again
     */
    String complete(String last) {
        String whole = parts.isEmpty() ? last : parts.append(last).toString();
        clear();
        return whole;
    }

    /** Drops what was buffered (the message was refused). */
    void clear() {
        parts.setLength(0);
        parts.trimToSize();
        bytes = 0;
    }

    /**
     * @param text a string
     * @return its length in UTF-8 bytes, counted without encoding it (a surrogate half counts 2, a pair 4)
     */
    static long utf8Length(CharSequence text) {
        long length = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x800) {
                length += Character.isSurrogate(c) ? 1 : 2;
            } else if (c >= 0x80) {
                length += 1;
            }
        }
        return length;
    }
}
