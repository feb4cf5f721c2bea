package dev.herald.platform;

import dev.herald.connections.boundary.ConnectionsResource;
import dev.herald.notifications.boundary.NotificationsResource;
import dev.herald.stats.boundary.StatsResource;
import dev.herald.tickets.boundary.TicketResource;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * Herald's Jakarta REST application under {@code /api}. Its classes are listed explicitly so that, in
 * a host application, Herald's exception mappers never apply to the host's own resources.
 */
@ApplicationPath("api")
public class HeraldApi extends Application {

    /** Creates the application. */
    public HeraldApi() {
    }

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(NotificationsResource.class, ConnectionsResource.class, StatsResource.class, TicketResource.class,
                ProblemMapper.class, UnexpectedErrorMapper.class);
    }
}
