package dev.herald.it.hooks;

import dev.herald.connections.control.WebSocketManager;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/** Server-side load and probes for the integration tests (test deployments only). */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class TestHooks {

    @Inject
    WebSocketManager manager;
    @Resource
    ManagedExecutorService executor;

    /**
     * Sends numbered messages to one user from several threads at once: {"t":thread,"n":i,"pad":…}.
     * Returns how long the calls took (they only enqueue).
     */
    @POST
    @Path("burst")
    public JsonObject burst(@QueryParam("user") long user, @QueryParam("threads") int threads,
                            @QueryParam("count") int count, @QueryParam("pad") int pad) throws Exception {
        String padding = "x".repeat(pad);
        long start = System.nanoTime();
        List<Future<?>> tasks = new ArrayList<>();
        List<CompletableFuture<Integer>> deliveries = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            tasks.add(executor.submit(() -> {
                for (int i = 0; i < count; i++) {
                    JsonObject message = Json.createObjectBuilder().add("t", thread).add("n", i).add("pad", padding).build();
                    deliveries.add(user > 0 ? manager.sendMessage(user, message) : manager.broadcast(message));
                }
            }));
        }
        for (Future<?> task : tasks) {
            task.get();
        }
        long enqueueMs = (System.nanoTime() - start) / 1_000_000;
        return Json.createObjectBuilder().add("enqueueMs", enqueueMs).add("calls", deliveries.size()).build();
    }

    /** The server JVM's live thread count and heap in use. */
    @GET
    @Path("jvm")
    public JsonObject jvm() {
        Runtime runtime = Runtime.getRuntime();
        return Json.createObjectBuilder()
                .add("threads", ManagementFactory.getThreadMXBean().getThreadCount())
                .add("heapUsed", runtime.totalMemory() - runtime.freeMemory())
                .build();
    }

    /** Runs the manager's application-stop path now, as an undeploy would. */
    @POST
    @Path("shutdown")
    public JsonObject shutdown() {
        manager.shutdown();
        return Json.createObjectBuilder().add("stopping", manager.isStopping()).build();
    }
}
