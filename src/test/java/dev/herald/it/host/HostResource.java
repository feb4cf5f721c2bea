package dev.herald.it.host;

import dev.herald.notifications.boundary.MfaRequiredException;
import dev.herald.notifications.boundary.NotificationService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** A resource of an existing application that injects Herald's service, as a user of Herald would. */
@Path("logins")
@Produces(MediaType.APPLICATION_JSON)
public class HostResource {

    @Inject
    NotificationService notifications;

    /** Notifies a user the way a login flow would; reports the MFA refusal it catches. */
    @POST
    @Path("{userId}/{type}")
    public JsonObject notify(@PathParam("userId") long userId, @PathParam("type") String type) {
        try {
            boolean sent = notifications.notifyFrontend(userId, Map.of("message", type, "from", "host"));
            return Json.createObjectBuilder().add("sent", sent).build();
        } catch (MfaRequiredException e) { // reaches the caller unwrapped, not as EJBException
            return Json.createObjectBuilder().add("mfaRequired", true).add("detail", e.getMessage()).build();
        }
    }
}
