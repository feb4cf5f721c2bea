package dev.herald.connections.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.Relay;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Executor;

/**
 * Queues one serialized message on its stream's sessions of this node: plain sessions get the bare
 * JSON at once, lock-free; {@code herald.v1} sessions get it sequenced, through the cluster's
 * {@link Relay} when it takes the message (it comes back from the subscriber) and otherwise from
 * the in-memory history ({@link Sequencer}). Group and topic streams go through the relay only when
 * it {@linkplain Relay#routes routes} them. No caller waits for a client. What the application
 * sends is written on the sending thread; what the cluster's subscriber hands over is written by
 * the {@link Writers} (why: see there).
 */
final class Fanout {

    private final Registry registry;
    private final Sequencer sequencer;
    private final Relay relay;

    Fanout(Registry registry, Sequencer sequencer, Relay relay) {
        this.registry = registry;
        this.sequencer = sequencer;
        this.relay = relay;
    }

    /**
     * @param streamKey the stream
     * @param message   the bare JSON
     * @return how many sessions it was queued on (or will be, from the subscriber), and when written;
     *         in a cluster, the user's sessions on other nodes the publish counted
     */
    Delivery send(StreamKey streamKey, OutboundMessage message) {
        return send(List.of(streamKey), message);
    }

    /**
     * @param streamKeys the streams, each once (several users' streams: one serialization for all)
     * @param message    the bare JSON
     * @return how many sessions of all the streams it was queued on (or will be), and when written
     */
    Delivery send(List<? extends StreamKey> streamKeys, OutboundMessage message) {
        Delivery delivery = new Delivery();
        for (StreamKey streamKey : streamKeys) {
            plain(streamKey, message, delivery, Runnable::run);
            OptionalInt elsewhere = relay.isActive() && relay.routes(streamKey) ? relay.publishCounted(streamKey, message) : OptionalInt.empty();
            if (elsewhere.isPresent()) {
                delivery.withRemoteSessions(elsewhere.getAsInt());
                registry.forEachTarget(streamKey, connection -> {
                    if (connection.isV1() && connection.isLive()) {
                        delivery.relayed();
                    }
                });
            } else {
                sequencer.sequenced(streamKey, message, delivery);
            }
        }
        return delivery.seal();
    }

    /**
     * @param streamKey the stream
     * @param message   the bare JSON another node published
     * @param writers   write it (the caller, the cluster's subscriber, only queues)
     * @return how many plain sessions it was queued on
     */
    Delivery plainOnly(StreamKey streamKey, OutboundMessage message, Executor writers) {
        Delivery delivery = new Delivery();
        plain(streamKey, message, delivery, writers);
        return delivery.seal();
    }

    private void plain(StreamKey streamKey, OutboundMessage message, Delivery delivery, Executor writers) {
        registry.forEachTarget(streamKey, connection -> {
            if (!connection.isV1() && connection.isLive()) {
                delivery.expect();
                connection.sender().offer(message, delivery);
                connection.sender().flushOn(writers);
            }
        });
    }
}
