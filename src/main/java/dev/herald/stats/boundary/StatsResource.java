package dev.herald.stats.boundary;

import dev.herald.connections.control.WebSocketManager;
import dev.herald.stats.control.HeraldStats;
import jakarta.inject.Inject;
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

    /** Creates the resource. */
    public StatsResource() {
    }

    /** @return every counter as JSON */
    @GET
    public JsonObject stats() {
        return stats.snapshot(manager.connectedUsers());
    }
}
