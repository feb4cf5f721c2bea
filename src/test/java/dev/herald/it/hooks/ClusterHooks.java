package dev.herald.it.hooks;

import dev.herald.cluster.control.Cluster;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Runs the cluster's application-stop path inside a running server and reports what it left. */
@Path("cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterHooks {

    private static final String SUBSCRIBER_THREAD = "herald-redis-subscriber";

    @Inject
    Cluster cluster;

    /**
     * @return {@code {"enabled":false,"subscriberThreads":0}} when the stop ended the cluster mode and its thread
     * @throws InterruptedException when interrupted
     */
    @POST
    @Path("stop")
    public JsonObject stop() throws InterruptedException {
        boolean before = subscriberThreads() > 0;
        cluster.stop();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (subscriberThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10); // the thread has returned from run(); let it terminate
        }
        return Json.createObjectBuilder()
                .add("subscriberThreadBefore", before)
                .add("enabled", cluster.isEnabled())
                .add("subscriberThreads", subscriberThreads())
                .build();
    }

    private static long subscriberThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && SUBSCRIBER_THREAD.equals(t.getName()))
                .count();
    }
}
