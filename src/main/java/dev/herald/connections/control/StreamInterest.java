package dev.herald.connections.control;

import dev.herald.messages.entity.StreamKey;

/**
 * Told when a group or topic gains its first member or subscriber session on this node, or loses its
 * last: the cluster adapter (a CDI bean it produces) keeps the set of nodes each group and topic is
 * published to from it. Called on the thread that changed the membership, possibly while that thread
 * holds a map bin of the user's: it must only take note, never block or call back into Herald (the
 * adapter writes later). On a single node it does nothing.
 */
@FunctionalInterface
public interface StreamInterest {

    /** Takes no note: a single node. */
    StreamInterest NONE = stream -> {
    };

    /**
     * @param stream a group or topic whose sessions on this node went from none to some, or from some to none
     */
    void changed(StreamKey.Named stream);
}
