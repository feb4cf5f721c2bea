package dev.herald.stats.boundary;

import dev.herald.cluster.control.Cluster;
import dev.herald.connections.control.History;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.stats.control.HeraldStats;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/stats}: Herald's counters, for role {@code herald-sender}. */
@Path("stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {

    @Inject
    HeraldStats stats;
    @Inject
    WebSocketManager manager;
    @Inject
    Cluster cluster;

    /** Creates the resource. */
    public StatsResource() {
    }

    /**
     * @return every counter as JSON, with the in-memory {@code herald.v1} history's size
     *         ({@code historyBytes}, {@code historyEntries}, {@code historyStreams}, {@code historyEvictions}); in cluster mode also
     *         {@code "cluster":{"node":…,"redis":"up"|"down","subscribed":true|false}}
     */
    @GET
    public JsonObject stats() {
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
