package dev.herald.notifications.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.connections.control.Delivery;
import dev.herald.platform.ClusterStatus;
import dev.herald.platform.JsonBodies;
import java.util.LinkedHashSet;
import java.util.Set;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.BadRequestException;
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
 * {@code POST /api/notifications/{userId}}, {@code POST /api/notifications/users} (a list) and
 * {@code POST /api/notifications} (broadcast), for
 * role {@code herald-sender}, with an {@code application/json} body, never cross-site. Each method
 * checks this itself ({@link ApiAccess}); {@code @RolesAllowed} only documents it, as Jakarta REST
 * runtimes do not enforce it by default.
 */
@Path("notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationsResource {

    /** The most users one {@code POST /notifications/users} may list. */
    public static final int MAX_USERS = 1000;

    @Inject
    NotificationService notifications;
    @Inject
    ApiAccess access;
    @Inject
    ClusterStatus cluster;
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
     * @param body {@code {"users":[ids],"message":<any JSON>}}: 1 to {@value #MAX_USERS} positive ids
     * @return {@code {"users":k,"sessions":n}} (distinct users, sessions on this node) and, in a cluster,
     *         {@code "otherNodes":m}: the users' sessions on the other nodes per cluster presence
     */
    @POST
    @Path("users")
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public JsonObject notifyUsers(String body) {
        access.send(configuration, security, headers);
        JsonObject request = JsonBodies.parse(body) instanceof JsonObject object ? object : null;
        JsonValue message = request == null ? null : request.get("message");
        JsonValue listed = request == null ? null : request.get("users");
        if (message == null || !(listed instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_USERS) {
            throw new BadRequestException("Body must be {\"users\":[1 to " + MAX_USERS + " user ids],\"message\":<JSON>}");
        }
        Set<Long> users = new LinkedHashSet<>();
        for (JsonValue id : array) {
            if (!(id instanceof JsonNumber number) || !number.isIntegral() || number.longValue() <= 0) {
                throw new BadRequestException("User ids must be positive numbers");
            }
            users.add(number.longValue());
        }
        Delivery delivery = notifications.notifyUsers(users, message);
        JsonObjectBuilder answer = Json.createObjectBuilder().add("users", users.size()).add("sessions", delivery.sessions());
        if (cluster.isEnabled()) {
            answer.add("otherNodes", delivery.remoteSessions());
        }
        return answer.build();
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
