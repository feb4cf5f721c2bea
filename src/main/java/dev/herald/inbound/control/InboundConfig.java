package dev.herald.inbound.control;

import static dev.herald.platform.Ranges.atLeast;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Limits of what a client may send, read from MicroProfile Config and checked when the application
 * starts: a value out of range fails the deployment, naming the property and its range. Listed in
 * docs/configuration.md.
 */
@ApplicationScoped
public class InboundConfig {

    // each default once, for the annotation and the field (code without CDI)
    private static final String D_INBOUND_MAX_BYTES = "65536";
    private static final String D_INBOUND_RATE = "20";
    private static final String D_INBOUND_BURST = "40";

    @Inject
    @ConfigProperty(name = "herald.inbound.max-bytes", defaultValue = D_INBOUND_MAX_BYTES)
    int maxBytes = Integer.parseInt(D_INBOUND_MAX_BYTES);

    @Inject
    @ConfigProperty(name = "herald.inbound.rate", defaultValue = D_INBOUND_RATE)
    double rate = Double.parseDouble(D_INBOUND_RATE);

    @Inject
    @ConfigProperty(name = "herald.inbound.burst", defaultValue = D_INBOUND_BURST)
    int burst = Integer.parseInt(D_INBOUND_BURST);

    /** Creates the bean with the defaults; CDI fills the fields. */
    public InboundConfig() {
    }

    /**
     * Checks every setting once CDI filled them.
     *
     * @throws IllegalArgumentException naming the first property out of range, its value and the range
     */
    @PostConstruct
    void validate() {
        atLeast("herald.inbound.max-bytes", maxBytes, 1);
        atLeast("herald.inbound.rate", rate, 0.0);
        atLeast("herald.inbound.burst", burst, 1);
    }

    /**
     * Creates the bean, and so checks the settings, when the application starts.
     *
     * @param event the application context's start
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // @PostConstruct validates
    }

    /** @return {@code herald.inbound.max-bytes}: largest inbound text message in UTF-8 bytes (default 64 KiB) */
    public int maxBytes() {
        return maxBytes;
    }

    /** @return {@code herald.inbound.rate}: inbound frames per second per session, sustained (default 20; 0: no limit) */
    public double rate() {
        return rate;
    }

    /** @return {@code herald.inbound.burst}: inbound frames a session may send at once (default 40) */
    public int burst() {
        return burst;
    }
}
