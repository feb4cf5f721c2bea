package dev.herald.notifications.boundary;

import dev.herald.api.control.ApiAccess;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code /api/groups/{name}} (the name may hold {@code /}): send to a group ({@code POST}, any JSON body) or read its presence on this
 * node ({@code GET ?offset=&limit=}); role {@code herald-sender} (checked by each method, {@link ApiAccess}).
 */
@Path("groups/{name: .+}")
@Produces(MediaType.APPLICATION_JSON)
public class GroupsResource {

    @Inject
    AudienceAnswers answers;
    @Inject
    ApiAccess access;
    @Context
    Configuration configuration;
    @Context
    SecurityContext security;
    @Context
    HttpHeaders headers;

    /** Creates the resource. */
    public GroupsResource() {
    }

    /**
     * @param name the group's name
     * @param body any JSON
     * @return {@code {"group":name,"sessions":n}}: sessions on this node ({@link AudienceAnswers})
     */
    @POST
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public JsonObject send(@PathParam("name") String name, String body) {
        access.send(configuration, security, headers);
        return answers.send(AudienceAnswers.group(name), body);
    }

    /**
     * @param name   the group's name
     * @param offset user ids to skip
     * @param limit  user ids to answer, at most 1,000
     * @return {@code {"group":name,"users":u,"sessions":s,"offset":o,"page":[ids]}} on this node
     */
    @GET
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public JsonObject presence(@PathParam("name") String name, @QueryParam("offset") @DefaultValue("0") int offset,
                               @QueryParam("limit") @DefaultValue("100") int limit) {
        access.read(configuration, security);
        return answers.presence(AudienceAnswers.group(name), offset, limit);
    }
}
