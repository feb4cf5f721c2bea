package dev.herald.bench.peers.control;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The naive peer: a literal port of the seed's {@code WebSocketManager}
 * ({@code active_connections: dict[int, WebSocket]}, one session per user, {@code send_json} in a loop)
 * with the container's blocking {@code getBasicRemote().sendText}. Like {@code send_json}, each send
 * serializes the message again. The only liberty taken: a failed send is logged and the loop goes
 * on, where the seed's would raise.
 */
@ApplicationScoped
public class NaiveManager {

    private static final Logger LOG = Logger.getLogger(NaiveManager.class.getName());

    private final Map<Long, Session> activeConnections = new ConcurrentHashMap<>();
    private final Jsonb jsonb = JsonbBuilder.create();

    /** Creates the manager. */
    public NaiveManager() {
    }

    /**
     * The seed's {@code connect}: registers the session, replacing the user's previous one.
     *
     * @param userId  the user
     * @param session the session
     */
    public void connect(long userId, Session session) {
        activeConnections.put(userId, session);
    }

    /**
     * The seed's {@code disconnect}.
     *
     * @param userId the user
     */
    public void disconnect(long userId) {
        activeConnections.remove(userId);
    }

    /**
     * The seed's {@code get_connection}.
     *
     * @param userId the user
     * @return the user's session, or null
     */
    public Session getConnection(long userId) {
        return activeConnections.get(userId);
    }

    /**
     * The seed's {@code send_message}: serializes and writes, blocking until written.
     *
     * @param userId  the user
     * @param message a JSON-B serializable object
     */
    public void sendMessage(long userId, Object message) {
        Session session = activeConnections.get(userId);
        if (session != null) {
            send(session, message);
        }
    }

    /**
     * The seed's {@code broadcast}: one blocking write after the other, to every user.
     *
     * @param message a JSON-B serializable object
     */
    public void broadcast(Object message) {
        for (Session session : activeConnections.values()) {
            send(session, message);
        }
    }

    private void send(Session session, Object message) {
        try {
            session.getBasicRemote().sendText(jsonb.toJson(message));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "naive send to session " + session.getId() + " failed");
        }
    }

    /** @return registered sessions */
    public int size() {
        return activeConnections.size();
    }

    @PreDestroy
    void close() {
        try {
            jsonb.close();
        } catch (Exception ignored) {
            // nothing to release that matters at shutdown
        }
    }
}
