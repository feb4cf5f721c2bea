package dev.herald.cluster.control;

import dev.herald.messages.entity.StreamKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What one node publishes to others: the node it came from, the target stream, the message's place
 * in its {@code herald.v1} stream when Redis sequenced it, and the JSON already serialized. On the
 * wire: {@code origin \n target \n [@epoch:seq \n] json}, target the stream's
 * {@link StreamKey#shortName()} ({@code u<id>}, {@code b}), so the JSON text is carried as it is,
 * never parsed or encoded again (JSON never starts with {@code @}, so the sequence line is
 * unambiguous).
 *
 * @param origin the publishing node's id (never contains a line feed)
 * @param stream the target stream
 * @param epoch  the stream's epoch, or null when not sequenced
 * @param seq    the message's sequence number in that epoch (0 when not sequenced)
 * @param json   the message
 */
record Envelope(String origin, StreamKey stream, String epoch, long seq, String json) {

    private static final String DISCONNECT = "!disconnect"; // never JSON: JSON never starts with '!'
    private static final String JOIN = "!join ";
    private static final String LEAVE = "!leave ";
    private static final String FORWARD = "!sse ";
    private static final String PRESENCE = "!presence ";
    private static final Pattern PRESENCE_CHANGE = Pattern.compile("([+-])([1-9][0-9]{0,18})");
    private static final Pattern FORWARD_HEAD = Pattern.compile("!sse ([A-Za-z0-9._:-]{1,100}) (-|[0-9]{1,19}) (m|big)");
    private static final Pattern SEQUENCE = Pattern.compile("@([A-Za-z0-9]{1,64}):([1-9][0-9]{0,17})");

    /**
     * An envelope without a sequence.
     *
     * @param origin the publishing node's id
     * @param stream the target stream
     * @param json   the message
     */
    Envelope(String origin, StreamKey stream, String json) {
        this(origin, stream, null, 0, json);
    }

    /**
     * A request to every other node to close a user's sessions.
     *
     * @param origin the publishing node's id
     * @param userId the user
     * @return the envelope
     */
    static Envelope disconnect(String origin, long userId) {
        return new Envelope(origin, StreamKey.user(userId), DISCONNECT);
    }

    /** @return the user whose sessions to close, for a request to close them ({@link #disconnect}) */
    Optional<Long> disconnectedUser() {
        return !isSequenced() && stream instanceof StreamKey.User user && DISCONNECT.equals(json) ? Optional.of(user.id()) : Optional.empty();
    }

    /**
     * A request to every other node to add a user's sessions there to a group, or remove them.
     *
     * @param origin the publishing node's id
     * @param userId the user
     * @param group  the group
     * @param joined true for a join, false for a leave
     * @return the envelope
     */
    static Envelope membership(String origin, long userId, StreamKey.Group group, boolean joined) {
        return new Envelope(origin, StreamKey.user(userId), (joined ? JOIN : LEAVE) + group.name());
    }

    /** @return the group change asked for, for a {@link #membership} request */
    Optional<Membership> membershipChange() {
        if (isSequenced() || !(stream instanceof StreamKey.User user)) {
            return Optional.empty();
        }
        boolean joined = json.startsWith(JOIN);
        String name = joined ? json.substring(JOIN.length()) : json.startsWith(LEAVE) ? json.substring(LEAVE.length()) : null;
        return StreamKey.Named.isValidName(name) ? Optional.of(new Membership(user.id(), new StreamKey.Group(name), joined)) : Optional.empty();
    }

    /**
     * A group change another node asked for.
     *
     * @param userId the user
     * @param group  the group
     * @param joined true for a join, false for a leave
     */
    record Membership(long userId, StreamKey.Group group, boolean joined) {
    }

    /**
     * A client's message posted here for an SSE stream of another node, to that node's own channel.
     *
     * @param origin   the publishing node's id
     * @param streamId the stream
     * @param userId   the user the request authenticated as, or empty
     * @param text     the message; null when it was over the size limit
     * @return the envelope
     */
    static Envelope forward(String origin, String streamId, OptionalLong userId, String text) {
        String head = FORWARD + streamId + " " + (userId.isPresent() ? Long.toString(userId.getAsLong()) : "-") + " " + (text == null ? "big" : "m");
        return new Envelope(origin, StreamKey.BROADCAST, text == null ? head : head + "\n" + text);
    }

    /** @return the message passed on, for a {@link #forward} */
    Optional<Forwarded> forwarded() {
        if (isSequenced() || !json.startsWith(FORWARD)) {
            return Optional.empty();
        }
        int end = json.indexOf('\n');
        var head = FORWARD_HEAD.matcher(end < 0 ? json : json.substring(0, end));
        if (!head.matches() || "big".equals(head.group(3)) != (end < 0)) {
            return Optional.empty();
        }
        OptionalLong user = "-".equals(head.group(2)) ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(head.group(2)));
        return Optional.of(new Forwarded(head.group(1), user, end < 0 ? null : json.substring(end + 1)));
    }

    /**
     * A client's message another node passed on.
     *
     * @param streamId the stream
     * @param userId   the user the request authenticated as, or empty
     * @param text     the message; null when it was over the size limit
     */
    record Forwarded(String streamId, OptionalLong userId, String text) {
    }

    /**
     * Users of one shard who came online in the cluster ({@code +id}) or went offline everywhere
     * ({@code -id}), in the order Redis saw it; published by the presence scripts
     * ({@link RedisPresence}), which write this form themselves: {@code origin \n b \n !presence +1 -2}.
     *
     * @param origin  the node whose write or heartbeat saw the change
     * @param changes the changes
     * @return the envelope
     */
    static Envelope presence(String origin, List<PresenceChange> changes) {
        StringBuilder text = new StringBuilder(PRESENCE.trim());
        changes.forEach(change -> text.append(' ').append(change.online() ? '+' : '-').append(change.userId()));
        return new Envelope(origin, StreamKey.BROADCAST, text.toString());
    }

    /** @return the users who came online or went offline, for a {@link #presence} message; empty for anything else or a malformed list */
    Optional<List<PresenceChange>> presenceChanges() {
        if (isSequenced() || stream != StreamKey.BROADCAST || !json.startsWith(PRESENCE)) {
            return Optional.empty();
        }
        List<PresenceChange> changes = new ArrayList<>();
        for (String token : json.substring(PRESENCE.length()).split(" ")) {
            var change = PRESENCE_CHANGE.matcher(token);
            if (!change.matches()) {
                return Optional.empty();
            }
            try {
                changes.add(new PresenceChange(Long.parseLong(change.group(2)), "+".equals(change.group(1))));
            } catch (NumberFormatException overLongMax) {
                return Optional.empty();
            }
        }
        return Optional.of(changes);
    }

    /**
     * A user's presence in the whole cluster changed.
     *
     * @param userId the user
     * @param online true: the user's first session in the cluster opened; false: the last one closed or its node died
     */
    record PresenceChange(long userId, boolean online) {
    }

    /** @return true when Redis gave the message its place in a {@code herald.v1} stream */
    boolean isSequenced() {
        return epoch != null;
    }

    /** @return the wire form */
    String encode() {
        return origin + '\n' + stream.shortName() + '\n' + (isSequenced() ? "@" + epoch + ":" + seq + "\n" : "") + json;
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
        Optional<StreamKey> target = StreamKey.ofShortName(wire.substring(first + 1, second));
        if (target.isEmpty()) {
            return Optional.empty();
        }
        String origin = wire.substring(0, first);
        if (wire.startsWith("@", second + 1)) {
            int third = wire.indexOf('\n', second + 1);
            var sequence = SEQUENCE.matcher(third < 0 ? "" : wire.substring(second + 1, third));
            if (!sequence.matches()) {
                return Optional.empty();
            }
            return Optional.of(new Envelope(origin, target.get(), sequence.group(1), Long.parseLong(sequence.group(2)), wire.substring(third + 1)));
        }
        return Optional.of(new Envelope(origin, target.get(), wire.substring(second + 1)));
    }
}
