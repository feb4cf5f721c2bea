package dev.herald.api.boundary;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Fails the deployment, with a message that says what to change, when another servlet or Jakarta REST
 * application claims Herald's REST path (the WebSocket path is checked where the endpoint is mounted,
 * {@code SocketMount}). Without it, two
 * applications on one path are a warning in the log and a coin toss at every start over which one
 * answers. Declared in herald-classes.jar's web-fragment.xml and in herald.war's web.xml; the REST
 * runtimes register their servlets before listeners start, so every claim is visible here.
 */
public class MountCheck implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(MountCheck.class.getName());

    /** Creates the listener. */
    public MountCheck() {
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Map<String, ? extends ServletRegistration> registrations = context.getServletRegistrations();
        ServletRegistration herald = registrations.get(HeraldApi.class.getName());
        Collection<String> own = herald == null ? List.of() : herald.getMappings();
        Set<String> wanted = new LinkedHashSet<>(own);
        if (wanted.isEmpty()) {
            wanted.add("/" + HeraldApi.PATH + "/*");
        }
        List<String> conflicts = new ArrayList<>();
        registrations.forEach((name, registration) -> {
            if (!name.equals(HeraldApi.class.getName())) {
                for (String pattern : claims(registration, context.getClassLoader())) {
                    if (wanted.contains(pattern)) {
                        conflicts.add(pattern + " (" + name + ")");
                    }
                }
            }
        });
        if (!conflicts.isEmpty() || herald != null && own.isEmpty()) {
            String message = "Herald cannot start in " + describe(context) + ": "
                    + (conflicts.isEmpty() ? "its REST API " + HeraldApi.class.getName() + " is mapped to no path"
                            : "another servlet or REST application claims Herald's paths (REST API " + wanted + "): " + conflicts)
                    + ". Give the host's application or servlet another path, or move Herald's API with a "
                    + "<servlet-mapping> for " + HeraldApi.class.getName() + " in web.xml (README, "
                    + "'Using Herald in an existing application').";
            throw new IllegalStateException(message);
        }
        LOG.fine(() -> "Herald's REST API is mapped to " + wanted);
    }

    /** The patterns a servlet holds, or would hold when the REST runtime could not map it (a conflict). */
    private static Collection<String> claims(ServletRegistration registration, ClassLoader loader) {
        Collection<String> mappings = registration.getMappings();
        if (!mappings.isEmpty()) {
            return mappings;
        }
        String declared = applicationPath(registration.getName(), loader);
        return declared == null ? List.of() : List.of(declared);
    }

    /** The {@code @ApplicationPath} pattern of a REST application registered under its class name, if it is one. */
    private static String applicationPath(String name, ClassLoader loader) {
        try {
            Class<?> type = Class.forName(name, false, loader);
            ApplicationPath path = type.getAnnotation(ApplicationPath.class);
            if (path == null || !Application.class.isAssignableFrom(type)) {
                return null;
            }
            String value = path.value().replaceAll("^/+|/+$|/\\*$", "");
            return value.isEmpty() ? "/*" : "/" + value + "/*";
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static String describe(ServletContext context) {
        String path = context.getContextPath();
        return path.isEmpty() ? "the root context" : path;
    }
}
