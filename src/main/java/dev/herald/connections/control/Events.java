package dev.herald.connections.control;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Fires the manager's CDI events; an observer that throws is logged, never the sender's problem. */
final class Events {

    private static final Logger LOG = Logger.getLogger(Events.class.getName());

    private final Consumer<Object> sink;
    private final BooleanSupplier clustered;

    /** @param sink the CDI {@code Event<Object>::fire}, or a test's list */
    Events(Consumer<Object> sink) {
        this(sink, () -> false);
    }

    /**
     * @param sink      the CDI {@code Event<Object>::fire}, or a test's list
     * @param clustered true while a cluster shares the presence: it fires {@code UserOnline} and
     *                  {@code UserOffline} for the whole cluster, on every node, and this node's own
     *                  changes fire none
     */
    Events(Consumer<Object> sink, BooleanSupplier clustered) {
        this.sink = sink;
        this.clustered = clustered;
    }

    /**
     * Fires a {@code UserOnline} or {@code UserOffline} seen on this node alone, unless the cluster
     * fires them.
     *
     * @param event the event
     */
    void firePresence(Object event) {
        if (!clustered.getAsBoolean()) {
            fire(event);
        }
    }

    void fire(Object event) {
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An observer of " + event.getClass().getSimpleName() + " failed", e);
        }
    }
}
