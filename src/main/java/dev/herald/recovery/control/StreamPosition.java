package dev.herald.recovery.control;

import java.util.regex.Pattern;

/**
 * Where a {@code herald.v1} client says it stopped reading one stream: the {@code since} or
 * {@code bsince} query parameter, {@code <epoch>:<seq>}. A value that does not parse is kept as a
 * {@linkplain #isMalformed() malformed} position: it matches no epoch, so the client is told
 * {@code recovered:false} and gets whatever the stream still holds.
 *
 * @param epoch the stream's epoch the client saw, or null when malformed
 * @param seq   the last sequence number the client saw (0: none of this epoch)
 */
public record StreamPosition(String epoch, long seq) {

    private static final Pattern FORM = Pattern.compile("([A-Za-z0-9]{1,64}):([0-9]{1,18})");
    private static final StreamPosition MALFORMED = new StreamPosition(null, -1);

    /**
     * @param value the query parameter's value, or null when absent
     * @return null when absent; a malformed position when it does not parse; the position otherwise
     */
    public static StreamPosition parse(String value) {
        if (value == null) {
            return null;
        }
        var match = FORM.matcher(value);
        return match.matches() ? new StreamPosition(match.group(1), Long.parseLong(match.group(2))) : MALFORMED;
    }

    /** @return true when the client sent something that is not {@code <epoch>:<seq>} */
    public boolean isMalformed() {
        return epoch == null;
    }

    @Override
    public String toString() {
        return isMalformed() ? "malformed" : epoch + ":" + seq;
    }
}
