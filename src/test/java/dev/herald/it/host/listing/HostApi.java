package dev.herald.it.host.listing;

import dev.herald.it.host.HostResource;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** A host application that lists its classes (the drop-in test's "existing app"), at {@code /app}. */
@ApplicationPath("app")
public class HostApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(HostResource.class);
    }
}
