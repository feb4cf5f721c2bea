package dev.herald.connections.control;

import jakarta.websocket.Session;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What may be asked of this node's live sessions, read-only (the seed's queries; {@link WebSocketManager}
 * implements it). A session counts as live while its sender has not given up and it is open or opening.
 */
public interface SessionQueries {

    /**
     * @param userId the user
     * @return the user's most recent live session, the seed's {@code get_connection}
     */
    Optional<Session> getConnection(long userId);

    /**
     * @param userId the user
     * @return the user's live sessions, oldest first
     */
    List<Session> getConnections(long userId);

    /**
     * @param userId the user
     * @return true when the user has at least one live session on this node
     */
    boolean isConnected(long userId);

    /** @return the seed's {@code active_connections}: a read-only snapshot of user id to live sessions */
    Map<Long, List<Session>> activeConnections();

    /** @return users with at least one registered session */
    int connectedUsers();
}
