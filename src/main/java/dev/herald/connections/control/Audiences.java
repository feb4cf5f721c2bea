package dev.herald.connections.control;

import dev.herald.connections.entity.GroupMembershipChanged;
import dev.herald.connections.entity.MessageSent;
import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.History;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.recovery.control.V1Protocol;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reaching many sessions with one call on this node: groups (membership decided by the server: the
 * {@code GroupResolver} at connect, {@link #join}/{@link #leave} at run time), topics (subscribed to
 * by {@code herald.v1} clients, {@link #subscribe}) and lists of users. Each message is serialized
 * once and reaches every live session it targets once; each group and topic is a {@code herald.v1}
 * stream of its own. Get it from {@link WebSocketManager#audiences()}. In cluster mode a group's or
 * topic's message goes through the {@link Relay} when it {@linkplain Relay#routes routes} such
 * streams (Redis: to the nodes with members or subscribers, each picks its sessions), and a topic's
 * replay on subscribing is read from it; otherwise it reaches this node's sessions only.
 */
public final class Audiences {

    /** The most user ids {@link #members} and {@link #subscribers} answer at once. */
    public static final int MAX_PAGE = 1000;

    /** What {@link #subscribe} did. */
    public enum Subscription {
        /** Subscribed now (the replay and {@code herald.subscribed} are queued). */
        SUBSCRIBED,
        /** Was subscribed already ({@code herald.subscribed} is queued again, nothing replayed). */
        ALREADY,
        /** Refused: the session holds the most topics it may. */
        LIMIT,
        /** Refused: the session is closing. */
        CLOSED
    }

    /**
     * A group's or topic's presence.
     *
     * @param users    distinct users with a session in it, on this node and the others given
     * @param sessions live sessions in it on this node
     * @param page     the requested page of those users' ids, ascending
     */
    public record Presence(int users, int sessions, List<Long> page) {
    }

    private final Registry registry;
    private final Memberships memberships;
    private final Fanout fanout;
    private final Sequencer sequencer;
    private final Relay relay;
    private final MessageCodec codec;
    private final Events events;

    Audiences(Registry registry, Fanout fanout, Sequencer sequencer, Relay relay, MessageCodec codec, Events events) {
        this.registry = registry;
        this.memberships = registry.memberships();
        this.fanout = fanout;
        this.sequencer = sequencer;
        this.relay = relay;
        this.codec = codec;
        this.events = events;
    }

    /**
     * Queues JSON on every live session of every member of a group on this node, each once.
     *
     * @param group   the group's name
     * @param message anything {@link MessageCodec#encode(Object)} accepts; serialized once
     * @return how many sessions of this node it was queued on, and when they were written
     * @throws IllegalArgumentException when the name is not a valid group name or the message cannot be serialized
     */
    public Delivery sendToGroup(String group, Object message) {
        StreamKey.Group key = new StreamKey.Group(group);
        return fanout.send(key, codec.encode(message));
    }

    /**
     * Queues JSON on every live session subscribed to a topic on this node.
     *
     * @param topic   the topic's name
     * @param message anything {@link MessageCodec#encode(Object)} accepts; serialized once
     * @return how many sessions of this node it was queued on, and when they were written
     * @throws IllegalArgumentException when the name is not a valid topic name or the message cannot be serialized
     */
    public Delivery publish(String topic, Object message) {
        StreamKey.Topic key = new StreamKey.Topic(topic);
        return fanout.send(key, codec.encode(message));
    }

    /**
     * Queues JSON on every live session of each user (each user once, however often listed), in each
     * user's own stream, then fires one {@link MessageSent} per user.
     *
     * @param users   the users, positive ids
     * @param message anything {@link MessageCodec#encode(Object)} accepts; serialized once for all
     * @return how many sessions of this node it was queued on, and when they were written
     * @throws IllegalArgumentException when an id is not positive or the message cannot be serialized
     */
    public Delivery sendToUsers(Collection<Long> users, Object message) {
        List<StreamKey.User> streams = new ArrayList<>(users.size());
        for (long userId : new LinkedHashSet<>(users)) {
            streams.add(StreamKey.user(userId)); // all checked before anything is sent
        }
        OutboundMessage encoded = codec.encode(message);
        Delivery delivery = fanout.send(streams, encoded);
        streams.forEach(user -> events.fire(new MessageSent(user.id(), encoded.json())));
        return delivery;
    }

    /**
     * Adds a user to a group on this node: every live session of the user here receives the group's
     * messages from now on (a v1 session from the next message of the group's stream). Then fires
     * {@link GroupMembershipChanged}. A user with no session here is not remembered: the resolver
     * decides again at the next connect.
     *
     * @param userId the user
     * @param group  the group's name
     * @return true when the user has sessions on this node
     * @throws IllegalArgumentException when the id is not positive or the name is not a valid group name
     */
    public boolean join(long userId, String group) {
        boolean here = changedElsewhere(userId, new StreamKey.Group(group), true);
        events.fire(new GroupMembershipChanged(userId, group, true));
        return here;
    }

    /**
     * Applies a join or leave to the user's sessions on this node without firing
     * {@link GroupMembershipChanged}: another node's {@link #join} or {@link #leave}, relayed by the cluster.
     *
     * @param userId the user
     * @param group  the group
     * @param joined true for a join, false for a leave
     * @return true when the user has sessions on this node
     * @throws IllegalArgumentException when the id is not positive
     */
    public boolean changedElsewhere(long userId, StreamKey.Group group, boolean joined) {
        StreamKey.user(userId);
        boolean here;
        if (joined) {
            here = memberships.join(userId, group.name());
        } else {
            here = memberships.leave(userId, group.name());
            for (Connection connection : registry.of(userId)) {
                connection.forget(group);
            }
        }
        memberships.touch(group); // another node may have entered this one in the group's node hash for the change
        return here;
    }

    /**
     * Removes a user from a group on this node: none of the user's sessions here receives the group's
     * messages afterwards. Then fires {@link GroupMembershipChanged}.
     *
     * @param userId the user
     * @param group  the group's name
     * @return true when the user has sessions on this node
     * @throws IllegalArgumentException when the id is not positive or the name is not a valid group name
     */
    public boolean leave(long userId, String group) {
        boolean here = changedElsewhere(userId, new StreamKey.Group(group), false);
        events.fire(new GroupMembershipChanged(userId, group, false));
        return here;
    }

    /**
     * @param stream a group or topic
     * @return this node's member or subscriber sessions of it, live and opening ones
     */
    public int targets(StreamKey.Named stream) {
        if (!memberships.hasTargets(stream)) {
            return 0;
        }
        int[] count = {0};
        memberships.forEachTarget(stream, connection -> count[0]++);
        return Math.max(1, count[0]); // a member whose registration is being added counts
    }

    /** @return every group and topic with a member or subscriber session on this node (a snapshot) */
    public List<StreamKey.Named> streams() {
        return memberships.streams();
    }

    /**
     * @param userId the user
     * @return the user's groups on this node, sorted; empty when the user has no session here
     */
    public List<String> groupsOf(long userId) {
        return memberships.groupsOf(userId);
    }

    /**
     * @param stream    a group or topic
     * @param offset    how many user ids to skip
     * @param limit     how many to answer at most (up to {@link #MAX_PAGE})
     * @param elsewhere the stream's users on the other nodes of a cluster ({@link RemotePresence#elsewhere}), counted and paged with this node's
     * @return the stream's users (this node's and {@code elsewhere}) and this node's sessions
     * @throws IllegalArgumentException when offset or limit is negative, or limit is above {@link #MAX_PAGE}
     */
    public Presence presence(StreamKey.Named stream, int offset, int limit, Collection<Long> elsewhere) {
        if (offset < 0 || limit < 0 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("offset must be at least 0 and limit 0 to " + MAX_PAGE);
        }
        int[] sessions = {0};
        memberships.forEachTarget(stream, connection -> {
            if (connection.isLive()) {
                sessions[0]++;
            }
        });
        TreeSet<Long> users = memberships.userIds(stream);
        users.addAll(elsewhere);
        return new Presence(users.size(), sessions[0], Memberships.page(users, offset, limit));
    }

    /**
     * @param stream a group or topic
     * @return the users it reaches on this node, ascending
     */
    public Set<Long> users(StreamKey.Named stream) {
        return memberships.userIds(stream);
    }

    /**
     * Subscribes a {@code herald.v1} session to a topic the policy allowed, and queues what it missed
     * after {@code since} (bounded like a connect's replay), then {@code herald.subscribed}: under the
     * topic stream's lock, so nothing is missed or queued twice between the replay and live messages.
     *
     * @param connection the session
     * @param topic      the topic
     * @param since      the client's position in the topic's stream, or null
     * @param limit      the most topics the session may hold
     * @return what happened; for {@link Subscription#LIMIT} and {@link Subscription#CLOSED} nothing is queued
     */
    public Subscription subscribe(Connection connection, StreamKey.Topic topic, StreamPosition since, int limit) {
        Subscription[] outcome = {Subscription.CLOSED};
        if (relay.isActive() && relay.routes(topic)) {
            connection.hold(topic); // relayed messages of the topic wait for the replay read below
            outcome[0] = added(memberships.subscribe(connection, topic.name(), limit));
            List<OutboundMessage> frames = new ArrayList<>();
            StreamPosition head = null;
            if (outcome[0] == Subscription.SUBSCRIBED) {
                Optional<Replay.Part> part = relay.read(topic, since); // empty while Redis is unreachable
                if (part.isPresent()) {
                    head = part.get().head();
                    Replay replay = Replay.topic(part.get(), sequencer.replayBound());
                    frames.addAll(replay.frames());
                    frames.add(V1Protocol.subscribed(topic.name(), head, replay.recovered(), replay.replayed()));
                }
            }
            if (frames.isEmpty() && outcome[0] != Subscription.LIMIT) {
                frames.add(V1Protocol.subscribed(topic.name(), null, false, 0));
            }
            if (!connection.started(topic, frames, head)) {
                connection.sender().terminate(HeraldCloseCodes.RESYNC, null); // a held message showed a gap
            }
        } else {
            History history = sequencer.history();
            history.inStream(topic, stream -> {
                outcome[0] = added(memberships.subscribe(connection, topic.name(), limit));
                if (outcome[0] != Subscription.LIMIT) {
                    StreamPosition head = stream.head();
                    Replay replay = outcome[0] == Subscription.ALREADY ? Replay.topic(new Replay.Part(topic, null, head, List.of()), sequencer.replayBound())
                            : Replay.topic(new Replay.Part(topic, since, head, stream.after(Replay.replayAfter(since, head))), sequencer.replayBound());
                    List<OutboundMessage> frames = new ArrayList<>(replay.frames());
                    frames.add(V1Protocol.subscribed(topic.name(), head, replay.recovered(), replay.replayed()));
                    connection.started(topic, frames, head);
                }
                return null;
            });
        }
        if (!connection.isLive()) { // closed meanwhile: its departure may have run before the subscription
            memberships.unsubscribe(connection, topic.name());
            return Subscription.CLOSED;
        }
        connection.sender().flush();
        return outcome[0];
    }

    private static Subscription added(Memberships.Subscribed subscribed) {
        return switch (subscribed) {
            case ADDED -> Subscription.SUBSCRIBED;
            case ALREADY -> Subscription.ALREADY;
            case LIMIT -> Subscription.LIMIT;
        };
    }

    /**
     * @param connection the session
     * @param topic      the topic
     * @return true when the session was subscribed; {@code herald.unsubscribed} is queued either way
     */
    public boolean unsubscribe(Connection connection, StreamKey.Topic topic) {
        boolean was = memberships.unsubscribe(connection, topic.name());
        connection.forget(topic);
        connection.sender().enqueue(V1Protocol.unsubscribed(topic.name()), new Delivery());
        return was;
    }

    /**
     * Queues {@code herald.refused} on a session.
     *
     * @param connection the session
     * @param topic      the topic, or null when the client sent no valid name
     * @param reason     the refusal's word
     */
    public void refused(Connection connection, String topic, String reason) {
        connection.sender().enqueue(V1Protocol.refused(topic, reason), new Delivery());
    }

    /**
     * @param connection a session
     * @return its topics, sorted
     */
    public List<String> topicsOf(Connection connection) {
        return memberships.topicsOf(connection);
    }
}
