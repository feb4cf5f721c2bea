package dev.herald.it.drain;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** Test-only REST application for {@code HealthAndMetricsIT}'s drain, never in herald.war. */
@ApplicationPath("drain-hooks")
public class DrainHooksApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(DrainHooks.class);
    }
}
