package dev.herald.recovery.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a connecting {@code herald.v1} session receives before it goes live: the messages it missed
 * on its user stream and the broadcast stream, merged in the order they were recorded, then the
 * {@code herald.welcome} frame. The same rules hold whether the history is in memory or in Redis:
 *
 * <ul>
 * <li>no position for a stream: nothing of it is replayed, and it does not count against
 * {@code recovered};</li>
 * <li>a position in the stream's current epoch at or behind the head: every message after it; complete
 * when the first one needed is still held;</li>
 * <li>a position of another epoch, or malformed: everything the stream still holds, incomplete;</li>
 * <li>a position ahead of the head: nothing, incomplete.</li>
 * </ul>
 * {@code recovered} is true only when at least one position was given and every given one is complete.
 * A replay is bounded ({@link Bound}: {@code herald.recovery.max-bytes} and
 * {@code herald.recovery.max-messages}): when what was missed is larger, only the newest messages that
 * fit are replayed, in order, and {@code recovered} is false. So the session continues at the heads
 * without a gap, and the replay alone never fills its send buffer.
 *
 * @param frames    the replayed messages, then the welcome
 * @param replayed  how many messages were replayed
 * @param requested true when the client gave at least one position
 * @param recovered true when every given position was fully replayed
 * @param userHead  the user stream's epoch and head
 * @param broadcastHead the broadcast stream's epoch and head
 * @param groupHeads the heads of the session's group streams
 */
public record Replay(List<OutboundMessage> frames, int replayed, boolean requested, boolean recovered,
                     StreamPosition userHead, StreamPosition broadcastHead, Map<StreamKey.Group, StreamPosition> groupHeads) {

    /**
     * A replay of the user and broadcast streams only.
     *
     * @param frames        the replayed messages, then the welcome
     * @param replayed      how many messages were replayed
     * @param requested     true when the client gave at least one position
     * @param recovered     true when every given position was fully replayed
     * @param userHead      the user stream's epoch and head
     * @param broadcastHead the broadcast stream's epoch and head
     */
    public Replay(List<OutboundMessage> frames, int replayed, boolean requested, boolean recovered,
                  StreamPosition userHead, StreamPosition broadcastHead) {
        this(frames, replayed, requested, recovered, userHead, broadcastHead, Map.of());
    }

    /**
     * One more stream of a replay: a group's (or, on subscribing, a topic's).
     *
     * @param key   the stream
     * @param given the client's position, or null
     * @param head  the stream's epoch and head
     * @param held  the stream's messages after {@code replayAfter(given, head)}, oldest first
     */
    public record Part(StreamKey key, StreamPosition given, StreamPosition head, List<Held> held) {
    }

    /**
     * The same replay, but reported incomplete: the client gave positions of streams that cannot be
     * replayed here (group streams while the cluster's relay holds them).
     *
     * @return the replay with {@code recovered:false} in its welcome
     */
    public Replay unrecovered() {
        if (!recovered && requested) {
            return this;
        }
        List<OutboundMessage> changed = new ArrayList<>(frames.subList(0, frames.size() - 1));
        changed.add(V1Protocol.welcome(false, replayed, userHead, broadcastHead, names(groupHeads)));
        return new Replay(List.copyOf(changed), replayed, true, false, userHead, broadcastHead, groupHeads);
    }

    /**
     * What a session that subscribes to a topic gets before the {@code herald.subscribed} frame.
     *
     * @param part  the topic stream, the client's position and what it holds after it
     * @param bound the most the replay may send
     * @return the replayed frames, the newest that fit, oldest first; {@link #recovered()} tells whether
     *         a position was given and all after it is among them
     */
    public static Replay topic(Part part, Bound bound) {
        List<OutboundMessage> frames = new ArrayList<>();
        part.held().forEach(held -> frames.add(held.frame()));
        int fit = fitting(frames, bound);
        boolean recovered = part.given() != null && complete(part.given(), part.head(), part.held()) && fit == frames.size();
        List<OutboundMessage> sent = List.copyOf(frames.subList(frames.size() - fit, frames.size()));
        return new Replay(sent, sent.size(), part.given() != null, recovered, part.head(), part.head(), Map.of());
    }

    /**
     * One message a stream still holds.
     *
     * @param seq   its sequence number
     * @param order when it was recorded, comparable within one history (nanos in memory, ms in Redis)
     * @param frame its {@code herald.message} frame
     */
    public record Held(long seq, long order, OutboundMessage frame) {
    }

    /**
     * @param given the client's position, or null
     * @param head  the stream's epoch and last sequence number
     * @return the sequence number after which held messages are replayed; {@link Long#MAX_VALUE} for none
     */
    public static long replayAfter(StreamPosition given, StreamPosition head) {
        if (given == null) {
            return Long.MAX_VALUE;
        }
        if (given.isMalformed() || !given.epoch().equals(head.epoch())) {
            return 0;
        }
        return given.seq() > head.seq() ? Long.MAX_VALUE : given.seq();
    }

    /**
     * @param given    the client's position, or null
     * @param head     the stream's epoch and last sequence number
     * @param replayed what the stream holds after {@link #replayAfter}, oldest first
     * @return true when nothing the client missed is absent from {@code replayed}
     */
    static boolean complete(StreamPosition given, StreamPosition head, List<Held> replayed) {
        if (given == null) {
            return true;
        }
        if (given.isMalformed() || !given.epoch().equals(head.epoch()) || given.seq() > head.seq()) {
            return false;
        }
        return given.seq() == head.seq() || !replayed.isEmpty() && replayed.get(0).seq() == given.seq() + 1;
    }

    /**
     * The most a replay may send.
     *
     * @param maxBytes    bytes of replayed frames
     * @param maxMessages replayed frames
     */
    public record Bound(long maxBytes, int maxMessages) {
        /** No bound (tests). */
        public static final Bound NONE = new Bound(Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * An unbounded replay (see {@link #plan(StreamPosition, StreamPosition, List, StreamPosition, StreamPosition, List, Bound)}).
     *
     * @param user           the client's user-stream position, or null
     * @param userHead       the user stream's epoch and head
     * @param userHeld       the user stream's messages after {@code replayAfter(user, userHead)}, oldest first
     * @param broadcast      the client's broadcast-stream position, or null
     * @param broadcastHead  the broadcast stream's epoch and head
     * @param broadcastHeld  the broadcast stream's messages after {@code replayAfter(broadcast, broadcastHead)}
     * @return the replay and welcome
     */
    public static Replay plan(StreamPosition user, StreamPosition userHead, List<Held> userHeld,
                              StreamPosition broadcast, StreamPosition broadcastHead, List<Held> broadcastHeld) {
        return plan(user, userHead, userHeld, broadcast, broadcastHead, broadcastHeld, Bound.NONE);
    }

    /**
     * @param user           the client's user-stream position, or null
     * @param userHead       the user stream's epoch and head
     * @param userHeld       the user stream's messages after {@code replayAfter(user, userHead)}, oldest first
     * @param broadcast      the client's broadcast-stream position, or null
     * @param broadcastHead  the broadcast stream's epoch and head
     * @param broadcastHeld  the broadcast stream's messages after {@code replayAfter(broadcast, broadcastHead)}
     * @param bound          the most the replay may send; older messages beyond it are left out
     * @return the replay and welcome
     */
    public static Replay plan(StreamPosition user, StreamPosition userHead, List<Held> userHeld,
                              StreamPosition broadcast, StreamPosition broadcastHead, List<Held> broadcastHeld, Bound bound) {
        return plan(user, userHead, userHeld, broadcast, broadcastHead, broadcastHeld, List.of(), bound);
    }

    /**
     * As {@link #plan(StreamPosition, StreamPosition, List, StreamPosition, StreamPosition, List, Bound)},
     * with the session's group streams: their messages are merged in recording order too (the user
     * stream first on ties, then the broadcast stream, then the groups in the given order), and the
     * welcome tells each group's head.
     *
     * @param user           the client's user-stream position, or null
     * @param userHead       the user stream's epoch and head
     * @param userHeld       the user stream's messages after {@code replayAfter(user, userHead)}, oldest first
     * @param broadcast      the client's broadcast-stream position, or null
     * @param broadcastHead  the broadcast stream's epoch and head
     * @param broadcastHeld  the broadcast stream's messages after {@code replayAfter(broadcast, broadcastHead)}
     * @param groups         the group streams ({@link Part} keys are {@link StreamKey.Group}s)
     * @param bound          the most the replay may send; older messages beyond it are left out
     * @return the replay and welcome
     */
    public static Replay plan(StreamPosition user, StreamPosition userHead, List<Held> userHeld,
                              StreamPosition broadcast, StreamPosition broadcastHead, List<Held> broadcastHeld,
                              List<Part> groups, Bound bound) {
        boolean requested = user != null || broadcast != null;
        boolean recovered = complete(user, userHead, userHeld) && complete(broadcast, broadcastHead, broadcastHeld);
        List<Held> all = new ArrayList<>(userHeld);
        all.addAll(broadcastHeld);
        Map<StreamKey.Group, StreamPosition> heads = new LinkedHashMap<>();
        for (Part group : groups) {
            requested |= group.given() != null;
            recovered &= complete(group.given(), group.head(), group.held());
            all.addAll(group.held());
            heads.put((StreamKey.Group) group.key(), group.head());
        }
        recovered &= requested;
        all.sort(Comparator.comparingLong(Held::order)); // stable: seq order within a stream, the listed order on ties
        List<OutboundMessage> frames = new ArrayList<>(all.size() + 1);
        all.forEach(held -> frames.add(held.frame()));
        int fit = fitting(frames, bound);
        List<OutboundMessage> sent = new ArrayList<>(frames.subList(frames.size() - fit, frames.size())); // the newest, in order
        recovered &= fit == frames.size();
        int replayed = sent.size();
        sent.add(V1Protocol.welcome(recovered, replayed, userHead, broadcastHead, names(heads)));
        return new Replay(List.copyOf(sent), replayed, requested, recovered, userHead, broadcastHead, Map.copyOf(heads));
    }

    private static Map<String, StreamPosition> names(Map<StreamKey.Group, StreamPosition> heads) {
        Map<String, StreamPosition> names = new TreeMap<>();
        heads.forEach((group, head) -> names.put(group.name(), head));
        return names;
    }

    /** How many of the newest frames fit the bound. */
    private static int fitting(List<OutboundMessage> frames, Bound bound) {
        long bytes = 0;
        int fit = 0;
        for (int i = frames.size() - 1; i >= 0 && fit < bound.maxMessages(); i--) {
            bytes += frames.get(i).bytes();
            if (bytes > bound.maxBytes()) {
                break;
            }
            fit++;
        }
        return fit;
    }
}
