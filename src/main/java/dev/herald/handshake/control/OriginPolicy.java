package dev.herald.handshake.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Decides which browser origins may open a WebSocket, against cross-site WebSocket hijacking (a page on
 * another site opening a socket with the user's cookies).
 *
 * <p>A handshake without an {@code Origin} header comes from a non-browser client and is allowed.
 * With {@code herald.allowed-origins} unset, only the origin whose host and port equal the handshake's
 * {@code Host} header is allowed (the scheme is not compared: TLS often ends at a proxy). Otherwise
 * the property lists the allowed origins ({@code https://app.example,https://admin.example:8443},
 * compared by scheme, host and port), or is {@code *} for any origin.
 */
@ApplicationScoped
public class OriginPolicy {

    @Inject
    HandshakeConfig config;

    private volatile Rules rules;

    /** Creates the bean; the rules are read from {@link HandshakeConfig} once. */
    public OriginPolicy() {
    }

    /**
     * Rules outside a container (unit tests).
     *
     * @param allowedOrigins the {@code herald.allowed-origins} value, or null for same-origin only
     */
    public OriginPolicy(String allowedOrigins) {
        this.rules = Rules.parse(allowedOrigins);
    }

    @PostConstruct
    void init() {
        rules = Rules.parse(config.allowedOrigins().orElse(null));
    }

    /**
     * @param origin the handshake's {@code Origin} header, or null when it has none
     * @param host   the handshake's {@code Host} header
     * @return true when the handshake may proceed
     */
    public boolean allows(String origin, String host) {
        if (origin == null) {
            return true;
        }
        Rules current = rules;
        if (current.any()) {
            return true;
        }
        if (!current.origins().isEmpty()) {
            return current.origins().contains(normalize(origin));
        }
        return sameOrigin(origin, host);
    }

    /** @return what is allowed, for log messages */
    public String describe() {
        Rules current = rules;
        if (current.any()) {
            return "any origin (herald.allowed-origins=*)";
        }
        return current.origins().isEmpty() ? "the origin of the Host header" : "herald.allowed-origins " + current.origins();
    }

    /** True when the origin's host and effective port equal those of the Host header. */
    static boolean sameOrigin(String origin, String host) {
        URI parsedOrigin = parse(origin);
        URI parsedHost = host == null || host.isBlank() ? null : parse("x://" + host.trim());
        if (parsedOrigin == null || parsedOrigin.getHost() == null || parsedHost == null || parsedHost.getHost() == null
                || !parsedHost.getRawPath().isEmpty() || parsedHost.getRawUserInfo() != null) {
            return false;
        }
        int originPort = effectivePort(parsedOrigin);
        int hostPort = parsedHost.getPort() < 0 ? defaultPort(parsedOrigin.getScheme()) : parsedHost.getPort();
        return parsedOrigin.getHost().equalsIgnoreCase(parsedHost.getHost()) && originPort == hostPort && originPort > 0;
    }

    /**
     * @param origin an origin such as {@code HTTPS://App.Example:443/}
     * @return {@code scheme://host:port} in lower case with the port made explicit
     *         ({@code https://app.example:443}), or the trimmed lower-case text when it is no such origin
     */
    static String normalize(String origin) {
        String text = origin.trim().toLowerCase(Locale.ROOT);
        URI uri = parse(text);
        if (uri == null || uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null
                || !(uri.getRawPath().isEmpty() || "/".equals(uri.getRawPath())) || uri.getRawQuery() != null) {
            return text;
        }
        return uri.getScheme() + "://" + uri.getHost() + ":" + effectivePort(uri);
    }

    private static URI parse(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
    }

    private static int defaultPort(String scheme) {
        return switch (scheme == null ? "" : scheme.toLowerCase(Locale.ROOT)) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }

    /** The parsed property: {@code *}, a set of normalized origins, or neither (same origin only). */
    private record Rules(boolean any, Set<String> origins) {

        static Rules parse(String property) {
            Set<String> origins = new LinkedHashSet<>();
            boolean any = false;
            if (property != null) {
                for (String entry : property.split(",")) {
                    if ("*".equals(entry.trim())) {
                        any = true;
                    } else if (!entry.isBlank()) {
                        origins.add(normalize(entry));
                    }
                }
            }
            return new Rules(any, Set.copyOf(origins));
        }
    }
}
