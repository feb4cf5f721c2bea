package dev.herald.tickets.control;

import static dev.herald.platform.Ranges.atLeast;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Connect-ticket settings, read from MicroProfile Config and checked when the application starts: a
 * value out of range fails the deployment, naming the property and its range. Listed in
 * docs/configuration.md.
 */
@ApplicationScoped
public class TicketConfig {

    // each default once, for the annotation and the field (code without CDI)
    private static final String D_TICKET_TTL_SECONDS = "30";
    private static final String D_TICKET_MAX_OUTSTANDING = "16";
    private static final String D_TICKET_RATE = "60";

    @Inject
    @ConfigProperty(name = "herald.ticket.ttl", defaultValue = D_TICKET_TTL_SECONDS)
    int ttlSeconds = Integer.parseInt(D_TICKET_TTL_SECONDS);

    @Inject
    @ConfigProperty(name = "herald.ticket.max-outstanding", defaultValue = D_TICKET_MAX_OUTSTANDING)
    int maxOutstanding = Integer.parseInt(D_TICKET_MAX_OUTSTANDING);

    @Inject
    @ConfigProperty(name = "herald.ticket.rate", defaultValue = D_TICKET_RATE)
    int rate = Integer.parseInt(D_TICKET_RATE);

    /** Creates the bean with the defaults; CDI fills the fields. */
    public TicketConfig() {
    }

    /**
     * Checks every setting once CDI filled them.
     *
     * @throws IllegalArgumentException naming the first property out of range, its value and the range
     */
    @PostConstruct
    void validate() {
        atLeast("herald.ticket.ttl", ttlSeconds, 1);
        atLeast("herald.ticket.max-outstanding", maxOutstanding, 0);
        atLeast("herald.ticket.rate", rate, 0);
    }

    /**
     * Creates the bean, and so checks the settings, when the application starts.
     *
     * @param event the application context's start
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // @PostConstruct validates
    }

    /** @return {@code herald.ticket.ttl}: seconds a connect ticket stays valid (default 30) */
    public int ttlSeconds() {
        return ttlSeconds;
    }

    /** @return {@code herald.ticket.max-outstanding}: unused, unexpired tickets per user (default 16; 0: no cap) */
    public int maxOutstanding() {
        return maxOutstanding;
    }

    /** @return {@code herald.ticket.rate}: tickets issued per user per minute (default 60; 0: no limit) */
    public int rate() {
        return rate;
    }
}
