package dev.herald.connections.boundary;

import dev.herald.recovery.control.V1Protocol;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Mounts Herald's WebSocket endpoint while the application deploys, at the path {@value #PROPERTY}
 * names: MicroProfile Config first, then a context {@code init-param} of that name (herald.war's
 * web.xml sets {@code /ws}), else {@value #HOST_DEFAULT}, clear of a host application's own paths.
 * Maps the declared {@value #FILTER} filter ({@link HandshakeFilter}) to the same path, ahead of
 * the container's upgrade. Fails the deployment, naming the path and the property, when a servlet
 * of the application holds the path, a {@code @ServerEndpoint} has it ({@link EndpointScan}), or the
 * WebSocket runtime refuses it. Declared in herald.war's web.xml
 * and in herald-classes.jar's web-fragment.xml.
 */
public class SocketMount implements ServletContextListener {

    /** The property (and context init-param) that moves Herald's WebSocket endpoint. */
    public static final String PROPERTY = "herald.websocket.path";
    /** The endpoint's path below the context root when nothing sets {@value #PROPERTY}. */
    public static final String HOST_DEFAULT = "/herald/ws";
    /** The name of the handshake filter's declaration. */
    static final String FILTER = "herald-handshake";

    private static final Logger LOG = Logger.getLogger(SocketMount.class.getName());
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

    /** Creates the listener. */
    public SocketMount() {
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        String path = path(context, configured(context.getClassLoader()), context.getInitParameter(PROPERTY));
        List<String> claims = claims(context.getServletRegistrations(), path);
        if (!claims.isEmpty()) {
            throw failure(context, path, "a servlet of the application claims it: " + claims, null);
        }
        if (context.getAttribute(EndpointScan.ATTRIBUTE) instanceof Map<?, ?> endpoints && endpoints.get(path) != null) {
            throw failure(context, path, "a @ServerEndpoint of the application claims it: " + endpoints.get(path), null);
        }
        FilterRegistration filter = context.getFilterRegistration(FILTER);
        if (filter != null) {
            filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, path);
        }
        if (!(context.getAttribute(ServerContainer.class.getName()) instanceof ServerContainer container)) {
            throw failure(context, path, "the server offers no WebSocket container (enable Jakarta WebSocket)", null);
        }
        try {
            container.addEndpoint(ServerEndpointConfig.Builder.create(HeraldEndpoint.class, path)
                    .subprotocols(List.of(V1Protocol.SUBPROTOCOL)).configurator(new HandshakeConfigurator()).build());
        } catch (DeploymentException | RuntimeException e) {
            throw failure(context, path, "the WebSocket runtime refused it, another endpoint has it? (" + e.getMessage() + ")", e);
        }
        LOG.info(() -> "Herald's WebSocket endpoint is at " + context.getContextPath() + path);
    }

    private static Optional<String> configured(ClassLoader loader) {
        return ConfigProvider.getConfig(loader).getOptionalValue(PROPERTY, String.class);
    }

    /**
     * @param context    the application, named in the message
     * @param configured the MicroProfile Config value, if any
     * @param initParam  the context init-param, or null
     * @return the endpoint's path below the context root
     * @throws IllegalStateException when the chosen value is no plain path ({@code /seg/seg}: no
     *                               wildcard, template, query or trailing slash)
     */
    static String path(ServletContext context, Optional<String> configured, String initParam) {
        String value = configured.or(() -> Optional.ofNullable(initParam)).map(String::trim).orElse(HOST_DEFAULT);
        if (!PATH.matcher(value).matches()) {
            throw failure(context, value, "it is not a plain path such as " + HOST_DEFAULT, null);
        }
        return value;
    }

    /**
     * @param registrations the application's servlets
     * @param path          the endpoint's path
     * @return the mappings ({@code pattern (servlet)}) that hold exactly the path, or the path and below
     */
    static List<String> claims(Map<String, ? extends ServletRegistration> registrations, String path) {
        List<String> claims = new ArrayList<>();
        registrations.forEach((name, registration) -> {
            for (String pattern : registration.getMappings()) {
                if (pattern.equals(path) || pattern.equals(path + "/*")) {
                    claims.add(pattern + " (" + name + ")");
                }
            }
        });
        return claims;
    }

    private static IllegalStateException failure(ServletContext context, String path, String why, Exception cause) {
        String where = context.getContextPath().isEmpty() ? "the root context" : context.getContextPath();
        return new IllegalStateException("Herald cannot start in " + where + ": its WebSocket path " + path + " (" + PROPERTY
                + ") is not available: " + why + ". Give the host's servlet or endpoint another path, or move Herald's"
                + " with " + PROPERTY + " (MicroProfile Config, or a context-param in web.xml; README, 'Using Herald in an"
                + " existing application').", cause);
    }
}
