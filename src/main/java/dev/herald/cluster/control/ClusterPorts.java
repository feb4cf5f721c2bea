package dev.herald.cluster.control;

import dev.herald.connections.control.RemotePresence;
import dev.herald.connections.control.StreamInterest;
import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.Resume;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.sse.control.StreamForwarding;
import dev.herald.tickets.control.SharedTickets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The cluster as the other packages see it: the ports they own, implemented on the {@link Cluster}
 * and supplied as CDI beans. On a single node (and once the node left) each answers as a single node.
 */
@ApplicationScoped
public class ClusterPorts {

    @Inject
    Cluster cluster;

    /** Creates the bean; CDI injects the cluster. */
    public ClusterPorts() {
    }

    /** @return the {@code herald.v1} streams shared in Redis while this node is in the cluster */
    @Produces
    @ApplicationScoped
    Relay relay() {
        return new Relay() {
            @Override
            public boolean isActive() {
                return cluster.isEnabled();
            }

            @Override
            public boolean routes(StreamKey streamKey) {
                return true; // group and topic streams too: to the nodes in their node hashes, each picks its sessions
            }

            @Override
            public boolean publish(StreamKey streamKey, OutboundMessage message) {
                return publishCounted(streamKey, message).isPresent();
            }

            @Override
            public OptionalInt publishCounted(StreamKey streamKey, OutboundMessage message) {
                return cluster.streams().map(streams -> streams.publishCounted(streamKey, message)).orElse(OptionalInt.empty());
            }

            @Override
            public Optional<Replay> replay(long userId, StreamPosition user, StreamPosition broadcast) {
                return resume(userId, Resume.of(user, broadcast), List.of());
            }

            @Override
            public Optional<Replay> resume(long userId, Resume resume, List<StreamKey.Group> groups) {
                return cluster.resume(userId, resume, groups);
            }

            @Override
            public Optional<Replay.Part> read(StreamKey stream, StreamPosition given) {
                return cluster.read(stream, given);
            }
        };
    }

    /** @return where this node's groups and topics that got their first session or lost their last are noted, for their node hashes */
    @Produces
    @ApplicationScoped
    StreamInterest streamInterest() {
        return stream -> cluster.streamChanged(stream);
    }

    /** @return the users', groups' and topics' sessions on other nodes, per the shared presence */
    @Produces
    @ApplicationScoped
    RemotePresence remotePresence() {
        return new RemotePresence() {
            @Override
            public int sessionsElsewhere(long userId) {
                return cluster.sessionsElsewhere(userId);
            }

            @Override
            public Elsewhere elsewhere(StreamKey.Named stream) {
                return cluster.elsewhere(stream);
            }
        };
    }

    /** @return the way to SSE streams of other nodes; on a single node none is known */
    @Produces
    @ApplicationScoped
    StreamForwarding streamForwarding() {
        return (node, streamId, userId, text) -> cluster.forwarding().map(forwarding -> forwarding.forward(node, streamId, userId, text))
                .orElse(StreamForwarding.Outcome.NO_SUCH_NODE);
    }

    /** @return connect tickets in Redis, shared by every node */
    @Produces
    @ApplicationScoped
    SharedTickets sharedTickets() {
        return new SharedTickets() {
            @Override
            public OptionalLong store(String ticket, long userId, long ttlSeconds, int maxOutstanding, int perMinute) {
                return cluster.tickets().map(shared -> shared.store(ticket, userId, ttlSeconds, maxOutstanding, perMinute)).orElse(OptionalLong.empty());
            }

            @Override
            public OptionalLong take(String ticket) {
                return cluster.tickets().map(shared -> shared.take(ticket)).orElse(OptionalLong.empty());
            }
        };
    }
}
