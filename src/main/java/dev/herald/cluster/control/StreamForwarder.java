package dev.herald.cluster.control;

import dev.herald.sse.control.StreamForwarding;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Passes a client's message for another node's SSE stream to that node's own channel
 * ({@link RedisControl#forward}). A node that receives nothing on its channel is not in the cluster
 * (it left, died, or never was): the message is for no stream. This node's own id is never forwarded to.
 */
final class StreamForwarder implements StreamForwarding {

    private final RedisControl control;
    private final String nodeId;

    /**
     * @param control the requests to other nodes
     * @param nodeId  this node's id
     */
    StreamForwarder(RedisControl control, String nodeId) {
        this.control = control;
        this.nodeId = nodeId;
    }

    @Override
    public Outcome forward(String node, String streamId, OptionalLong userId, String text) {
        if (node.equals(nodeId)) {
            return Outcome.NO_SUCH_NODE; // a stream of this node that is gone
        }
        Optional<Long> received = control.forward(node, streamId, userId, text);
        if (received.isEmpty()) {
            return Outcome.UNREACHABLE;
        }
        return received.get() > 0 ? Outcome.FORWARDED : Outcome.NO_SUCH_NODE;
    }
}
