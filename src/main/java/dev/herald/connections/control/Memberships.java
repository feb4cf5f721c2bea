package dev.herald.connections.control;

import dev.herald.messages.entity.StreamKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Who on this node is in which group, and which session subscribed to which topic: the index the
 * {@link Registry} targets group and topic streams with. Group membership is per user (all the user's
 * sessions here share it): made when the user's first registration arrives (the resolver's groups),
 * changed by {@code join}/{@code leave}, and dropped with the user's last registration here. Topic
 * subscriptions are per session. Thread-safe without a global lock: each user's entry, group's and
 * topic's member set changes inside its own {@link ConcurrentHashMap} bin (a user's bin, then a
 * group's: never the other way round), and readers iterate weakly consistent sets.
 */
final class Memberships {

    /** One user's state on this node: registrations and groups, changed only inside the user's map bin. */
    private static final class Member {
        int registrations;
        final Set<String> groups = ConcurrentHashMap.newKeySet();
    }

    /** What {@link #subscribe} did. */
    enum Subscribed { ADDED, ALREADY, LIMIT }

    private final LongFunction<Connection[]> registrations;
    private final StreamInterest interest;
    private final ConcurrentHashMap<Long, Member> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Long>> groups = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Connection>> topics = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Connection, Set<String>> topicsOf = new ConcurrentHashMap<>();

    /**
     * @param registrations a user's registrations on this node (the registry's)
     * @param interest      told when a group or topic gets its first member or subscriber here, or loses its last
     */
    Memberships(LongFunction<Connection[]> registrations, StreamInterest interest) {
        this.registrations = registrations;
        this.interest = interest;
    }

    /**
     * A registration of the user was added to the registry.
     *
     * @param groups the groups the resolver gave for it; added to the user's
     * @return true when it is the user's first registration here (the user came online on this node)
     */
    boolean arrived(long userId, Collection<String> groups) {
        boolean[] first = {false};
        users.compute(userId, (id, member) -> {
            if (member == null) {
                member = new Member();
                first[0] = true;
            }
            member.registrations++;
            for (String group : groups) {
                if (member.groups.add(group)) {
                    addTo(this.groups, group, id, StreamKey.Group::new);
                }
            }
            return member;
        });
        return first[0];
    }

    /**
     * A registration left the registry: its topics go, and with the user's last registration the user's groups.
     *
     * @return true when it was the user's last registration here (the user went offline on this node)
     */
    boolean departed(Connection connection) {
        Set<String> subscribed = topicsOf.remove(connection);
        if (subscribed != null) {
            subscribed.forEach(topic -> removeFrom(topics, topic, connection, StreamKey.Topic::new));
        }
        boolean[] last = {false};
        users.computeIfPresent(connection.userId(), (id, member) -> {
            if (--member.registrations > 0) {
                return member;
            }
            member.groups.forEach(group -> removeFrom(groups, group, id, StreamKey.Group::new));
            last[0] = true;
            return null;
        });
        return last[0];
    }

    /** @return true when the user has a registration here (and now is in the group) */
    boolean join(long userId, String group) {
        return users.computeIfPresent(userId, (id, member) -> {
            if (member.groups.add(group)) {
                addTo(groups, group, id, StreamKey.Group::new);
            }
            return member;
        }) != null;
    }

    /** @return true when the user has a registration here (and now is not in the group) */
    boolean leave(long userId, String group) {
        return users.computeIfPresent(userId, (id, member) -> {
            if (member.groups.remove(group)) {
                removeFrom(groups, group, id, StreamKey.Group::new);
            }
            return member;
        }) != null;
    }

    /** @return the user's groups on this node, sorted (a snapshot; empty when the user has no registration here) */
    List<String> groupsOf(long userId) {
        Member member = users.get(userId);
        return member == null ? List.of() : List.copyOf(new TreeSet<>(member.groups));
    }

    /**
     * Subscribes a session to a topic, unless it holds {@code limit} topics already.
     *
     * @return what happened
     */
    Subscribed subscribe(Connection connection, String topic, int limit) {
        Subscribed[] outcome = {Subscribed.ADDED};
        topicsOf.compute(connection, (c, held) -> {
            Set<String> set = held != null ? held : ConcurrentHashMap.newKeySet();
            if (set.contains(topic)) {
                outcome[0] = Subscribed.ALREADY;
            } else if (set.size() >= limit) {
                outcome[0] = Subscribed.LIMIT;
            } else {
                set.add(topic);
                addTo(topics, topic, c, StreamKey.Topic::new);
            }
            return set.isEmpty() ? null : set;
        });
        return outcome[0];
    }

    /** @return true when the session was subscribed */
    boolean unsubscribe(Connection connection, String topic) {
        boolean[] removed = {false};
        topicsOf.computeIfPresent(connection, (c, held) -> {
            if (held.remove(topic)) {
                removed[0] = true;
                removeFrom(topics, topic, c, StreamKey.Topic::new);
            }
            return held.isEmpty() ? null : held;
        });
        return removed[0];
    }

    /** @return the session's topics, sorted */
    List<String> topicsOf(Connection connection) {
        Set<String> held = topicsOf.get(connection);
        return held == null ? List.of() : List.copyOf(new TreeSet<>(held));
    }

    /** Runs {@code action} once for each registration of the stream's members (a group's) or subscribers (a topic's). */
    void forEachTarget(StreamKey.Named stream, Consumer<Connection> action) {
        if (stream instanceof StreamKey.Group group) {
            for (long userId : groups.getOrDefault(group.name(), Set.of())) {
                for (Connection connection : registrations.apply(userId)) {
                    action.accept(connection);
                }
            }
        } else {
            topics.getOrDefault(stream.name(), Set.of()).forEach(action);
        }
    }

    /** @return the distinct users the stream reaches on this node, ascending (a snapshot) */
    TreeSet<Long> userIds(StreamKey.Named stream) {
        TreeSet<Long> users = new TreeSet<>();
        if (stream instanceof StreamKey.Group group) {
            users.addAll(groups.getOrDefault(group.name(), Set.of()));
        } else {
            topics.getOrDefault(stream.name(), Set.of()).forEach(connection -> users.add(connection.userId()));
        }
        return users;
    }

    /** @return the ids from {@code offset}, at most {@code limit} */
    static List<Long> page(TreeSet<Long> sorted, int offset, int limit) {
        List<Long> page = new ArrayList<>(Math.min(limit, sorted.size()));
        int index = 0;
        for (long id : sorted) {
            if (index++ >= offset) {
                if (page.size() == limit) {
                    break;
                }
                page.add(id);
            }
        }
        return page;
    }

    /** Adds a member to a group's or topic's set; the set's creation is an interest change, told after the map's bin is left. */
    private <T> void addTo(ConcurrentHashMap<String, Set<T>> index, String name, T member, Function<String, StreamKey.Named> stream) {
        boolean[] created = {false};
        index.compute(name, (n, set) -> {
            Set<T> members = set;
            if (members == null) {
                members = ConcurrentHashMap.newKeySet();
                created[0] = true;
            }
            members.add(member);
            return members;
        });
        if (created[0]) {
            interest.changed(stream.apply(name));
        }
    }

    /** Removes a member; the set's removal (its last member left) is an interest change. */
    private <T> void removeFrom(ConcurrentHashMap<String, Set<T>> index, String name, T member, Function<String, StreamKey.Named> stream) {
        boolean[] emptied = {false};
        index.computeIfPresent(name, (n, set) -> {
            set.remove(member);
            emptied[0] = set.isEmpty();
            return emptied[0] ? null : set;
        });
        if (emptied[0]) {
            interest.changed(stream.apply(name));
        }
    }

    /** @param stream a group or topic whose interest entry may be wrong: told to the listener as a change */
    void touch(StreamKey.Named stream) {
        interest.changed(stream);
    }

    /**
     * @param stream a group or topic
     * @return true when a session on this node is a member or subscriber of it
     */
    boolean hasTargets(StreamKey.Named stream) {
        return (stream instanceof StreamKey.Group ? groups : topics).containsKey(stream.name());
    }

    /** @return every group and topic that has a member or subscriber session on this node (a snapshot) */
    List<StreamKey.Named> streams() {
        List<StreamKey.Named> streams = new ArrayList<>(groups.size() + topics.size());
        groups.keySet().forEach(name -> streams.add(new StreamKey.Group(name)));
        topics.keySet().forEach(name -> streams.add(new StreamKey.Topic(name)));
        return streams;
    }
}
