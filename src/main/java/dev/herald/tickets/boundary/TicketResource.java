package dev.herald.tickets.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.handshake.control.UserIdResolver;
import dev.herald.stats.control.HeraldStats;
import dev.herald.tickets.control.TicketLimitException;
import dev.herald.tickets.control.TicketStore;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.OptionalLong;

/**
 * {@code POST /api/ws/ticket}: a single-use connect ticket for the authenticated caller's own user id,
 * for browsers that cannot put credentials on a WebSocket handshake. Takes no parameters: the user is
 * always the caller, who must be authenticated and not calling cross-site ({@link ApiAccess}).
 */
@Path("ws/ticket")
public class TicketResource {

    @Inject
    TicketStore tickets;
    @Inject
    UserIdResolver resolver;
    @Inject
    HeraldStats stats;
    @Context
    SecurityContext security;
    @Inject
    ApiAccess access;
    @Context
    Configuration configuration;
    @Context
    HttpHeaders headers;

    /** Creates the resource. */
    public TicketResource() {
    }

    /**
     * @return 201 {@code {"ticket":"…","expiresIn":30}}, never cached
     * @throws ForbiddenException (403 problem) when the caller's principal maps to no Herald user id
     * @throws TooManyTicketsException (429 problem with {@code Retry-After}) beyond the per-user issuance limits
     */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response issue() {
        access.ticket(configuration, security, headers);
        OptionalLong userId = resolver.resolve(security.getUserPrincipal());
        if (userId.isEmpty()) {
            throw new ForbiddenException("The authenticated caller has no Herald user id");
        }
        String ticket;
        try {
            ticket = tickets.issue(userId.getAsLong());
        } catch (TicketLimitException limit) {
            throw new TooManyTicketsException(limit);
        }
        stats.ticketIssued();
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.status(Response.Status.CREATED)
                .cacheControl(noStore)
                .entity(Json.createObjectBuilder().add("ticket", ticket).add("expiresIn", tickets.ttlSeconds()).build())
                .build();
    }
}
