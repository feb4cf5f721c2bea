package dev.herald.connections.boundary;

import dev.herald.connections.control.Connection;
import dev.herald.connections.control.HeraldCloseCodes;
import dev.herald.connections.control.InboundMessages;
import dev.herald.connections.control.UserIdResolver;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.stats.control.HeraldStats;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket endpoint at {@code /ws}: takes the user id from the authenticated handshake
 * principal (never from the URL), registers the session with the {@link WebSocketManager}, and hands
 * inbound frames on. One instance per connection; all shared state lives in the manager.
 * {@code @Dependent} because WildFly and Open Liberty only inject into endpoints that carry a
 * bean-defining annotation.
 */
@Dependent
@ServerEndpoint("/ws")
public class HeraldEndpoint {

    private static final Logger LOG = Logger.getLogger(HeraldEndpoint.class.getName());

    @Inject
    WebSocketManager manager;
    @Inject
    UserIdResolver resolver;
    @Inject
    InboundMessages inbound;
    @Inject
    HeraldStats stats;

    private Connection connection;

    /** Creates one endpoint instance per connection (the container does). */
    public HeraldEndpoint() {
    }

    /**
     * Registers the session for the principal's user, or closes it with 1008.
     *
     * @param session the new session
     * @throws IOException when closing a refused session fails
     */
    @OnOpen
    public void open(Session session) throws IOException {
        OptionalLong userId = resolver.resolve(session.getUserPrincipal());
        if (userId.isEmpty()) {
            stats.handshakeRejected();
            LOG.info(() -> "Refused WebSocket session " + session.getId() + ": no principal that maps to a user id");
            session.close(HeraldCloseCodes.AUTHENTICATION_REQUIRED);
            return;
        }
        connection = manager.connect(userId.getAsLong(), session).orElse(null);
    }

    /**
     * @param text    an inbound text frame
     * @param session the session it arrived on
     */
    @OnMessage
    public void message(String text, Session session) {
        if (connection != null) {
            inbound.accept(connection, text);
        }
    }

    /**
     * @param pong the client's answer to a heartbeat or delivery probe
     */
    @OnMessage
    public void pong(PongMessage pong) {
        if (connection != null) {
            connection.seen();
            connection.sender().acknowledge(pong.getApplicationData());
        }
    }

    /**
     * @param session the closed session
     * @param reason  the close code and phrase
     */
    @OnClose
    public void close(Session session, CloseReason reason) {
        if (connection != null) {
            manager.unregister(connection, reason);
        }
    }

    /**
     * Transport errors (a client vanishing mid-write, a protocol error) are normal at scale: logged at
     * FINE; the container closes the session and {@link #close} deregisters it.
     *
     * @param session the session
     * @param error   what went wrong
     */
    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, error, () -> "WebSocket error on " + (connection != null ? connection : "session " + session.getId()));
    }
}
