package dev.herald.handshake.control;

import dev.herald.connections.control.HeraldCloseCodes;
import dev.herald.platform.RefusalLog;
import dev.herald.stats.control.HeraldStats;
import dev.herald.tickets.control.TicketStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.logging.Level;

/**
 * Who a new WebSocket session belongs to. Only two sources count: the principal the container
 * authenticated on the upgrade request, or else a connect ticket in the {@code ticket} query parameter,
 * consumed here. Any ticket on the handshake is used up, even when the principal wins. Nothing else in
 * the URL is ever read. Refusals are counted and logged through {@link RefusalLog} (the first in full,
 * repeats summarised), without the ticket.
 */
@ApplicationScoped
public class HandshakeIdentity {

    /** The query parameter that carries a connect ticket. */
    public static final String TICKET_PARAMETER = "ticket";

    @Inject
    UserIdResolver resolver;
    @Inject
    TicketStore tickets;
    @Inject
    HeraldStats stats;
    @Inject
    RefusalLog refusals;

    /** Creates the bean; CDI injects its collaborators. */
    public HandshakeIdentity() {
    }

    /**
     * A session's identity outside a container (unit tests).
     *
     * @param resolver principal to user id
     * @param tickets  the ticket store
     * @param stats    counters
     */
    public HandshakeIdentity(UserIdResolver resolver, TicketStore tickets, HeraldStats stats) {
        this.resolver = resolver;
        this.tickets = tickets;
        this.stats = stats;
        this.refusals = new RefusalLog();
    }

    /**
     * The user of a session, or why it must be closed.
     *
     * @param userId  the user, when {@code refusal} is null
     * @param refusal the close reason for a session without an identity, or null
     */
    public record Outcome(long userId, CloseReason refusal) {
    }

    /**
     * @param session a session that has just opened
     * @return the user id, or {@link HeraldCloseCodes#AUTHENTICATION_REQUIRED} /
     *         {@link HeraldCloseCodes#INVALID_TICKET}
     */
    public Outcome identify(Session session) {
        return identify(session.getUserPrincipal(), session.getRequestParameterMap(), "session " + session.getId());
    }

    /**
     * The user of a handshake, decided before the upgrade is answered.
     *
     * @param principal  the principal the container authenticated on the upgrade request, or null
     * @param parameters the request's query parameters
     * @param what       how the handshake is named in log lines
     * @return the user id, or {@link HeraldCloseCodes#AUTHENTICATION_REQUIRED} /
     *         {@link HeraldCloseCodes#INVALID_TICKET}
     */
    public Outcome identify(Principal principal, Map<String, List<String>> parameters, String what) {
        List<String> ticketValues = parameters.getOrDefault(TICKET_PARAMETER, List.of());
        OptionalLong ticketUser = OptionalLong.empty();
        for (String ticket : ticketValues) {
            OptionalLong user = tickets.consume(ticket);
            ticketUser = ticketValues.size() == 1 ? user : OptionalLong.empty();
        }
        if (principal != null) {
            OptionalLong user = resolver.resolve(principal);
            if (user.isPresent()) {
                return new Outcome(user.getAsLong(), null);
            }
            return refused(what, HeraldCloseCodes.AUTHENTICATION_REQUIRED, "its principal maps to no user id");
        }
        if (ticketValues.isEmpty()) {
            return refused(what, HeraldCloseCodes.AUTHENTICATION_REQUIRED, "no principal and no ticket");
        }
        if (ticketUser.isEmpty()) {
            stats.ticketRejected();
            refusals.refused("handshake: invalid ticket", Level.INFO,
                    () -> "Refused WebSocket " + what + ": unknown, expired or already used ticket");
            return new Outcome(0, HeraldCloseCodes.INVALID_TICKET);
        }
        return new Outcome(ticketUser.getAsLong(), null);
    }

    private Outcome refused(String what, CloseReason reason, String why) {
        stats.handshakeRejected();
        refusals.refused("handshake: " + why, Level.INFO, () -> "Refused WebSocket " + what + ": " + why);
        return new Outcome(0, reason);
    }
}
