package dev.herald.bench.peers.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The raw peer: the container's own send path and nothing else. Sessions by user id, and a send that
 * hands a pre-serialized string straight to {@code getAsyncRemote().sendText}: no queue, no limits,
 * no serialization. It is the practical upper bound Herald is compared with.
 */
@ApplicationScoped
public class RawSessions {

    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();

    /** Creates the registry. */
    public RawSessions() {
    }

    /**
     * @param userId  the user
     * @param session the user's session (replaces an earlier one)
     */
    public void put(long userId, Session session) {
        sessions.put(userId, session);
    }

    /**
     * @param userId  the user
     * @param session the session that closed; a newer one of the same user stays
     */
    public void remove(long userId, Session session) {
        sessions.remove(userId, session);
    }

    /**
     * Sends a pre-serialized text with the container's async send.
     *
     * @param userId  the user
     * @param json    the text
     * @param handler told when the write finished; not called when the user has no session
     * @return false when the user has no open session
     */
    public boolean send(long userId, String json, SendHandler handler) {
        Session session = sessions.get(userId);
        if (session == null || !session.isOpen()) {
            return false;
        }
        session.getAsyncRemote().sendText(json, handler);
        return true;
    }

    /** @return registered sessions */
    public int size() {
        return sessions.size();
    }
}
