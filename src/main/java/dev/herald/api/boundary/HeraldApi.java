package dev.herald.api.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.connections.boundary.ConnectionsResource;
import dev.herald.metrics.boundary.MetricsResource;
import dev.herald.notifications.boundary.GroupsResource;
import dev.herald.notifications.boundary.NotificationsResource;
import dev.herald.notifications.boundary.TopicsResource;
import dev.herald.platform.ProblemMapper;
import dev.herald.platform.UnexpectedErrorMapper;
import dev.herald.stats.boundary.StatsResource;
import dev.herald.sse.boundary.SseResource;
import dev.herald.tickets.boundary.TicketResource;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import java.util.Set;

/**
 * Herald's Jakarta REST application. Dropped into a host application (herald-classes.jar) it is
 * mounted at {@value #PATH}, clear of the {@code /api} most applications use; herald.war maps it to
 * {@code /api} with a {@code servlet-mapping} in its web.xml, and a host can do the same to move it.
 *
 * <p>Its classes are listed, so Herald's exception mappers never apply to a host's own resources.
 * Its properties carry {@link ApiAccess#MARKER}: a host application that scans its WAR publishes
 * Herald's resources a second time, and there they answer 404.
 */
@ApplicationPath(HeraldApi.PATH)
public class HeraldApi extends Application {

    /** The path of Herald's API in a host application, below the context root. */
    public static final String PATH = "herald/api";

    /** Creates the application. */
    public HeraldApi() {
    }

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(NotificationsResource.class, GroupsResource.class, TopicsResource.class, ConnectionsResource.class, StatsResource.class,
                MetricsResource.class, TicketResource.class, SseResource.class,
                ProblemMapper.class, UnexpectedErrorMapper.class);
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of(ApiAccess.MARKER, Boolean.TRUE);
    }
}
