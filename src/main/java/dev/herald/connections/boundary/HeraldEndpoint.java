package dev.herald.connections.boundary;

import dev.herald.connections.control.WebSocketManager;
import dev.herald.recovery.control.Resume;
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
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Herald's WebSocket endpoint, mounted by {@link SocketMount} at the path {@code herald.websocket.path}
 * names (herald.war: {@code /ws}; a host application: {@code /herald/ws}): takes the user id from the authenticated handshake principal
 * or a consumed connect ticket ({@link HandshakeIdentity}; never from anything else in the URL),
 * registers the session with the {@link WebSocketManager}, and hands inbound frames to
 * {@link InboundMessages}, which enforces the size, type and rate limits. One instance per connection;
 * all shared state lives in the manager. {@link HandshakeFilter} checks the origin and authentication
 * before the upgrade; {@link HandshakeConfigurator} repeats the origin check. A client that asks for
 * the subprotocol {@code herald.v1} gets sequenced, recoverable frames and may give its positions as
 * {@code since}, {@code bsince} and {@code gsince} query parameters; others get the bare JSON. A programmatic endpoint
 * (its path is known only at deployment), created through CDI by
 * {@link HandshakeConfigurator#getEndpointInstance}; {@code @Dependent} makes it a bean on every server.
 */
@Dependent
public class HeraldEndpoint extends Endpoint {

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
     * closes it with the handshake's refusal (4003 no identity, 4004 an invalid ticket, or 4005 a refused
     * origin that got past the filter; 1001 while the application stops). Text arrives part by part
     * (a fragmented message frame by frame), so its size is checked before the container could buffer
     * a whole message; binary frames are refused (1003) at their first part.
     *
     * @param session the new session
     * @param config  the endpoint's configuration
     */
    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::message);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::binary);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) this::pong);
        try {
            open(session);
        } catch (IOException e) { // closing a refused session failed: the transport is gone
            onError(session, e);
        }
    }

    private void open(Session session) throws IOException {
        if (HandshakeConfigurator.originRefused(session)) {
            stats.originRejected();
            LOG.info(() -> "Refused WebSocket session " + session.getId() + ": origin not allowed");
            session.close(HeraldCloseCodes.ORIGIN_NOT_ALLOWED);
            return;
        }
        bucket = inbound.newBucket();
        boolean carried = HandshakeConfigurator.carriesAdmission(session);
        Optional<HandshakeConfigurator.Admission> admission = HandshakeConfigurator.admission(session);
        if (admission.isPresent()) {
            if (admission.get().refusal() != null) {
                session.close(admission.get().refusal());
            } else if (manager.bind(admission.get().connection(), session)) {
                connection = admission.get().connection();
            }
            return;
        }
        if (carried) {
            LOG.fine(() -> "Session " + session.getId() + " carried an admission that is not its own or was claimed by"
                    + " another session of the same handshake; it registers itself");
        } else if (ADMISSION_LOST.compareAndSet(false, true)) {
            LOG.warning("The container did not carry the handshake's admission to the session (WebSocket 2.1 user properties);"
                    + " Herald registers sessions when they open instead, so a notification sent right after the 101 can miss them");
        }
        HandshakeIdentity.Outcome who = identity.identify(session);
        if (who.refusal() != null) {
            session.close(who.refusal());
            return;
        }
        boolean v1 = V1Protocol.SUBPROTOCOL.equals(session.getNegotiatedSubprotocol());
        Optional<Connection> reserved = manager.admit(who.userId(), v1, session.getUserPrincipal(),
                v1 ? HandshakeConfigurator.resume(session.getRequestParameterMap()) : Resume.NONE);
        if (reserved.isEmpty()) {
            session.close(HeraldCloseCodes.GOING_AWAY); // stopping
        } else if (manager.bind(reserved.get(), session)) {
            connection = reserved.get();
        }
    }

    private void message(String part, boolean last) {
        if (connection != null) {
            inbound.accept(connection, bucket, assembly, part, last);
        }
    }

    private void binary(ByteBuffer part, boolean last) {
        if (connection != null) {
            inbound.binary(connection);
        }
    }

    /** The client's answer to a heartbeat or delivery probe; one that answers none counts against the inbound rate limit. */
    private void pong(PongMessage pong) {
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
    @Override
    public void onClose(Session session, CloseReason reason) {
        if (connection != null) {
            manager.unregister(connection, reason);
        }
    }

    /**
     * Transport errors (a client vanishing mid-write, a protocol error, invalid UTF-8) are normal at
     * scale: counted, logged at FINE; the container closes the session and {@link #onClose} deregisters it.
     *
     * @param session the session
     * @param error   what went wrong
     */
    @Override
    public void onError(Session session, Throwable error) {
        stats.inboundError();
        LOG.log(Level.FINE, error, () -> "WebSocket error on " + (connection != null ? connection : "session " + session.getId()));
    }
}
