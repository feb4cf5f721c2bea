package dev.herald.it.hooks;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** Test-only REST application, added to test deployments, never to herald.war. */
@ApplicationPath("test-hooks")
public class TestHooksApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(TestHooks.class, ClusterHooks.class);
    }
}
