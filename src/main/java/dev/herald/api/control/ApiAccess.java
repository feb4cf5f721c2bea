package dev.herald.api.control;

import dev.herald.handshake.control.OriginPolicy;
import dev.herald.platform.Problem;
import dev.herald.platform.ProblemMapper;
import dev.herald.platform.RefusalLog;
import dev.herald.stats.control.HeraldStats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Locale;
import java.util.logging.Level;

/**
 * The checks every Herald REST method makes itself, whichever Jakarta REST application and whichever
 * spelling of the path reached it: the container's security constraints are the first layer, this
 * is the second.
 *
 * <ul>
 *   <li><b>Herald's own application only</b>: a host application that scans its WAR also publishes
 *       Herald's resources under the host's path, where no constraint of Herald's applies. Herald's
 *       application carries the property {@link #MARKER}; a request that came through any other
 *       application is answered 404, before anything else is looked at.</li>
 *   <li><b>Role</b> {@value #SENDER_ROLE} for sending, presence and counters; an authenticated caller
 *       for connect tickets: 401 without a principal, 403 without the role.</li>
 *   <li><b>No cross-site requests</b> on state-changing calls (against CSRF), decided by
 *       {@code Origin} and {@code Sec-Fetch-Site} with the handshake's {@link OriginPolicy}: 403
 *       {@value #CROSS_SITE_CODE}. A request with neither header (curl, server-to-server) passes.</li>
 *   <li><b>JSON only</b> for request bodies: anything but {@code application/json}, a missing
 *       {@code Content-Type} included, is 415 (a browser can send {@code text/plain} or a typeless
 *       {@code Blob} cross-site without a preflight; it cannot send {@code application/json}).</li>
 * </ul>
 *
 * <p>Refusals are logged aggregated ({@link RefusalLog}, one INFO line a minute at most).
 */
@ApplicationScoped
public class ApiAccess {

    /** The property of Herald's {@code Application} that tells its requests from a host's. */
    public static final String MARKER = "dev.herald.api";
    /** The role that may send, query presence and read counters. */
    public static final String SENDER_ROLE = "herald-sender";
    /** The problem code of a refused cross-site request (the handshake's code). */
    public static final String CROSS_SITE_CODE = "ORIGIN_NOT_ALLOWED";

    @Inject
    OriginPolicy origins;
    @Inject
    RefusalLog refusals;
    @Inject
    HeraldStats stats;

    /** Creates the bean. */
    public ApiAccess() {
    }

    /**
     * Outside a container (unit tests).
     *
     * @param origins the origin rules
     * @param stats   the counters
     */
    public ApiAccess(OriginPolicy origins, HeraldStats stats) {
        this.origins = origins;
        this.stats = stats;
        this.refusals = new RefusalLog();
    }

    /**
     * A read for role {@value #SENDER_ROLE} (presence, counters).
     *
     * @param configuration the request's application configuration
     * @param security      the request's security context
     */
    public void read(Configuration configuration, SecurityContext security) {
        herald(configuration);
        role(security);
    }

    /**
     * A send for role {@value #SENDER_ROLE}: also same-site and a JSON body.
     *
     * @param configuration the request's application configuration
     * @param security      the request's security context
     * @param headers       the request's headers
     */
    public void send(Configuration configuration, SecurityContext security, HttpHeaders headers) {
        read(configuration, security);
        sameSite(headers);
        json(headers);
    }

    /**
     * A change without a body for role {@value #SENDER_ROLE} (disconnecting a user): also same-site.
     *
     * @param configuration the request's application configuration
     * @param security      the request's security context
     * @param headers       the request's headers
     */
    public void change(Configuration configuration, SecurityContext security, HttpHeaders headers) {
        read(configuration, security);
        sameSite(headers);
    }

    /**
     * A connect ticket: any authenticated caller, same-site (the caller's user id is checked by the
     * ticket endpoint).
     *
     * @param configuration the request's application configuration
     * @param security      the request's security context
     * @param headers       the request's headers
     */
    public void ticket(Configuration configuration, SecurityContext security, HttpHeaders headers) {
        herald(configuration);
        authenticated(security);
        sameSite(headers);
    }

    /**
     * An SSE stream: Herald's own application only (its identity and origin are checked as a handshake's).
     *
     * @param configuration the request's application configuration
     */
    public void stream(Configuration configuration) {
        herald(configuration);
    }

    /**
     * A client's message over the SSE transport's POST: Herald's own application, same-site, a JSON body
     * (the caller is checked against the stream by the SSE endpoint).
     *
     * @param configuration the request's application configuration
     * @param headers       the request's headers
     */
    public void streamMessage(Configuration configuration, HttpHeaders headers) {
        herald(configuration);
        sameSite(headers);
        json(headers);
    }

    private void herald(Configuration configuration) {
        if (configuration == null || !Boolean.TRUE.equals(configuration.getProperty(MARKER))) {
            refused("reached through another application (404)");
            throw new NotFoundException();
        }
    }

    private void authenticated(SecurityContext security) {
        if (security == null || security.getUserPrincipal() == null) {
            refused("not authenticated (401)");
            throw new NotAuthorizedException("Authentication required", Problem.response(401, "Authentication required", null));
        }
    }

    private void role(SecurityContext security) {
        authenticated(security);
        if (!security.isUserInRole(SENDER_ROLE)) {
            refused("without role " + SENDER_ROLE + " (403)");
            throw new ForbiddenException("The authenticated user lacks the role this resource requires");
        }
    }

    private void sameSite(HttpHeaders headers) {
        if (!allowsSite(headers.getHeaderString("Origin"), headers.getHeaderString("Sec-Fetch-Site"),
                headers.getHeaderString(HttpHeaders.HOST))) {
            stats.crossSiteRejected();
            refused("cross-site (403)");
            throw new CrossSiteRefused();
        }
    }

    private void json(HttpHeaders headers) {
        MediaType type = headers.getMediaType();
        if (type == null || !"application".equalsIgnoreCase(type.getType()) || !"json".equalsIgnoreCase(type.getSubtype())) {
            stats.nonJsonRejected();
            refused("not application/json (415)");
            throw new NotSupportedException("Content-Type must be application/json");
        }
    }

    /**
     * Whether a state-changing request may proceed. With an {@code Origin}, the handshake's rules
     * decide; but when the browser itself says the request is not same-origin ({@code Sec-Fetch-Site}
     * {@code cross-site} or {@code same-site}), only an origin listed in {@code herald.allowed-origins}
     * (or {@code *}) passes, never the {@code Host} comparison. Without an {@code Origin}, only a
     * {@code Sec-Fetch-Site} of {@code cross-site} or {@code same-site} is refused.
     *
     * @param origin    the {@code Origin} header, or null
     * @param fetchSite the {@code Sec-Fetch-Site} header, or null
     * @param host      the {@code Host} header
     * @return true when the request may proceed
     */
    boolean allowsSite(String origin, String fetchSite, String host) {
        String site = fetchSite == null ? null : fetchSite.trim().toLowerCase(Locale.ROOT);
        boolean notSameOrigin = "cross-site".equals(site) || "same-site".equals(site);
        if (origin == null) {
            return !notSameOrigin;
        }
        // null as the Host: OriginPolicy then allows listed origins (or *) only
        return origins.allows(origin, notSameOrigin ? null : host);
    }

    /** 403 problem for a cross-site browser request. */
    static final class CrossSiteRefused extends ForbiddenException implements ProblemMapper.Coded {

        private static final long serialVersionUID = 1L;

        CrossSiteRefused() {
            super("Cross-site request refused: the origin is not allowed to call this endpoint");
        }

        @Override
        public String code() {
            return CROSS_SITE_CODE;
        }
    }

    private void refused(String why) {
        refusals.refused("rest: " + why, Level.INFO, () -> "Refused a REST request: " + why);
    }
}
