package dev.herald.connections.control;

import dev.herald.recovery.control.Resume;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.recovery.control.V1Protocol;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.security.Principal;
import java.util.Optional;

/**
 * The container's side of a session's life, for the handshake and the endpoint: registered before
 * the 101, bound when it opens, tied to the HTTP session it signed in with, forgotten when it closes
 * ({@link WebSocketManager} implements it).
 */
public interface SessionLifecycle {

    /**
     * Registers the session a handshake is about to open, before the client can see the 101: from now
     * on every send to the user is queued on it (and counts it). A v1 registration gets its replay and
     * welcome queued here. {@link #bind} attaches the session once it opens; a registration left
     * unbound for {@code herald.handshake.open-timeout-ms} is dropped. Limits as for {@link WebSocketManager#connect}.
     *
     * @param userId    the user, from the handshake principal or ticket
     * @param v1        true when the client asked for {@link V1Protocol#SUBPROTOCOL}
     * @param user      the {@code since} position, or null when absent (v1 only)
     * @param broadcast the {@code bsince} position, or null when absent (v1 only)
     * @return the registration, or empty when the application is stopping
     */
    default Optional<Connection> reserve(long userId, boolean v1, StreamPosition user, StreamPosition broadcast) {
        return admit(userId, v1, null, Resume.of(user, broadcast));
    }

    /**
     * As {@link #reserve(long, boolean, StreamPosition, StreamPosition)}, with the handshake's principal
     * (the {@code GroupResolver} is asked with it) and the client's positions of its group streams too.
     *
     * @param userId    the user, from the handshake principal or ticket
     * @param v1        true when the client asked for {@link V1Protocol#SUBPROTOCOL}
     * @param principal the handshake's principal, or null (a connect ticket)
     * @param resume    the client's positions ({@code since}, {@code bsince}, {@code gsince}; v1 only)
     * @return the registration, or empty when the application is stopping
     */
    Optional<Connection> admit(long userId, boolean v1, Principal principal, Resume resume);

    /**
     * Attaches a session that has opened to the registration its handshake made ({@link #reserve}):
     * what was queued meanwhile is written first, in order. When the registration was removed first
     * (disconnected, evicted, timed out, stopping) or is bound already, the session is closed instead.
     *
     * @param connection the handshake's registration
     * @param session    the session that opened
     * @return true when bound; false when the session was closed
     */
    default boolean bind(Connection connection, Session session) {
        return bind(connection, new WebSocketTransport(session));
    }

    /**
     * As {@link #bind(Connection, Session)}, for any transport (an SSE stream binds its registration so).
     *
     * @param connection the registration
     * @param transport  what the session's sender writes to from now on
     * @return true when bound; false when the transport was closed
     */
    boolean bind(Connection connection, Transport transport);

    /**
     * Forgets a registration whose session the container has closed (the endpoint's {@code @OnClose}).
     *
     * @param connection the registration
     * @param reason     the close reason the container reported
     */
    void unregister(Connection connection, CloseReason reason);

    /**
     * Closes every session whose handshake was authenticated through an HTTP session that has ended
     * (logout, invalidation, timeout) with 4002 "signed out".
     *
     * @param httpSessionId the ended HTTP session's id
     * @return how many sessions were closed
     */
    int signedOut(String httpSessionId);

    /**
     * Follows an HTTP session whose id changed (session fixation protection at login).
     *
     * @param oldId its id before
     * @param newId its id now
     */
    void signInRenamed(String oldId, String newId);

    /**
     * Ties a registration to the HTTP session its handshake was authenticated with ({@link #signedOut}).
     *
     * @param connection    the registration
     * @param httpSessionId the HTTP session's id
     */
    void tieToSignIn(Connection connection, String httpSessionId);
}
