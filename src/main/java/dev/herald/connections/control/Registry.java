package dev.herald.connections.control;

import dev.herald.messages.entity.StreamKey;
import jakarta.websocket.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * This node's registrations by user id, and what can be asked of them. Thread-safe without a global
 * lock: each user's registrations are an immutable array, oldest first, replaced atomically per key.
 */
final class Registry {

    private static final Connection[] NONE = new Connection[0];

    private final ConcurrentHashMap<Long, Connection[]> users = new ConcurrentHashMap<>();
    private final Memberships memberships;

    /** A registry whose group and topic changes nobody is told of (a single node, tests). */
    Registry() {
        this(StreamInterest.NONE);
    }

    /** @param interest told when a group or topic gets its first session here or loses its last */
    Registry(StreamInterest interest) {
        this.memberships = new Memberships(this::of, interest);
    }

    /**
     * Adds a registration. Registrations whose session has not opened yet count on their own: beyond
     * {@code max} of them per user the oldest leaves (a handshake that never completes cannot pile up),
     * and none of them closes a session that did open ({@link #opened}).
     *
     * @param connection the new registration
     * @param max        registrations a user may hold unopened, and sessions opened (at least 1)
     * @param evicted    receives the registrations that left to make room; the caller closes them
     */
    void add(Connection connection, int max, List<Connection> evicted) {
        users.compute(connection.userId(), (id, current) -> {
            if (current == null) {
                return new Connection[]{connection};
            }
            Connection[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = connection;
            return trim(next, max, registered -> !registered.isBound(), connection, evicted);
        });
    }

    /**
     * The registration's session opened: beyond {@code max} live, opened sessions per user the oldest
     * of them leave. The limit is applied here and not when the handshake registered, so an upgrade the
     * client gave up on (its registration lingers until the open timeout) never closes a real tab.
     *
     * @param connection a registration just bound
     * @param max        opened sessions a user may hold (at least 1)
     * @param evicted    receives the registrations that left to make room; the caller closes them
     */
    void opened(Connection connection, int max, List<Connection> evicted) {
        users.computeIfPresent(connection.userId(), (id, current) -> Arrays.asList(current).contains(connection)
                ? trim(current, max, registered -> registered.isBound() && registered.isLive(), connection, evicted)
                : current);
    }

    /** @return the registrations without the oldest of those that {@code counted} beyond {@code max}, never {@code keep} */
    private static Connection[] trim(Connection[] current, int max, Predicate<Connection> counted, Connection keep,
                                     List<Connection> evicted) {
        int over = -max;
        for (Connection connection : current) {
            if (counted.test(connection)) {
                over++;
            }
        }
        if (over <= 0) {
            return current;
        }
        List<Connection> kept = new ArrayList<>(current.length - over);
        for (Connection connection : current) {
            if (over > 0 && connection != keep && counted.test(connection)) {
                evicted.add(connection);
                over--;
            } else {
                kept.add(connection);
            }
        }
        return kept.toArray(NONE);
    }

    /**
     * @param connection a registration
     * @return true only for the call that removed it
     */
    boolean remove(Connection connection) {
        boolean[] removed = {false};
        users.computeIfPresent(connection.userId(), (id, current) -> {
            int index = Arrays.asList(current).indexOf(connection);
            if (index < 0) {
                return current;
            }
            removed[0] = true;
            if (current.length == 1) {
                return null;
            }
            Connection[] next = new Connection[current.length - 1];
            System.arraycopy(current, 0, next, 0, index);
            System.arraycopy(current, index + 1, next, index, next.length - index);
            return next;
        });
        return removed[0];
    }

    /** @return the user's registrations, oldest first (a snapshot) */
    Connection[] of(long userId) {
        return users.getOrDefault(userId, NONE);
    }

    /** @return who is in which group and subscribed to which topic, the index of group and topic targets */
    Memberships memberships() {
        return memberships;
    }

    /**
     * Runs {@code action} once for each registration the stream reaches: the user's, every registration
     * for the broadcast stream, a group's members' or a topic's subscribers' ({@link Memberships}).
     */
    void forEachTarget(StreamKey streamKey, Consumer<Connection> action) {
        if (streamKey instanceof StreamKey.Named named) {
            memberships.forEachTarget(named, action);
            return;
        }
        if (streamKey instanceof StreamKey.User user) {
            for (Connection connection : of(user.id())) {
                action.accept(connection);
            }
            return;
        }
        forEach(action);
    }

    /** Runs {@code action} for every registration. */
    void forEach(Consumer<Connection> action) {
        for (Connection[] connections : users.values()) {
            for (Connection connection : connections) {
                action.accept(connection);
            }
        }
    }

    /** @return the user's most recent live session */
    Optional<Session> newest(long userId) {
        Connection[] connections = of(userId);
        for (int i = connections.length - 1; i >= 0; i--) {
            Session session = connections[i].session();
            if (session != null && connections[i].isLive()) {
                return Optional.of(session);
            }
        }
        return Optional.empty();
    }

    /** @return the user's live, opened sessions, oldest first */
    List<Session> sessions(long userId) {
        List<Session> live = new ArrayList<>();
        for (Connection connection : of(userId)) {
            Session session = connection.session();
            if (session != null && connection.isLive()) {
                live.add(session);
            }
        }
        return live;
    }

    /** @return the user's live registrations, those whose handshake is completing included */
    int live(long userId) {
        int live = 0;
        for (Connection connection : of(userId)) {
            if (connection.isLive()) {
                live++;
            }
        }
        return live;
    }

    /** @return user id to live, opened sessions (read-only) */
    Map<Long, List<Session>> snapshot() {
        Map<Long, List<Session>> snapshot = new LinkedHashMap<>();
        users.forEach((userId, connections) -> {
            List<Session> live = sessions(userId);
            if (!live.isEmpty()) {
                snapshot.put(userId, List.copyOf(live));
            }
        });
        return Map.copyOf(snapshot);
    }

    /** @return user id to live registrations */
    Map<Long, Integer> liveCounts() {
        Map<Long, Integer> counts = new LinkedHashMap<>();
        users.forEach((userId, connections) -> {
            int live = live(userId);
            if (live > 0) {
                counts.put(userId, live);
            }
        });
        return counts;
    }

    /** @return users with at least one registration */
    int users() {
        return users.size();
    }

    /** @return true when no registration has data left to write */
    boolean allIdle() {
        for (Connection[] connections : users.values()) {
            for (Connection connection : connections) {
                if (!connection.sender().isIdle() && !connection.sender().isTerminated()) {
                    return false;
                }
            }
        }
        return true;
    }
}
