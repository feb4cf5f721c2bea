package dev.herald.sse.control;

import dev.herald.recovery.control.StreamPosition;

/**
 * An SSE event's {@code id:}, the positions of both {@code herald.v1} streams after that event:
 * {@code <userEpoch>:<seq>/<broadcastEpoch>:<seq>}, a side left empty while its position is unknown
 * ({@code /Ab12:3}). A browser sends the last one back as {@code Last-Event-ID} when it reconnects, so
 * one header restores both positions.
 *
 * @param user      the user stream's position, or null when unknown
 * @param broadcast the broadcast stream's position, or null when unknown
 */
public record EventId(StreamPosition user, StreamPosition broadcast) {

    /** No position on either stream. */
    public static final EventId NONE = new EventId(null, null);

    /**
     * @param value a {@code Last-Event-ID} header, or null
     * @return the positions it names; {@link #NONE} when absent or empty. A side that does not parse
     *         is a malformed position (recovered:false, as a malformed {@code since})
     */
    public static EventId parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        int slash = value.indexOf('/');
        if (slash < 0) {
            return new EventId(StreamPosition.parse(value.trim()), null);
        }
        return new EventId(side(value.substring(0, slash)), side(value.substring(slash + 1)));
    }

    private static StreamPosition side(String text) {
        String trimmed = text.trim();
        return trimmed.isEmpty() ? null : StreamPosition.parse(trimmed);
    }

    /** @return the {@code id:} text */
    public String format() {
        return side(user) + "/" + side(broadcast);
    }

    private static String side(StreamPosition position) {
        return position == null || position.isMalformed() ? "" : position.epoch() + ":" + position.seq();
    }

    /**
     * @param position the user stream's new position
     * @return this id with it
     */
    public EventId withUser(StreamPosition position) {
        return new EventId(position, broadcast);
    }

    /**
     * @param position the broadcast stream's new position
     * @return this id with it
     */
    public EventId withBroadcast(StreamPosition position) {
        return new EventId(user, position);
    }
}
