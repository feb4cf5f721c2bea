package dev.herald.connections.boundary;

import dev.herald.connections.control.WebSocketManager;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.handshake.control.HandshakeIdentity;
import dev.herald.recovery.control.V1Protocol;
import dev.herald.connections.control.Connection;
import dev.herald.handshake.boundary.HandshakeFilter;
import dev.herald.connections.control.HeraldCloseCodes;
import dev.herald.inbound.control.InboundMessages;
import dev.herald.inbound.control.TextAssembly;
import dev.herald.inbound.control.TokenBucket;
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
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket endpoint at {@code /ws}: takes the user id from the authenticated handshake principal
 * or a consumed connect ticket ({@link HandshakeIdentity}; never from anything else in the URL),
 * registers the session with the {@link WebSocketManager}, and hands inbound frames to
 * {@link InboundMessages}, which enforces the size, type and rate limits. One instance per connection;
 * all shared state lives in the manager. {@link HandshakeFilter} checks the origin and authentication
 * before the upgrade; {@link HandshakeConfigurator} repeats the origin check. A client that asks for
 * the subprotocol {@code herald.v1} gets sequenced, recoverable frames and may give its positions as
 * {@code since} and {@code bsince} query parameters; others get the bare JSON. {@code @Dependent}
 * because WildFly and Open Liberty only inject into endpoints that carry a bean-defining annotation.
 */
@Dependent
@ServerEndpoint(value = "/ws", subprotocols = V1Protocol.SUBPROTOCOL, configurator = HandshakeConfigurator.class)
public class HeraldEndpoint {

    private static final Logger LOG = Logger.getLogger(HeraldEndpoint.class.getName());
    private static final AtomicBoolean ADMISSION_LOST = new AtomicBoolean();

    @Inject
    WebSocketManager manager;
    @Inject
    HandshakeIdentity identity;
    @Inject
    InboundMessages inbound;
    @Inject
    HeraldStats stats;

    private Connection connection;
    private TokenBucket bucket;
    private final TextAssembly assembly = new TextAssembly();

    /** Creates one endpoint instance per connection (the container does). */
    public HeraldEndpoint() {
    }

    /**
     * Binds the session to the registration its handshake made ({@link HandshakeConfigurator}), or
     * closes it with the handshake's refusal (1008: no identity, an invalid ticket, or a refused
     * origin that got past the filter; 1001 while the application stops).
     *
     * @param session the new session
     * @throws IOException when closing a refused session fails
     */
    @OnOpen
    public void open(Session session) throws IOException {
        if (HandshakeConfigurator.originRefused(session)) {
            stats.originRejected();
            LOG.info(() -> "Refused WebSocket session " + session.getId() + ": origin not allowed");
            session.close(HeraldCloseCodes.ORIGIN_NOT_ALLOWED);
            return;
        }
        bucket = inbound.newBucket();
        Optional<HandshakeConfigurator.Admission> admission = HandshakeConfigurator.admission(session);
        if (admission.isPresent()) {
            if (admission.get().refusal() != null) {
                session.close(admission.get().refusal());
            } else if (manager.bind(admission.get().connection(), session)) {
                connection = admission.get().connection();
            }
            return;
        }
        if (ADMISSION_LOST.compareAndSet(false, true)) {
            LOG.warning("The container did not carry the handshake's admission to the session (WebSocket 2.1 user properties);"
                    + " Herald registers sessions at @OnOpen instead, so a notification sent right after the 101 can miss them");
        }
        HandshakeIdentity.Outcome who = identity.identify(session);
        if (who.refusal() != null) {
            session.close(who.refusal());
            return;
        }
        if (V1Protocol.SUBPROTOCOL.equals(session.getNegotiatedSubprotocol())) {
            connection = manager.connectV1(who.userId(), session, position(session, "since"), position(session, "bsince")).orElse(null);
        } else {
            connection = manager.connect(who.userId(), session).orElse(null);
        }
    }

    private static StreamPosition position(Session session, String parameter) {
        List<String> values = session.getRequestParameterMap().get(parameter);
        return values == null || values.isEmpty() ? null : StreamPosition.parse(values.get(0));
    }

    /**
     * Text arrives part by part (a fragmented message frame by frame), so its size is checked before
     * the container could buffer a whole message.
     *
     * @param part a part of an inbound text message
     * @param last whether it is the last part
     */
    @OnMessage
    public void message(String part, boolean last) {
        if (connection != null) {
            inbound.accept(connection, bucket, assembly, part, last);
        }
    }

    /**
     * Binary frames are refused (1003) at their first part, before the container buffers a message.
     *
     * @param part a part of an inbound binary message
     * @param last whether it is the last part
     */
    @OnMessage
    public void binary(ByteBuffer part, boolean last) {
        if (connection != null) {
            inbound.binary(connection);
        }
    }

    /**
     * @param pong the client's answer to a heartbeat or delivery probe; one that answers none counts
     *             against the inbound rate limit
     */
    @OnMessage
    public void pong(PongMessage pong) {
        if (connection != null) {
            if (connection.sender().acknowledge(pong.getApplicationData())) {
                connection.seen();
            } else {
                inbound.unsolicitedPong(connection, bucket);
            }
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
     * Transport errors (a client vanishing mid-write, a protocol error, invalid UTF-8) are normal at
     * scale: counted, logged at FINE; the container closes the session and {@link #close} deregisters it.
     *
     * @param session the session
     * @param error   what went wrong
     */
    @OnError
    public void error(Session session, Throwable error) {
        stats.inboundError();
        LOG.log(Level.FINE, error, () -> "WebSocket error on " + (connection != null ? connection : "session " + session.getId()));
    }
}
