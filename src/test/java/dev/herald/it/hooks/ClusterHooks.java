package dev.herald.it.hooks;

import dev.herald.cluster.control.Cluster;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Runs the cluster's application-stop path inside a running server and reports what it left. */
@Path("cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterHooks {

    private static final String SUBSCRIBER_THREAD = "herald-redis-shard-"; // one per Redis (per primary of a Redis Cluster)

    @Inject
    Cluster cluster;

    /**
     * @return {@code {"subscriberThreadBefore":true,"enabled":false}} when the stop ended the cluster mode
     *         (its thread ends right after: see {@link #threads()})
     */
    @POST
    @Path("stop")
    public JsonObject stop() {
        boolean before = subscriberThreads() > 0;
        cluster.stop();
        return Json.createObjectBuilder()
                .add("subscriberThreadBefore", before)
                .add("enabled", cluster.isEnabled())
                .build();
    }

    /** @return {@code {"subscriberThreads":n}}: live threads named as the cluster's subscriber */
    @GET
    @Path("threads")
    public JsonObject threads() {
        return Json.createObjectBuilder().add("subscriberThreads", subscriberThreads()).build();
    }

    private static long subscriberThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(SUBSCRIBER_THREAD))
                .count();
    }
}
