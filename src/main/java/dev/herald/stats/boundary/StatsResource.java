package dev.herald.stats.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.platform.ClusterStatus;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
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
    Readings readings;
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
     * @return every {@link Readings} number as JSON (the counters and gauges also served by
     *         {@code /api/metrics}, the in-memory {@code herald.v1} history's size among them); in cluster mode also
     *         {@code "cluster":{"node":…,"redis":"up"|"down","subscribed":true|false}}
     */
    @GET
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public JsonObject stats() {
        access.read(configuration, security);
        JsonObjectBuilder counters = Json.createObjectBuilder();
        readings.all().forEach(reading -> counters.add(reading.key(), reading.value().getAsLong()));
        if (!cluster.isEnabled()) {
            return counters.build();
        }
        return counters
                .add("cluster", Json.createObjectBuilder()
                        .add("node", cluster.nodeId())
                        .add("redis", cluster.isRedisDown() ? "down" : "up")
                        .add("subscribed", cluster.isSubscribed()))
                .build();
    }
}
