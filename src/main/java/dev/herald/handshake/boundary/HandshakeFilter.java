package dev.herald.handshake.boundary;

import dev.herald.handshake.control.HandshakeIdentity;
import dev.herald.handshake.control.OriginPolicy;
import dev.herald.platform.Problem;
import dev.herald.platform.RefusalLog;
import dev.herald.stats.control.HeraldStats;
import dev.herald.tickets.control.TicketStore;
import jakarta.inject.Inject;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gate in front of the WebSocket upgrade (declared in web.xml and web-fragment.xml, and mapped
 * to the endpoint's path by {@link SocketMount}, ahead of the container's own upgrade filter). It refuses a browser origin that
 * {@link OriginPolicy} does not allow with 403, and lets a handshake through only when the container
 * has authenticated it, the application's login mechanism authenticates it now
 * ({@link HttpServletRequest#authenticate}: a valid Basic header passes, none gets the 401 challenge),
 * or it carries one valid {@code ticket} and no credentials of its own (redeemed here, before the
 * upgrade: {@link HandshakeIdentity#redeem}); a malformed, unknown, expired or used ticket, or several,
 * get 401 problem+json before the upgrade. Refusals are
 * counted and logged through {@link RefusalLog}. Nothing here logs credentials or tickets.
 */
public class HandshakeFilter implements Filter {

    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());

    @Inject
    OriginPolicy origins;
    @Inject
    HeraldStats stats;
    @Inject
    RefusalLog refusals;
    @Inject
    HandshakeIdentity identity;

    /** Creates the filter; the container injects its collaborators. */
    public HandshakeFilter() {
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String origin = request.getHeader("Origin");
        if (!origins.allows(origin, request.getHeader("Host"))) {
            refuseOrigin(request, response, origin);
            return;
        }
        if (needsLogin(request)) {
            if (!authenticate(request, response)) {
                return;
            }
        } else if (request.getUserPrincipal() == null) {
            upgradeWithTicket(request, response, chain);
            return;
        }
        chain.doFilter(new LocalAddressRequest(request), response);
    }

    /**
     * Redeems the ticket before the upgrade: a session refused after the 101 would have to be closed by
     * the server, and on Payara a server-side close can corrupt another connection's request (see
     * docs/servers.md, "Server-side closes on Payara"), which nobody without credentials may trigger.
     */
    private void upgradeWithTicket(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!wellFormedTicket(request)) {
            refuseTicket(request, response);
            return;
        }
        String ticket = request.getParameter(HandshakeIdentity.TICKET_PARAMETER);
        if (!identity.redeem(ticket, "handshake (remote " + request.getRemoteAddr() + ")")) {
            problem(response, HttpServletResponse.SC_UNAUTHORIZED, "Invalid or expired connect ticket", "INVALID_TICKET");
            return;
        }
        try {
            chain.doFilter(new LocalAddressRequest(request), response);
        } finally {
            identity.release(ticket);
        }
    }

    /** Exactly one {@code ticket} parameter, in the form of an issued ticket. */
    private static boolean wellFormedTicket(HttpServletRequest request) {
        Map<String, String[]> parameters = request.getParameterMap();
        String[] values = parameters.get(HandshakeIdentity.TICKET_PARAMETER);
        return values != null && values.length == 1 && TicketStore.wellFormed(values[0]);
    }

    private void refuseTicket(HttpServletRequest request, HttpServletResponse response) throws IOException {
        stats.ticketRejected();
        refusals.refused("handshake: malformed ticket", Level.INFO,
                () -> "Refused WebSocket handshake (remote " + request.getRemoteAddr() + "): malformed ticket");
        problem(response, HttpServletResponse.SC_UNAUTHORIZED, "Malformed connect ticket", "INVALID_TICKET");
    }

    /** Not authenticated yet, and either no ticket or credentials of its own (which then win over the ticket). */
    private static boolean needsLogin(HttpServletRequest request) {
        return request.getUserPrincipal() == null
                && (request.getParameter(HandshakeIdentity.TICKET_PARAMETER) == null || request.getHeader("Authorization") != null);
    }

    private void refuseOrigin(HttpServletRequest request, HttpServletResponse response, String origin) throws IOException {
        stats.originRejected();
        refusals.refused("handshake: origin not allowed", Level.INFO, () -> "Refused WebSocket handshake from origin " + RefusalLog.printable(origin)
                + " (remote " + request.getRemoteAddr() + "): allowed is " + origins.describe());
        problem(response, HttpServletResponse.SC_FORBIDDEN, "Origin not allowed to open a WebSocket", "ORIGIN_NOT_ALLOWED");
    }

    private static void problem(HttpServletResponse response, int status, String detail, String code) throws IOException {
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(Problem.json(status, detail, code));
    }

    /**
     * True when the login mechanism authenticated the request; otherwise it has answered with its
     * challenge (Payara, Liberty: 401 {@code WWW-Authenticate: Basic}), or, where the server reports the
     * failure as an exception instead (WildFly), a 401 error is sent here (the problem+json error page,
     * without a challenge).
     */
    private static boolean authenticate(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            return request.authenticate(response);
        } catch (ServletException failed) {
            LOG.log(Level.FINE, "WebSocket handshake failed authentication", failed);
            if (!response.isCommitted()) {
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            }
            return false;
        }
    }
}
