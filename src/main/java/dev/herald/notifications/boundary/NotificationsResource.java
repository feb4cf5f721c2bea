package dev.herald.notifications.boundary;

import dev.herald.connections.control.Delivery;
import dev.herald.platform.JsonBodies;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /api/notifications/{userId}} and {@code POST /api/notifications} (broadcast), for
 * role {@code herald-sender}.
 */
@Path("notifications")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NotificationsResource {

    @Inject
    NotificationService notifications;

    /** Creates the resource. */
    public NotificationsResource() {
    }

    /**
     * @param userId the target user, a positive number
     * @param body   any JSON
     * @return {@code {"userId":…,"delivered":…,"sessions":n}}: sessions on this node plus, in a
     *         cluster, the user's sessions on the other nodes
     */
    @POST
    @Path("{userId}")
    public JsonObject notify(@PathParam("userId") String userId, String body) {
        long id = JsonBodies.userId(userId);
        Delivery delivery = notifications.notify(id, JsonBodies.parse(body));
        return Json.createObjectBuilder()
                .add("userId", id)
                .add("delivered", delivery.delivered())
                .add("sessions", delivery.sessions() + delivery.remoteSessions())
                .build();
    }

    /**
     * @param body any JSON
     * @return {@code {"sessions":n}}: sessions on this node it was queued on
     */
    @POST
    public JsonObject broadcast(String body) {
        Delivery delivery = notifications.broadcast(JsonBodies.parse(body));
        return Json.createObjectBuilder().add("sessions", delivery.sessions()).build();
    }
}
