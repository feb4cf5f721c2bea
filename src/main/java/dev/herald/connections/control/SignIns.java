package dev.herald.connections.control;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which registrations were authenticated through which HTTP session (form login, a session cookie),
 * so that they end with it. Thread-safe without a global lock: each HTTP session's registrations are
 * an immutable list replaced atomically per key.
 */
final class SignIns {

    private final ConcurrentHashMap<String, List<Connection>> bySession = new ConcurrentHashMap<>();

    /** Ties a registration to an HTTP session (unless it left the registry meanwhile). */
    void tie(Connection connection, String httpSessionId) {
        connection.signIn(httpSessionId);
        bySession.compute(httpSessionId, (id, current) -> current == null ? List.of(connection) : append(current, connection));
        if (connection.removal() != null) {
            forget(connection); // removed meanwhile
        }
    }

    /** Closes the registrations of an HTTP session that ended with 4002 "signed out"; returns how many. */
    int signedOut(String httpSessionId) {
        List<Connection> ended = ended(httpSessionId);
        for (Connection connection : ended) {
            connection.sender().terminate(HeraldCloseCodes.SIGNED_OUT, null);
        }
        return ended.size();
    }

    /** Forgets a registration that left the registry. */
    void forget(Connection connection) {
        String id = connection.signIn();
        if (id != null) {
            bySession.computeIfPresent(id, (key, current) -> {
                List<Connection> rest = current.stream().filter(c -> c != connection).toList();
                return rest.isEmpty() ? null : rest;
            });
        }
    }

    /** @return the registrations of an HTTP session that ended, no longer tracked */
    List<Connection> ended(String httpSessionId) {
        List<Connection> ended = bySession.remove(httpSessionId);
        return ended == null ? List.of() : ended;
    }

    /** Follows an HTTP session whose id changed. */
    void renamed(String oldId, String newId) {
        List<Connection> moved = bySession.remove(oldId);
        if (moved != null) {
            for (Connection connection : moved) {
                tie(connection, newId);
            }
        }
    }

    private static List<Connection> append(List<Connection> current, Connection connection) {
        Connection[] next = current.toArray(new Connection[current.size() + 1]);
        next[current.size()] = connection;
        return List.of(next);
    }
}
