package dev.herald.it.hooks;

import dev.herald.cluster.control.Cluster;
import dev.herald.connections.control.Writers;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.function.Predicate;

/** Runs the cluster's application-stop path inside a running server and reports what it left. */
@Path("cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterHooks {

    private static final String SUBSCRIBER_THREAD = "herald-redis-shard-"; // one per Redis (per primary of a Redis Cluster)
    private static final String WRITER_THREAD = "herald-writer-";

    @Inject
    Cluster cluster;
    @Inject
    Writers writers;

    /**
     * Stops the cluster, then the writer threads, as the application's stop does.
     *
     * @return {@code {"subscriberThreadBefore":true,"writerThreadsBefore":2,"enabled":false}} when the
     *         stop ended the cluster mode (the threads end right after: see {@link #threads()})
     */
    @POST
    @Path("stop")
    public JsonObject stop() {
        boolean before = threads(name -> name.startsWith(SUBSCRIBER_THREAD)) > 0;
        long writersBefore = threads(name -> name.startsWith(WRITER_THREAD));
        cluster.stop();
        writers.stop();
        return Json.createObjectBuilder()
                .add("subscriberThreadBefore", before)
                .add("writerThreadsBefore", writersBefore)
                .add("enabled", cluster.isEnabled())
                .build();
    }

    /** @return {@code {"subscriberThreads":n,"writerThreads":m}}: live threads named as the cluster's subscriber, and as the writers */
    @GET
    @Path("threads")
    public JsonObject threads() {
        return Json.createObjectBuilder()
                .add("subscriberThreads", threads(name -> name.startsWith(SUBSCRIBER_THREAD)))
                .add("writerThreads", threads(name -> name.startsWith(WRITER_THREAD)))
                .build();
    }

    private static long threads(Predicate<String> name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && name.test(t.getName()))
                .count();
    }
}
