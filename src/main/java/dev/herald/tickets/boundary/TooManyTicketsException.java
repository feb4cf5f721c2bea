package dev.herald.tickets.boundary;

import dev.herald.platform.ProblemMapper;
import dev.herald.tickets.control.TicketLimitException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** HTTP 429 problem {@code TOO_MANY_TICKETS} with {@code Retry-After}: the caller's user is beyond the ticket limits. */
public class TooManyTicketsException extends ClientErrorException implements ProblemMapper.Coded {

    private static final long serialVersionUID = 1L;

    /** @param limit the refusal, with the seconds until a ticket may be issued again */
    public TooManyTicketsException(TicketLimitException limit) {
        super(limit.getMessage(), Response.status(Response.Status.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, limit.retryAfterSeconds()).build(), limit);
    }

    @Override
    public String code() {
        return "TOO_MANY_TICKETS";
    }
}
