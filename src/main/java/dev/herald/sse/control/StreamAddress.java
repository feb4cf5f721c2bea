package dev.herald.sse.control;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stream's id, which tells the node that holds it without a lookup: 128 random bits in unpadded
 * base64url (22 characters of {@code [A-Za-z0-9_-]}) on a single node, {@code <node>.<those 22>} in a
 * cluster. A node id is {@code [A-Za-z0-9._:-]{1,64}}; the random part never holds a {@code .}, so the
 * last {@code .} splits the two unambiguously, and every character is allowed in a URL path segment.
 */
public final class StreamAddress {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORM = Pattern.compile("(?:([A-Za-z0-9._:-]{1,64})\\.)?[A-Za-z0-9_-]{22}");

    private StreamAddress() {
    }

    /**
     * @param node this node's id in a cluster, or null on a single node
     * @return a new stream id
     */
    public static String newId(String node) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String random = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return node == null ? random : node + "." + random;
    }

    /**
     * @param id a stream id as a client gave it
     * @return true when it has the form of one
     */
    public static boolean isWellFormed(String id) {
        return id != null && FORM.matcher(id).matches();
    }

    /**
     * @param id a stream id
     * @return the node it names; empty for a single node's id or a malformed one
     */
    public static Optional<String> nodeOf(String id) {
        Matcher matcher = id == null ? null : FORM.matcher(id);
        return matcher != null && matcher.matches() ? Optional.ofNullable(matcher.group(1)) : Optional.empty();
    }
}
