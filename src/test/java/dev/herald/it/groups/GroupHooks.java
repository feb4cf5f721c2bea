package dev.herald.it.groups;

import dev.herald.connections.control.WebSocketManager;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** join and leave at run time, as an application calls them (test deployments only). */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class GroupHooks {

    @Inject
    WebSocketManager manager;

    /** @return {@code {"here":…}}: whether the user has sessions on this node */
    @POST
    @Path("join")
    public JsonObject join(@QueryParam("user") long user, @QueryParam("group") String group) {
        return Json.createObjectBuilder().add("here", manager.audiences().join(user, group)).build();
    }

    /** @return {@code {"here":…}}: whether the user has sessions on this node */
    @POST
    @Path("leave")
    public JsonObject leave(@QueryParam("user") long user, @QueryParam("group") String group) {
        return Json.createObjectBuilder().add("here", manager.audiences().leave(user, group)).build();
    }
}
