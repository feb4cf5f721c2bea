package dev.herald.health.boundary;

import dev.herald.platform.ClusterStatus;
import dev.herald.connections.control.WebSocketManager;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@value #NAME}: DOWN while the application drains its sessions at stop (while the server
 * still asks: see the README), and in
 * cluster mode while Redis is unreachable or this node is not subscribed to the other nodes'
 * messages; the reason is in the check's data ({@code reason}). Runs where the server has
 * MicroProfile Health; elsewhere this class is never loaded as a bean.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    /** The check's name in the health response. */
    public static final String NAME = "herald";

    @Inject
    WebSocketManager manager;
    @Inject
    ClusterStatus cluster;

    /** Creates the check. */
    public ReadinessCheck() {
    }

    @Override
    public HealthCheckResponse call() {
        boolean clustered = cluster.isEnabled();
        Optional<String> reason = notReady(manager.isStopping(), clustered, clustered && cluster.isRedisDown(),
                clustered && cluster.isSubscribed());
        Map<String, Object> data = new LinkedHashMap<>();
        reason.ifPresent(why -> data.put("reason", why));
        if (clustered) {
            data.put("node", cluster.nodeId());
        }
        return response(NAME, reason.isEmpty(), data);
    }

    /**
     * Built with the constructor (MicroProfile Health 3.0+), not {@code HealthCheckResponse.named()}, whose
     * builder is looked up through the calling thread's class loader each time.
     *
     * @param name the check's name
     * @param up   UP or DOWN
     * @param data the check's data
     * @return the response
     */
    static HealthCheckResponse response(String name, boolean up, Map<String, Object> data) {
        return new HealthCheckResponse(name, up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                data.isEmpty() ? Optional.empty() : Optional.of(data));
    }

    /**
     * @param stopping   the application is stopping (draining its send queues)
     * @param clustered  cluster mode is on
     * @param redisDown  Redis is known to be unreachable
     * @param subscribed this node receives the other nodes' messages
     * @return why this node should get no traffic, or empty when it is ready
     */
    static Optional<String> notReady(boolean stopping, boolean clustered, boolean redisDown, boolean subscribed) {
        if (stopping) {
            return Optional.of("draining: the application is stopping");
        }
        if (clustered && redisDown) {
            return Optional.of("redis unreachable");
        }
        if (clustered && !subscribed) {
            return Optional.of("not subscribed to the cluster channel");
        }
        return Optional.empty();
    }
}
