package dev.herald.cluster.control;

import dev.herald.connections.control.NodeSessions;
import dev.herald.connections.control.RemotePresence;
import dev.herald.connections.entity.GroupMembershipChanged;
import dev.herald.connections.entity.UserOffline;
import dev.herald.connections.entity.UserOnline;
import dev.herald.stats.control.HeraldStats;
import dev.herald.messages.entity.StreamKey;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's part of the shared presence ({@link RedisPresence}): keeps its entry equal to the local
 * registry ({@link PresenceBook}) and its entries in the groups' and topics' node hashes equal to its
 * sessions ({@link InterestBook}), renews and prunes at each heartbeat, writes everything again when
 * Redis is back or when the other nodes pruned this one while it was silent (a pause longer than the
 * TTL), answers the other nodes' session counts and which nodes hold a user, and turns the cluster's
 * presence changes into {@link UserOnline} and {@link UserOffline} events on this node.
 */
final class NodePresence {

    private static final Logger LOG = Logger.getLogger(NodePresence.class.getName());

    private final RedisPresence presence;
    private final KeyLayout keys;
    private final NodeSessions sessions;
    private final HeraldStats stats;
    private final Consumer<Object> events;
    private final PresenceBook book;
    private final InterestBook interest;
    private final RedisInterest streams;

    /**
     * @param presence the shared presence
     * @param keys     the key layout (which shard a user is in)
     * @param sessions this node's sessions
     * @param stats    counters
     * @param events   the CDI {@code Event<Object>::fire}
     * @param streams  where this node's entries in the groups' and topics' node hashes are written
     */
    NodePresence(RedisPresence presence, KeyLayout keys, NodeSessions sessions, HeraldStats stats, Consumer<Object> events,
                 RedisInterest streams) {
        this.presence = presence;
        this.keys = keys;
        this.sessions = sessions;
        this.stats = stats;
        this.events = events;
        this.streams = streams;
        this.book = new PresenceBook(sessions::liveSessions, sessions::liveSessionCounts, presence::write);
        this.interest = new InterestBook(stream -> sessions.audiences().targets(stream), stream -> sessions.audiences().users(stream),
                () -> sessions.audiences().streams(), streams);
    }

    /**
     * @param userId a user whose registrations here changed: the user's count, and the groups that
     *               got their first session here or lost their last, written now (before the handshake's 101)
     */
    void changed(long userId) {
        book.changed(userId);
        book.flush();
        interest.flush();
    }

    /** @param stream a group or topic that got its first session here or lost its last, or whose entry may be wrong: written at the next flush */
    void streamChanged(StreamKey.Named stream) {
        interest.changed(stream);
    }

    /** Writes the groups' and topics' entries that changed: before a replay of theirs is read, and before a join is passed on. */
    void flushStreams() {
        interest.flush();
    }

    /**
     * Passes a group change made here on: this node's entry of the group is written first, then the
     * other nodes that hold the user are told ({@link RedisControl#membership}).
     *
     * @param changed the join or leave
     * @param control where requests to other nodes go
     */
    void passOn(GroupMembershipChanged changed, RedisControl control) {
        interest.flush();
        List<String> holders = presence.holders(changed.userId()).orElse(List.of());
        if (!control.membership(changed.userId(), new StreamKey.Group(changed.group()), changed.joined(), holders)) {
            LOG.warning(() -> "Could not tell the other nodes of user " + changed.userId() + "'s group " + changed.group() + ": Redis is unreachable");
        }
    }

    /**
     * @param stream a group or topic
     * @return its sessions and users on the other live nodes, per their entries; none when Redis cannot be read
     */
    RemotePresence.Elsewhere elsewhere(StreamKey.Named stream) {
        return streams.elsewhere(stream).orElse(RemotePresence.Elsewhere.NONE);
    }

    /**
     * A session is connecting with recovery: its count is written at once, whatever another thread
     * is flushing, so every message published after its replay read is routed here.
     *
     * @param userId the user
     */
    void arriving(long userId) {
        book.changed(userId); // and the book writes it again with the count it reads then
        presence.write(Map.of(userId, sessions.liveSessions(userId)), false);
        interest.flush(); // its groups: before their replay is read
    }

    /**
     * @param userId a user
     * @return the user's live sessions on other nodes; 0 when Redis cannot be read (counted)
     */
    int sessionsElsewhere(long userId) {
        Optional<Integer> elsewhere = presence.sessionsElsewhere(userId);
        if (elsewhere.isEmpty()) {
            stats.presenceFallback();
            return 0;
        }
        return elsewhere.get();
    }

    /**
     * The heartbeat's part: the pending writes, the liveness renewal and the prune; during an outage,
     * the probe that ends it.
     *
     * @param down true while Redis is known to be unreachable
     */
    void beat(boolean down) {
        if (down) {
            book.resync();
            interest.resync();
            presence.refresh(true);
            return;
        }
        book.flush();
        interest.refresh(); // and the counts that changed without a first or last session
        Optional<BitSet> missing = presence.refresh(false);
        if (missing.isPresent() && lostUsersIn(missing.get())) {
            LOG.warning("This node's presence had been pruned by the other nodes (silent for longer than herald.cluster.presence-ttl-ms); writing it again");
            book.resync();
            book.flush();
        }
    }

    private boolean lostUsersIn(BitSet missing) {
        if (missing.isEmpty()) {
            return false;
        }
        return sessions.liveSessionCounts().keySet().stream().anyMatch(user -> missing.get(keys.shard(user)));
    }

    /** Makes the next flush write every entry (Redis is back: it may have expired or missed changes). */
    void resync() {
        book.resync();
        interest.resync();
    }

    /** Writes what is pending. */
    void flush() {
        book.flush();
        interest.flush();
    }

    /** A clean stop: this node's users leave the presence at once. */
    void leave() {
        presence.remove();
    }

    /**
     * Fires the event of one change the cluster published ({@link Envelope#presenceChanges}); an
     * observer that throws is logged, never the subscriber's problem.
     *
     * @param change a user who came online in the cluster or went offline everywhere
     */
    void fire(Envelope.PresenceChange change) {
        Object event = change.online() ? new UserOnline(change.userId()) : new UserOffline(change.userId());
        try {
            events.accept(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An observer of " + event.getClass().getSimpleName() + " failed", e);
        }
    }
}
