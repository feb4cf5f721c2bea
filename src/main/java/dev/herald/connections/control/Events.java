package dev.herald.connections.control;

import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Fires the manager's CDI events; an observer that throws is logged, never the sender's problem. */
final class Events {

    private static final Logger LOG = Logger.getLogger(Events.class.getName());

    private final Consumer<Object> sink;

    /** @param sink the CDI {@code Event<Object>::fire}, or a test's list */
    Events(Consumer<Object> sink) {
        this.sink = sink;
    }

    void fire(Object event) {
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An observer of " + event.getClass().getSimpleName() + " failed", e);
        }
    }
}
