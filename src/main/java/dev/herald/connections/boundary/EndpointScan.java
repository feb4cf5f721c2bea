package dev.herald.connections.boundary;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Notes the paths of the application's {@code @ServerEndpoint} classes for {@link SocketMount}, which
 * runs later: some WebSocket runtimes (Tyrus) only find two endpoints on one path after the deployment
 * phase, when Herald can no longer say what to change. Registered in
 * {@code META-INF/services/jakarta.servlet.ServletContainerInitializer}.
 */
@HandlesTypes(ServerEndpoint.class)
public class EndpointScan implements ServletContainerInitializer {

    /** The context attribute holding the paths: a map from path to the endpoint class's name. */
    static final String ATTRIBUTE = EndpointScan.class.getName() + ".paths";

    /** Created by the container. */
    public EndpointScan() {
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        Map<String, String> paths = new TreeMap<>();
        if (classes != null) {
            for (Class<?> type : classes) {
                ServerEndpoint endpoint = type.getAnnotation(ServerEndpoint.class);
                if (endpoint != null) {
                    paths.merge(endpoint.value(), type.getName(), (a, b) -> a + ", " + b);
                }
            }
        }
        context.setAttribute(ATTRIBUTE, Map.copyOf(paths));
    }
}
