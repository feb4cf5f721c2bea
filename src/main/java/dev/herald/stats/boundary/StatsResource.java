package dev.herald.stats.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.recovery.control.History;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.platform.ClusterStatus;
import dev.herald.stats.control.HeraldStats;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** {@code GET /api/stats}: Herald's counters, for role {@code herald-sender} (checked by the method
 * itself, {@link ApiAccess}). */
@Path("stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {

    @Inject
    HeraldStats stats;
    @Inject
    WebSocketManager manager;
    @Inject
    ClusterStatus cluster;
    @Inject
    ApiAccess access;
    @Context
    Configuration configuration;
    @Context
    SecurityContext security;

    /** Creates the resource. */
    public StatsResource() {
    }

    /**
     * @return every counter as JSON, with the in-memory {@code herald.v1} history's size
     *         ({@code historyBytes}, {@code historyEntries}, {@code historyStreams}, {@code historyEvictions}); in cluster mode also
     *         {@code "cluster":{"node":…,"redis":"up"|"down","subscribed":true|false}}
     */
    @GET
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public JsonObject stats() {
        access.read(configuration, security);
        History history = manager.history();
        JsonObject counters = Json.createObjectBuilder(stats.snapshot(manager.connectedUsers()))
                .add("historyBytes", history.bytes())
                .add("historyEntries", history.entries())
                .add("historyStreams", history.streams())
                .add("historyEvictions", history.evictions())
                .build();
        if (!cluster.isEnabled()) {
            return counters;
        }
        return Json.createObjectBuilder(counters)
                .add("cluster", Json.createObjectBuilder()
                        .add("node", cluster.nodeId())
                        .add("redis", cluster.isRedisDown() ? "down" : "up")
                        .add("subscribed", cluster.isSubscribed()))
                .build();
    }
}
