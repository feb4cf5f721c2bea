package dev.herald.sse.control;

import dev.herald.recovery.control.StreamPosition;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows one SSE session's positions through the {@code herald.v1} frames written to it, in write
 * order, and names each frame's event id ({@link EventId}). A {@code herald.message} frame advances its
 * stream; the {@code herald.welcome} frame sets both to the heads it announces. Reads only the frame's
 * head, which {@code V1Protocol} writes in a fixed form, never the message data. Not thread-safe: the
 * session's writer calls it one frame at a time.
 */
final class StreamIds {

    private static final Pattern MESSAGE = Pattern.compile(
            "\\{\"type\":\"herald\\.message\",\"stream\":\"([a-z]+)\",\"epoch\":\"([A-Za-z0-9]+)\",\"seq\":([0-9]+),");
    private static final Pattern WELCOME = Pattern.compile(
            "\\{\"type\":\"herald\\.welcome\",.*\"user\":\\{\"epoch\":\"([A-Za-z0-9]+)\",\"seq\":([0-9]+)\\},"
                    + "\"broadcast\":\\{\"epoch\":\"([A-Za-z0-9]+)\",\"seq\":([0-9]+)\\}(?:,\"groups\":\\{.*\\})?\\}"); // groups: their heads follow

    private static final String WELCOME_TYPE = "{\"type\":\"herald.welcome\"";

    private EventId current;

    /** @param start the positions the client came back with (replayed frames before the welcome keep the other side) */
    StreamIds(EventId start) {
        this.current = start;
    }

    /**
     * @param frame a {@code herald.v1} frame about to be written
     * @return the event id after it: the positions once the client has read it
     */
    EventId after(String frame) {
        Matcher message = MESSAGE.matcher(frame);
        if (message.lookingAt()) {
            StreamPosition position = new StreamPosition(message.group(2), Long.parseLong(message.group(3)));
            switch (message.group(1)) {
                case "user" -> current = current.withUser(position);
                case "broadcast" -> current = current.withBroadcast(position);
                default -> { } // a stream the id does not carry: the positions stay
            }
            return current;
        }
        Matcher welcome = WELCOME.matcher(frame);
        if (frame.startsWith(WELCOME_TYPE) && welcome.matches()) {
            current = new EventId(new StreamPosition(welcome.group(1), Long.parseLong(welcome.group(2))),
                    new StreamPosition(welcome.group(3), Long.parseLong(welcome.group(4))));
        }
        return current;
    }
}
