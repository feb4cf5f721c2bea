package dev.herald.notifications.boundary;

import dev.herald.api.control.ApiAccess;
import jakarta.annotation.security.RolesAllowed;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code /api/topics/{name}} (the name may hold {@code /}): send to a topic ({@code POST}, any JSON body) or
 * read its presence on this node ({@code GET ?offset=&limit=}); role {@code herald-sender}, checked by each
 * method ({@link StreamResource}).
 */
@Path("topics/{name: .+}")
@Produces(MediaType.APPLICATION_JSON)
public class TopicsResource extends StreamResource {

    /** Creates the resource. */
    public TopicsResource() {
    }

    /**
     * @param name the topic's name
     * @param body any JSON
     * @return {@code {"topic":name,"sessions":n}}: sessions on this node ({@link AudienceAnswers})
     */
    @POST
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public JsonObject send(@PathParam("name") String name, String body) {
        return sendTo(AudienceAnswers.topic(name), body);
    }

    /**
     * @param name   the topic's name
     * @param offset user ids to skip
     * @param limit  user ids to answer, at most 1,000
     * @return {@code {"topic":name,"users":u,"sessions":s,"offset":o,"page":[ids]}} on this node
     */
    @GET
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public JsonObject presence(@PathParam("name") String name, @QueryParam("offset") @DefaultValue("0") int offset,
                               @QueryParam("limit") @DefaultValue("100") int limit) {
        return presenceOf(AudienceAnswers.topic(name), offset, limit);
    }
}
