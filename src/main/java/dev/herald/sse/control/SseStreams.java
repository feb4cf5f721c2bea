package dev.herald.sse.control;

import dev.herald.connections.control.Connection;
import dev.herald.connections.control.HeraldCloseCodes;
import dev.herald.connections.control.SessionLifecycle;
import dev.herald.handshake.control.HandshakeIdentity;
import dev.herald.connections.entity.SessionClosed;
import dev.herald.handshake.control.OriginPolicy;
import dev.herald.inbound.control.InboundMessages;
import dev.herald.inbound.control.TokenBucket;
import dev.herald.platform.ClusterStatus;
import dev.herald.platform.RefusalLog;
import dev.herald.recovery.control.Resume;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.stats.control.HeraldStats;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;

/**
 * Opens Server-Sent Events sessions exactly as the WebSocket handshake admits sockets: the same origin
 * policy, the same identity (the container's principal, or a single-use {@code ticket} consumed here),
 * then a {@code herald.v1} registration in the same registry ({@link SessionLifecycle#admit}: counted
 * by every count, the MFA check and the session limit included, its groups resolved with the request's
 * principal, its replay and welcome queued) bound to the stream ({@link SseTransport}). The user and
 * broadcast positions come from {@code Last-Event-ID} when the client sends one, else from the
 * {@code since} and {@code bsince} query parameters; group positions from {@code gsince} parameters
 * ({@code <group>@<epoch>:<seq>}, repeated), as on the WebSocket handshake. Refusals before the stream
 * starts are problem+json ({@link StreamRefusedException}), counted as the handshake's are. The first
 * event, {@code herald.stream}, gives the stream's id ({@link StreamAddress}: 128 random bits, after this
 * node's id in a cluster) that names it for the client's messages ({@link SseMessages}); this node keeps
 * the open streams by id.
 */
@ApplicationScoped
public class SseStreams {

    @Inject
    OriginPolicy origins;
    @Inject
    HandshakeIdentity identity;
    @Inject
    SessionLifecycle sessions;
    @Inject
    HeraldStats stats;
    @Inject
    RefusalLog refusals;
    @Inject
    InboundMessages inbound;
    @Inject
    ClusterStatus cluster;
    @Resource
    ManagedScheduledExecutorService executor;

    private final ConcurrentHashMap<String, Open> open = new ConcurrentHashMap<>();

    /**
     * A stream open on this node.
     *
     * @param connection its registration
     * @param bucket     its inbound rate limit, shared by all of its messages
     */
    public record Open(Connection connection, TokenBucket bucket) {
    }

    /** Creates the bean; CDI injects its collaborators. */
    public SseStreams() {
    }

    /**
     * What the stream's request carries.
     *
     * @param principal   the principal the container authenticated, or null
     * @param parameters  the query parameters ({@code ticket}, {@code since}, {@code bsince}, {@code gsince})
     * @param origin      the {@code Origin} header, or null
     * @param host        the {@code Host} header
     * @param lastEventId the {@code Last-Event-ID} header, or null
     * @param signIn      the id of the HTTP session the client presented with its cookie, or null
     */
    public record Request(Principal principal, Map<String, List<String>> parameters, String origin, String host,
                          String lastEventId, String signIn) {
    }

    /**
     * Admits the stream and starts it: what the user missed, the welcome, then live messages.
     *
     * @param request the request's facts
     * @param sink    the stream
     * @param sse     the SSE factory
     * @throws StreamRefusedException 403 {@code ORIGIN_NOT_ALLOWED}, 401 {@code AUTHENTICATION_REQUIRED} or
     *                                {@code INVALID_TICKET}, 503 {@code STOPPING}
     */
    public void open(Request request, SseEventSink sink, Sse sse) {
        if (!origins.allows(request.origin(), request.host())) {
            stats.originRejected();
            refusals.refused("sse: origin not allowed", Level.INFO, () -> "Refused SSE stream from origin "
                    + RefusalLog.printable(request.origin()) + ": allowed is " + origins.describe());
            throw new StreamRefusedException(403, "Origin not allowed to open a stream", "ORIGIN_NOT_ALLOWED");
        }
        HandshakeIdentity.Outcome who = identity.identify(request.principal(), request.parameters(), "SSE stream");
        if (who.refusal() == HeraldCloseCodes.INVALID_TICKET) {
            throw new StreamRefusedException(401, "Invalid or expired connect ticket", "INVALID_TICKET");
        } else if (who.refusal() != null) {
            throw new StreamRefusedException(401, "Authentication required: sign in, or give a connect ticket", "AUTHENTICATION_REQUIRED");
        }
        EventId start = request.lastEventId() != null && !request.lastEventId().isBlank()
                ? EventId.parse(request.lastEventId())
                : new EventId(position(request.parameters(), "since"), position(request.parameters(), "bsince"));
        Resume groups = Resume.parse(null, null, request.parameters().get("gsince"));
        Optional<Connection> reserved = sessions.admit(who.userId(), true, request.principal(),
                new Resume(start.user(), start.broadcast(), groups.groups(), groups.malformed()));
        if (reserved.isEmpty()) {
            throw new StreamRefusedException(503, "The application is stopping", "STOPPING");
        }
        Connection connection = reserved.get();
        if (request.principal() != null && request.signIn() != null) {
            sessions.tieToSignIn(connection, request.signIn());
        }
        String id = StreamAddress.newId(cluster.isEnabled() ? cluster.nodeId() : null);
        SseTransport transport = new SseTransport(id, sink, sse, executor, start, probe -> {
            if (connection.sender().acknowledge(probe)) {
                connection.seen();
            }
        }, cause -> connection.sender().terminate(HeraldCloseCodes.SEND_FAILED, cause));
        transport.announce();
        open.put(id, new Open(connection, inbound.newBucket()));
        if (!sessions.bind(connection, transport)) { // a registration removed meanwhile closes the stream with its reason
            open.remove(id);
        }
    }

    /**
     * @param id a stream's id
     * @return the stream, while it is open on this node
     */
    public Optional<Open> find(String id) {
        Open found = id == null ? null : open.get(id);
        if (found != null && !found.connection().isLive()) {
            open.remove(id, found);
            return Optional.empty();
        }
        return Optional.ofNullable(found);
    }

    void closed(@Observes SessionClosed closed) {
        open.remove(closed.sessionId());
    }

    private static StreamPosition position(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : StreamPosition.parse(values.get(0));
    }
}
