package dev.herald.health.boundary;

import dev.herald.stats.control.HeraldStats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness check {@value ReadinessCheck#NAME}: UP whenever Herald's beans answer, with the open
 * sessions in its data. Herald has no state a restart would cure that readiness does not already
 * report, so it is never DOWN by itself (a Redis outage makes the node unready, not dead).
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    @Inject
    HeraldStats stats;

    /** Creates the check. */
    public LivenessCheck() {
    }

    @Override
    public HealthCheckResponse call() {
        return ReadinessCheck.response(ReadinessCheck.NAME, true, Map.of("openSessions", stats.openSessions()));
    }
}
