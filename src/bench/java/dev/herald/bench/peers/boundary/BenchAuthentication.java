package dev.herald.bench.peers.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Benchmark-only identity (never in herald.war): the handshake's {@code X-Bench-User: <id>} header
 * becomes the authenticated principal, so that thousands of distinct users can connect without a
 * user store. Herald's own path is unchanged from there: the {@code /ws} security constraint, the
 * principal captured at open, {@code UserIdResolver} (a numeric principal name is the user id).
 * It replaces web.xml's BASIC login in the benchmark WAR (Jakarta Security takes precedence).
 */
@ApplicationScoped
public class BenchAuthentication implements HttpAuthenticationMechanism {

    /** The header that names the user. */
    public static final String HEADER = "X-Bench-User";
    private static final Pattern USER_ID = Pattern.compile("[1-9][0-9]{0,17}");

    /** Creates the mechanism. */
    public BenchAuthentication() {
    }

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        String user = request.getHeader(HEADER);
        if (user != null && USER_ID.matcher(user).matches()) {
            return context.notifyContainerAboutLogin(user, Set.of());
        }
        return context.isProtected() ? context.responseUnauthorized() : context.doNothing();
    }
}
