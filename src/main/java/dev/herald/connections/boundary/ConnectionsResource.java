package dev.herald.connections.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.cluster.control.Cluster;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.platform.JsonBodies;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** {@code GET /api/connections/{userId}}: whether a user is connected anywhere, for role {@code herald-sender}
 * (checked by the method itself, {@link ApiAccess}). */
@Path("connections/{userId}")
@Produces(MediaType.APPLICATION_JSON)
public class ConnectionsResource {

    @Inject
    WebSocketManager manager;
    @Inject
    Cluster cluster;
    @Inject
    ApiAccess access;
    @Context
    Configuration configuration;
    @Context
    SecurityContext security;

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
        int sessions = manager.getConnections(id).size() + cluster.sessionsElsewhere(id);
        return Json.createObjectBuilder()
                .add("userId", id)
                .add("connected", sessions > 0)
                .add("sessions", sessions)
                .build();
    }
}
