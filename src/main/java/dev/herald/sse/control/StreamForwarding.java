package dev.herald.sse.control;

import java.util.OptionalLong;

/**
 * The way to a stream another node holds: a client's message passed on to that node, which handles it
 * as one posted there ({@link ForwardedMessages}). Implemented by the cluster; on a single node every
 * node but this one is unknown.
 */
public interface StreamForwarding {

    /** What became of a message to forward. */
    enum Outcome {
        /** Published to the node's own channel, which it reads. */
        FORWARDED,
        /** The node is not in the cluster (or this node is not in one). */
        NO_SUCH_NODE,
        /** Redis could not be reached. */
        UNREACHABLE
    }

    /**
     * @param node     the node that holds the stream
     * @param streamId the stream
     * @param userId   the user the request authenticated as; empty when it carried no principal
     * @param text     the message; null when it was over {@code herald.inbound.max-bytes} (the stream is closed with 1009)
     * @return what became of it
     */
    Outcome forward(String node, String streamId, OptionalLong userId, String text);
}
