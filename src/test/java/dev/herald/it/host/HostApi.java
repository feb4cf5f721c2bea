package dev.herald.it.host;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The host application's own REST application (the drop-in test's "existing app"). */
@ApplicationPath("app")
public class HostApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(HostResource.class);
    }
}
