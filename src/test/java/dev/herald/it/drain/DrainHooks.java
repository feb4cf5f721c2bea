package dev.herald.it.drain;

import dev.herald.connections.control.WebSocketManager;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Keeps a send queue busy through the drain at application stop: a registration whose session never
 * opens (as during a handshake) holds a queued message until the drain's time is up. A client that
 * only stops reading does not do it everywhere: Payara's container accepts and buffers what it is
 * sent, so Herald's own queue empties at once. {@code stop} starts the manager's stop (what the
 * application's undeploy runs) while the application stays deployed: the servers stop asking an
 * application's health checks once its undeploy begins, so only this way can a test read Herald's
 * readiness during a drain.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class DrainHooks {

    @Inject
    WebSocketManager manager;
    @Resource
    ManagedExecutorService executor;

    /**
     * @param user the user to register a never-opening session for
     * @return {"queued":sessions the message was queued for}
     */
    @POST
    @Path("pending")
    public JsonObject pending(@QueryParam("user") long user) {
        manager.reserve(user, false, null, null).orElseThrow();
        int sessions = manager.sendMessage(user, Json.createObjectBuilder().add("message", "pending").build()).sessions();
        return Json.createObjectBuilder().add("queued", sessions).build();
    }

    /**
     * Starts {@link WebSocketManager#shutdown()} on a managed thread and returns at once.
     *
     * @return {"stopping":true}
     */
    @POST
    @Path("stop")
    public JsonObject stop() {
        executor.execute(manager::shutdown);
        return Json.createObjectBuilder().add("stopping", true).build();
    }
}
