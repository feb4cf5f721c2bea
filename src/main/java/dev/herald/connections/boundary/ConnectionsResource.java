package dev.herald.connections.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.connections.control.RemotePresence;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.platform.JsonBodies;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** {@code /api/connections/{userId}}: whether a user is connected anywhere ({@code GET}), or disconnect them
 * everywhere ({@code DELETE}); role {@code herald-sender} (checked by each method itself, {@link ApiAccess}). */
@Path("connections/{userId}")
@Produces(MediaType.APPLICATION_JSON)
public class ConnectionsResource {

    @Inject
    WebSocketManager manager;
    @Inject
    RemotePresence presence;
    @Inject
    ApiAccess access;
    @Context
    Configuration configuration;
    @Context
    SecurityContext security;
    @Context
    HttpHeaders headers;

    /** Creates the resource. */
    public ConnectionsResource() {
    }

    /**
     * @param userId the user, a positive number
     * @return {@code {"userId":…,"connected":…,"sessions":n}}: live sessions on every node (in a
     *         cluster, per the shared presence; this node's only while Redis is unreachable)
     */
    @GET
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public JsonObject connections(@PathParam("userId") String userId) {
        access.read(configuration, security);
        long id = JsonBodies.userId(userId);
        int sessions = manager.liveSessions(id) + presence.sessionsElsewhere(id);
        return Json.createObjectBuilder()
                .add("userId", id)
                .add("connected", sessions > 0)
                .add("sessions", sessions)
                .build();
    }

    /**
     * Closes every session of the user with 4008 "disconnected", on every node of a cluster (the
     * seed's {@code disconnect}).
     *
     * @param userId the user, a positive number
     * @return {@code {"userId":…,"disconnected":n}}: how many sessions this node closed
     */
    @DELETE
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public JsonObject disconnect(@PathParam("userId") String userId) {
        access.change(configuration, security, headers);
        long id = JsonBodies.userId(userId);
        return Json.createObjectBuilder()
                .add("userId", id)
                .add("disconnected", manager.disconnect(id))
                .build();
    }
}
