package dev.herald.connections.boundary;

import dev.herald.connections.control.HandshakeIdentity;
import dev.herald.connections.control.OriginPolicy;
import dev.herald.platform.Problem;
import dev.herald.stats.control.HeraldStats;
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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gate in front of the WebSocket upgrade at {@code /ws} (declared in web.xml and web-fragment.xml;
 * containers run declared filters before their own upgrade filter). It refuses a browser origin that
 * {@link OriginPolicy} does not allow with 403, and lets a handshake through only when the container
 * has authenticated it, the application's login mechanism authenticates it now
 * ({@link HttpServletRequest#authenticate}: a valid Basic header passes, none gets the 401 challenge),
 * or it carries a {@code ticket} and no credentials of its own (the ticket is checked when the session
 * opens). Nothing here logs credentials or tickets.
 */
public class HandshakeFilter implements Filter {

    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());

    @Inject
    OriginPolicy origins;
    @Inject
    HeraldStats stats;

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
        if (needsLogin(request) && !authenticate(request, response)) {
            return;
        }
        chain.doFilter(new LocalAddressRequest(request), response);
    }

    /** Not authenticated yet, and either no ticket or credentials of its own (which then win over the ticket). */
    private static boolean needsLogin(HttpServletRequest request) {
        return request.getUserPrincipal() == null
                && (request.getParameter(HandshakeIdentity.TICKET_PARAMETER) == null || request.getHeader("Authorization") != null);
    }

    private void refuseOrigin(HttpServletRequest request, HttpServletResponse response, String origin) throws IOException {
        stats.originRejected();
        LOG.info(() -> "Refused WebSocket handshake from origin " + printable(origin) + " (remote " + request.getRemoteAddr()
                + "): allowed is " + origins.describe());
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(Problem.json(HttpServletResponse.SC_FORBIDDEN,
                "Origin not allowed to open a WebSocket", "ORIGIN_NOT_ALLOWED"));
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

    /** The header as logged: at most 100 characters, control characters replaced. */
    static String printable(String value) {
        String cut = value.length() > 100 ? value.substring(0, 100) + "…" : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
