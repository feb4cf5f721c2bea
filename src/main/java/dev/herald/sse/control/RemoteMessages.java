package dev.herald.sse.control;

import dev.herald.platform.RefusalLog;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Messages posted to another node for a stream of this one: handled exactly as a message posted here
 * ({@link SseMessages#handle}: the stream's rate and size limits, topic frames, the
 * {@code InboundMessage} event, the close with 1009 or 4007), off the Redis subscriber thread, one
 * stream's messages in the order they came. A refusal here is the stream's close or its
 * {@code herald.refused} frame; the posting client had its 202 already.
 */
@ApplicationScoped
public class RemoteMessages implements ForwardedMessages {

    private static final Logger LOG = Logger.getLogger(RemoteMessages.class.getName());

    @Inject
    SseStreams streams;
    @Inject
    SseMessages messages;
    @Inject
    RefusalLog refusals;
    @Resource
    ManagedExecutorService executor;

    /** Per stream, the last of its messages queued: the next one runs after it, whether it failed or not. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    /** Creates the bean; CDI injects its collaborators. */
    public RemoteMessages() {
    }

    @Override
    public void deliver(String streamId, OptionalLong userId, String text) {
        CompletableFuture<Void> queued = tails.compute(streamId, (id, tail) -> after(tail).thenRunAsync(() -> handle(streamId, userId, text), executor));
        queued.whenComplete((done, failure) -> {
            tails.remove(streamId, queued);
            if (failure != null) {
                LOG.log(Level.WARNING, "A message forwarded to stream " + streamId + " failed", failure);
            }
        });
    }

    private static CompletableFuture<Void> after(CompletableFuture<Void> tail) {
        return tail == null ? CompletableFuture.completedFuture(null) : tail.exceptionally(failed -> null);
    }

    private void handle(String streamId, OptionalLong userId, String text) {
        Optional<SseStreams.Open> found = streams.find(streamId);
        if (found.isEmpty()) {
            refusals.refused("sse: unknown forwarded stream", Level.INFO, () -> "Dropped a message forwarded to an SSE stream this node no longer holds");
            return;
        }
        SseStreams.Open stream = found.get();
        if (userId.isPresent() && !SseMessages.isOwner(stream, userId)) {
            refusals.refused("sse: foreign stream", Level.INFO, () -> "Dropped a message forwarded from user " + userId.getAsLong()
                    + " to a stream of user " + stream.connection().userId());
            return;
        }
        if (text == null) {
            messages.tooBig(stream);
        } else {
            messages.handle(stream, text);
        }
    }
}
