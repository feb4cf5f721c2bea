package dev.herald.recovery.control;

import dev.herald.messages.entity.StreamKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a reconnecting {@code herald.v1} client says it stopped reading, per stream: {@code since}
 * (its user stream), {@code bsince} (the broadcast stream) and one {@code gsince=<group>@<epoch>:<seq>}
 * per group stream (repeated). Each is optional. Topics give theirs in their {@code herald.subscribe} frame.
 *
 * @param user      the {@code since} position, or null
 * @param broadcast the {@code bsince} position, or null
 * @param groups    the {@code gsince} positions by group; a value whose position does not parse is a
 *                  malformed position of that group
 * @param malformed how many {@code gsince} values named no valid group (left out), or were beyond {@link #MAX_GROUPS}
 */
public record Resume(StreamPosition user, StreamPosition broadcast, Map<StreamKey.Group, StreamPosition> groups, int malformed) {

    /** No positions: a first connect. */
    public static final Resume NONE = new Resume(null, null, Map.of(), 0);

    /** The most {@code gsince} values read from one handshake. */
    public static final int MAX_GROUPS = 256;

    /** Keeps the groups read-only. */
    public Resume {
        groups = Map.copyOf(groups);
    }

    /**
     * @param user      the {@code since} position, or null
     * @param broadcast the {@code bsince} position, or null
     * @return the positions of the user and broadcast streams only
     */
    public static Resume of(StreamPosition user, StreamPosition broadcast) {
        return new Resume(user, broadcast, Map.of(), 0);
    }

    /**
     * @param since  the {@code since} value, or null
     * @param bsince the {@code bsince} value, or null
     * @param gsince the {@code gsince} values, or null
     * @return the positions
     */
    public static Resume parse(String since, String bsince, List<String> gsince) {
        Map<StreamKey.Group, StreamPosition> groups = new LinkedHashMap<>();
        int malformed = 0;
        for (String value : gsince == null ? List.<String>of() : gsince) {
            int at = value.lastIndexOf('@');
            String name = at < 0 ? null : value.substring(0, at);
            if (groups.size() == MAX_GROUPS || !StreamKey.Named.isValidName(name)) {
                malformed++;
                continue;
            }
            groups.put(new StreamKey.Group(name), StreamPosition.parse(value.substring(at + 1)));
        }
        return new Resume(StreamPosition.parse(since), StreamPosition.parse(bsince), groups, malformed);
    }
}
