package dev.herald.notifications.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.connections.control.Delivery;
import dev.herald.platform.JsonBodies;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code POST /api/notifications/{userId}} and {@code POST /api/notifications} (broadcast), for
 * role {@code herald-sender}, with an {@code application/json} body, never cross-site. Each method
 * checks this itself ({@link ApiAccess}); {@code @RolesAllowed} only documents it, as Jakarta REST
 * runtimes do not enforce it by default.
 */
@Path("notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationsResource {

    @Inject
    NotificationService notifications;
    @Inject
    ApiAccess access;
    @Context
    Configuration configuration;
    @Context
    SecurityContext security;
    @Context
    HttpHeaders headers;

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
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public JsonObject notify(@PathParam("userId") String userId, String body) {
        access.send(configuration, security, headers);
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
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public JsonObject broadcast(String body) {
        access.send(configuration, security, headers);
        Delivery delivery = notifications.broadcast(JsonBodies.parse(body));
        return Json.createObjectBuilder().add("sessions", delivery.sessions()).build();
    }
}
