package dev.herald.bench.peers.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The raw peer: the container's own send path and nothing else. Sessions by user id, and a send that
 * hands a pre-serialized string to {@code getAsyncRemote().sendText}: no limits, no serialization.
 * One write per session is in flight at a time, the next waits in a plain queue (Open Liberty refuses a
 * second async send on a session before the first completed; the others queue it inside the container).
 * It is the practical upper bound Herald is compared with.
 */
@ApplicationScoped
public class RawSessions {

    private final Map<Long, Line> sessions = new ConcurrentHashMap<>();

    /** Creates the registry. */
    public RawSessions() {
    }

    /** One session's writes, one at a time. */
    private record Pending(String text, SendHandler handler) {
    }

    private static final class Line {
        final Session session;
        final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean writing = new AtomicBoolean();

        Line(Session session) {
            this.session = session;
        }

        void drain() {
            while (!queue.isEmpty() && writing.compareAndSet(false, true)) {
                Pending next = queue.poll();
                if (next == null) {
                    writing.set(false);
                    continue;
                }
                try {
                    session.getAsyncRemote().sendText(next.text(), result -> {
                        writing.set(false);
                        next.handler().onResult(result);
                        drain();
                    });
                    return;
                } catch (RuntimeException refused) {
                    writing.set(false);
                    next.handler().onResult(new SendResult(refused));
                }
            }
        }
    }

    /**
     * @param userId  the user
     * @param session the user's session (replaces an earlier one)
     */
    public void put(long userId, Session session) {
        sessions.put(userId, new Line(session));
    }

    /**
     * @param userId  the user
     * @param session the session that closed; a newer one of the same user stays
     */
    public void remove(long userId, Session session) {
        sessions.computeIfPresent(userId, (id, line) -> line.session == session ? null : line);
    }

    /**
     * Sends a pre-serialized text with the container's async send, after the session's earlier ones.
     *
     * @param userId  the user
     * @param json    the text
     * @param handler told when the write finished; not called when the user has no session
     * @return false when the user has no open session
     */
    public boolean send(long userId, String json, SendHandler handler) {
        Line line = sessions.get(userId);
        if (line == null || !line.session.isOpen()) {
            return false;
        }
        line.queue.add(new Pending(json, handler));
        line.drain();
        return true;
    }

    /** @return registered sessions */
    public int size() {
        return sessions.size();
    }
}
