package dev.herald.tickets.control;

/** A ticket was refused: its user holds too many unused tickets or asked for too many this minute. */
public class TicketLimitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long retryAfterSeconds;

    /**
     * @param retryAfterSeconds when the user may ask again (at least 1)
     */
    public TicketLimitException(long retryAfterSeconds) {
        super("Too many connect tickets for this user; retry in " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** @return seconds until a ticket may be issued again, for {@code Retry-After} */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
