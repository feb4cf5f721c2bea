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
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;

/**
 * Who a new WebSocket session belongs to. Only two sources count: the principal the container
 * authenticated on the upgrade request, or else a connect ticket in the {@code ticket} query parameter,
 * consumed here. Any ticket on the handshake is used up, even when the principal wins. Nothing else in
 * the URL is ever read. A handshake that has only a ticket has it redeemed before the upgrade
 * ({@link #redeem}, by the handshake filter), so a ticket that is unknown, expired or used is refused
 * with HTTP 401 and never gets a socket that the server would then have to close. Refusals are counted and logged through {@link RefusalLog} (the first in full,
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

    /** Tickets redeemed before the upgrade, for the one handshake that carries them: ticket to user id. */
    private final ConcurrentHashMap<String, Long> redeemed = new ConcurrentHashMap<>();

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
            Long held = principal == null && ticketValues.size() == 1 ? redeemed.remove(ticket) : null;
            OptionalLong user = held != null ? OptionalLong.of(held) : tickets.consume(ticket);
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

    /**
     * Redeems the ticket of a handshake that has no principal, before it is upgraded: uses it up, and
     * holds its user for {@link #identify} in the same handshake. A refusal is counted and logged here.
     *
     * @param ticket the handshake's one well-formed {@code ticket} parameter
     * @param what   how the handshake is named in log lines
     * @return true when the ticket was valid (then {@link #release} it once the upgrade is over)
     */
    public boolean redeem(String ticket, String what) {
        OptionalLong user = tickets.consume(ticket);
        if (user.isEmpty()) {
            stats.ticketRejected();
            refusals.refused("handshake: invalid ticket", Level.INFO,
                    () -> "Refused WebSocket " + what + ": unknown, expired or already used ticket");
            return false;
        }
        redeemed.put(ticket, user.getAsLong());
        return true;
    }

    /**
     * Forgets a redeemed ticket that the upgrade did not take (a handshake that failed before its
     * identity was asked for); a no-op once {@link #identify} has taken it.
     *
     * @param ticket a ticket passed to {@link #redeem}
     */
    public void release(String ticket) {
        redeemed.remove(ticket);
    }

    /** @return redeemed tickets whose handshake is still under way */
    int held() {
        return redeemed.size();
    }

    private Outcome refused(String what, CloseReason reason, String why) {
        stats.handshakeRejected();
        refusals.refused("handshake: " + why, Level.INFO, () -> "Refused WebSocket " + what + ": " + why);
        return new Outcome(0, reason);
    }
}
