package dev.herald.bench.peers.boundary;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The harness's control API under {@code /bench} (benchmark WAR only, unauthenticated, loopback use). */
@ApplicationPath("bench")
public class BenchApi extends Application {

    /** Creates the application. */
    public BenchApi() {
    }

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(BenchResource.class);
    }
}
