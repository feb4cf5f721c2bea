package dev.herald.it.groups;

import dev.herald.connections.control.WebSocketManager;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
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
    @Inject
    PresenceLog presence;

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

    /** @return {@code ["+1","-1",…]}: the {@code UserOnline} ({@code +}) and {@code UserOffline} ({@code -}) events this node fired for the user */
    @GET
    @Path("presence")
    public JsonArray presence(@QueryParam("user") long user) {
        return Json.createArrayBuilder(presence.of(user)).build();
    }
}
