package dev.herald.connections.boundary;

import dev.herald.connections.control.Connection;
import dev.herald.connections.control.HeraldCloseCodes;
import dev.herald.connections.control.SessionLifecycle;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.handshake.boundary.HandshakeFilter;
import dev.herald.handshake.control.HandshakeIdentity;
import dev.herald.handshake.control.OriginPolicy;
import dev.herald.recovery.control.Resume;
import dev.herald.recovery.control.V1Protocol;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.http.HttpSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Admits a handshake before its 101 is written: checks the origin again ({@link OriginPolicy}, for
 * a host whose web.xml left out {@link HandshakeFilter}; {@code checkOrigin} cannot, it sees the
 * Origin but not the Host), decides the user ({@link HandshakeIdentity}: the principal or a consumed
 * ticket), and registers the session-to-be with the {@link WebSocketManager}. So once a client has
 * seen the 101, every notification made afterwards reaches the session and the MFA check counts it,
 * on every server, even though some write the 101 before {@code @OnOpen} runs. The verdict travels
 * to {@code @OnOpen} in the handshake's own copy of the user properties (WebSocket 2.1, 4.1.5);
 * {@link #admission(Session)} re-checks that the session is the handshake's. Creates each endpoint
 * through CDI ({@link #getEndpointInstance}): {@link SocketMount} registers the endpoint
 * programmatically, and not every server injects into those by itself.
 */
public class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    private static final String ORIGIN_REFUSED = HandshakeConfigurator.class.getName() + ".originRefused";
    private static final String ADMISSION = HandshakeConfigurator.class.getName() + ".admission";

    /**
     * What the handshake decided.
     *
     * @param connection the registration made for the session, or null when refused
     * @param refusal    how to close the session, or null when admitted
     * @param subject    the principal's name or the ticket, to recognise the session by
     */
    record Admission(Connection connection, CloseReason refusal, String subject) {
    }

    private volatile Beans beans;

    private record Beans(OriginPolicy origins, HandshakeIdentity identity, SessionLifecycle manager) {
    }

    /** Created by {@link SocketMount}, once per deployment. */
    public HandshakeConfigurator() {
    }

    /**
     * A new, injected endpoint per connection, in a creational context of its own: nothing but the
     * session holds it, so it goes when the session goes (its collaborators are application-scoped).
     */
    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        try {
            BeanManager manager = CDI.current().getBeanManager();
            Bean<?> bean = manager.resolve(manager.getBeans(endpointClass));
            CreationalContext<?> context = manager.createCreationalContext(bean);
            return endpointClass.cast(manager.getReference(bean, endpointClass, context));
        } catch (RuntimeException e) {
            InstantiationException failure = new InstantiationException("Herald cannot create " + endpointClass.getName() + " through CDI: " + e);
            failure.initCause(e);
            throw failure;
        }
    }

    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        return requested.contains(V1Protocol.SUBPROTOCOL) ? V1Protocol.SUBPROTOCOL : "";
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        Beans beans = beans();
        Map<String, List<String>> headers = request.getHeaders();
        boolean allowed = beans.origins().allows(header(headers, "Origin"), header(headers, "Host"));
        config.getUserProperties().put(ORIGIN_REFUSED, !allowed);
        if (allowed) {
            config.getUserProperties().put(ADMISSION, admit(beans, request));
        }
    }

    private static Admission admit(Beans beans, HandshakeRequest request) {
        Principal principal = request.getUserPrincipal();
        Map<String, List<String>> parameters = request.getParameterMap();
        HandshakeIdentity.Outcome who = beans.identity().identify(principal, parameters, "handshake");
        if (who.refusal() != null) {
            return new Admission(null, who.refusal(), null);
        }
        boolean v1 = requestsV1(request.getHeaders());
        Optional<Connection> reserved = beans.manager().admit(who.userId(), v1, principal, v1 ? resume(parameters) : Resume.NONE);
        if (reserved.isEmpty()) {
            return new Admission(null, HeraldCloseCodes.GOING_AWAY, null); // the application is stopping
        }
        if (principal != null && request.getHttpSession() instanceof HttpSession signIn
                && presented(request, signIn.getId())) {
            beans.manager().tieToSignIn(reserved.get(), signIn.getId());
        }
        return new Admission(reserved.get(), null, principal != null ? principal.getName() : first(parameters, HandshakeIdentity.TICKET_PARAMETER));
    }

    /**
     * Only an HTTP session the client presented (its cookie carries the id) is a sign-in: some servers
     * (Open Liberty) create one for the handshake itself, which the client never joins and which would
     * only time out.
     */
    private static boolean presented(HandshakeRequest request, String httpSessionId) {
        for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            if ("Cookie".equalsIgnoreCase(header.getKey())) {
                for (String cookies : header.getValue()) {
                    if (cookies.contains(httpSessionId)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * @param session a session that has just opened
     * @return true when its handshake came from an origin the policy refuses
     */
    static boolean originRefused(Session session) {
        return Boolean.TRUE.equals(session.getUserProperties().get(ORIGIN_REFUSED));
    }

    /**
     * @param session a session that has just opened
     * @return true when the container carried a handshake's admission over to it (whether or not it is its own)
     */
    static boolean carriesAdmission(Session session) {
        return session.getUserProperties().get(ADMISSION) instanceof Admission;
    }

    /**
     * @param session a session that has just opened
     * @return its handshake's admission (taken: a second call answers empty); empty when the container
     *         did not carry it over, when it does not belong to this session, or when another session
     *         claimed it ({@link Connection#claim()})
     */
    static Optional<Admission> admission(Session session) {
        Object value = session.getUserProperties().remove(ADMISSION);
        if (!(value instanceof Admission admission)) {
            return Optional.empty();
        }
        if (admission.connection() != null && !Objects.equals(admission.subject(), subject(session))) {
            return Optional.empty(); // never bind a session to another handshake's registration
        }
        if (admission.connection() != null && !admission.connection().claim()) {
            return Optional.empty(); // another session of the same user took it: this one registers itself
        }
        return Optional.of(admission);
    }

    private static String subject(Session session) {
        Principal principal = session.getUserPrincipal();
        return principal != null ? principal.getName() : first(session.getRequestParameterMap(), HandshakeIdentity.TICKET_PARAMETER);
    }

    private Beans beans() {
        Beans found = beans;
        if (found == null) { // application-scoped proxies, stable for the deployment
            CDI<Object> cdi = CDI.current();
            found = new Beans(cdi.select(OriginPolicy.class).get(), cdi.select(HandshakeIdentity.class).get(),
                    cdi.select(SessionLifecycle.class).get());
            beans = found;
        }
        return found;
    }

    private static boolean requestsV1(Map<String, List<String>> headers) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if ("Sec-WebSocket-Protocol".equalsIgnoreCase(header.getKey())) {
                for (String value : header.getValue()) {
                    for (String token : value.split(",")) {
                        if (V1Protocol.SUBPROTOCOL.equals(token.trim())) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /**
     * @param parameters a {@code herald.v1} handshake's query parameters
     * @return the positions it gives: {@code since}, {@code bsince} and every {@code gsince}
     */
    static Resume resume(Map<String, List<String>> parameters) {
        return Resume.parse(first(parameters, "since"), first(parameters, "bsince"), parameters.get("gsince"));
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (name.equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }
}
