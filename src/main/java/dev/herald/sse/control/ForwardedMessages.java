package dev.herald.sse.control;

import java.util.OptionalLong;

/**
 * Where the cluster hands a client's message that was posted to another node for a stream of this
 * one ({@link StreamForwarding}); implemented by {@link RemoteMessages}.
 */
public interface ForwardedMessages {

    /**
     * @param streamId the stream, held by this node
     * @param userId   the user the posting request authenticated as; empty when it carried no principal
     * @param text     the message; null when it was over {@code herald.inbound.max-bytes}
     */
    void deliver(String streamId, OptionalLong userId, String text);
}
