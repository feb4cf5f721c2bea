package dev.herald.cluster.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared presence and tickets on a real redis-server of the test's own. */
class RedisPresenceTest extends RedisFixture {

    private ShardedSubscriptions subscriber;

    private RedisPresence node(String id, long ttlMs) {
        return new RedisPresence(link, keys, id, ttlMs);
    }

    @Test
    void everyNodeSeesTheSessionsOfTheOthers() {
        RedisPresence a = node("a", 10_000);
        RedisPresence b = node("b", 10_000);
        RedisPresence c = node("c", 10_000);
        assertTrue(a.write(Map.of(1L, 2, 2L, 1), true));
        assertTrue(b.write(Map.of(1L, 1), true));
        assertEquals(Optional.of(1), a.sessionsElsewhere(1), "a counts only the others");
        assertEquals(Optional.of(2), b.sessionsElsewhere(1));
        assertEquals(Optional.of(3), c.sessionsElsewhere(1));
        assertEquals(Optional.of(1), b.sessionsElsewhere(2));
        assertEquals(Optional.of(0), b.sessionsElsewhere(3));

        assertTrue(a.write(Map.of(1L, 0), false));
        assertEquals(Optional.of(0), b.sessionsElsewhere(1), "a's last session of user 1 closed");
        assertEquals(Optional.of(1), b.sessionsElsewhere(2));

        assertTrue(a.write(Map.of(5L, 1), true));
        assertEquals(Optional.of(0), b.sessionsElsewhere(2), "a replace drops what the node no longer has");
        assertEquals(Optional.of(1), b.sessionsElsewhere(5));
    }

    @Test
    void aDeadNodeStopsCountingWhenItsLivenessExpiresAndTheNextHeartbeatPrunesIt() throws Exception {
        RedisPresence a = node("a", 10_000);
        RedisPresence dead = node("dead", 400);
        a.write(Map.of(1L, 1, 2L, 1), true);
        long ttl = redis.pttl(keys.alive(keys.shard(1), "a"));
        assertTrue(ttl > 0 && ttl <= 10_000, "liveness set with the first write: " + ttl);
        assertTrue(redis.pttl(a.key(1)) > 10_000, "the hash outlives it, for a prune to read");
        dead.write(Map.of(2L, 1), true);
        assertEquals(Optional.of(1), a.sessionsElsewhere(2));
        // no heartbeat from "dead" any more
        await().atMost(Duration.ofSeconds(10)).until(() -> a.sessionsElsewhere(2).orElseThrow() == 0);
        assertEquals(Set.of("a", "dead"), redis.smembers(keys.nodes(keys.shard(2))));
        assertTrue(a.refresh(false).isPresent());
        assertEquals(Set.of("a"), redis.smembers(keys.nodes(keys.shard(2))), "the heartbeat prunes dead nodes");
        assertFalse(redis.exists(dead.key(2)), "and their hashes");
    }

    /** Reads the presence channels of every shard, as every node does. */
    private BlockingQueue<String> presenceChannels() {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        List<String> channels = new ArrayList<>();
        for (int s = 0; s < keys.shards(); s++) {
            channels.add(keys.presenceChannel(s));
        }
        subscriber = new ShardedSubscriptions(link, link.clients(), channels, received::add, 200, task -> {
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
        });
        subscriber.start();
        await().atMost(Duration.ofSeconds(10)).until(subscriber::isSubscribed);
        return received;
    }

    @AfterEach
    void stopSubscriber() throws InterruptedException {
        if (subscriber != null) {
            subscriber.stop(2000);
        }
    }

    private final java.util.Deque<String> changes = new java.util.ArrayDeque<>();

    /** @return the next presence change published, as {@code +id} or {@code -id} (one message may carry several) */
    private String next(BlockingQueue<String> received) throws InterruptedException {
        if (changes.isEmpty()) {
            String wire = received.poll(10, TimeUnit.SECONDS);
            assertTrue(wire != null, "a change within 10 s");
            Envelope.decode(wire).flatMap(Envelope::presenceChanges).orElseThrow(() -> new AssertionError(wire))
                    .forEach(change -> changes.add((change.online() ? "+" : "-") + change.userId()));
        }
        return changes.poll();
    }

    @Test
    void eachUserComingOnlineInTheClusterAndGoingOfflineEverywhereIsPublishedOnce() throws Exception {
        BlockingQueue<String> received = presenceChannels();
        RedisPresence a = node("a", 10_000);
        RedisPresence b = node("b", 10_000);
        assertTrue(a.write(Map.of(1L, 1), false));
        assertEquals("+1", next(received), "the first session in the cluster");
        b.write(Map.of(1L, 2), false);
        a.write(Map.of(1L, 0), false);
        a.write(Map.of(1L, 3), false);
        a.write(Map.of(1L, 0), false);
        b.write(Map.of(1L, 0), false);
        assertEquals("-1", next(received), "nothing while another node held the user, then the last session anywhere");

        a.write(Map.of(6L, 1), false);
        assertEquals("+6", next(received));
        a.write(Map.of(5L, 1), true);
        Set<String> replaced = Set.of(next(received), next(received));
        assertEquals(Set.of("-6", "+5"), replaced, "a replace writes 0 for what the node no longer has");

        b.write(Map.of(7L, 1, 5L, 1), false);
        assertEquals("+7", next(received));
        assertTrue(b.remove());
        assertEquals("-7", next(received), "a clean stop: 7 had no other session, 5 has one on a");
        assertEquals(null, received.poll(300, TimeUnit.MILLISECONDS));
        assertTrue(changes.isEmpty(), changes.toString());
    }

    @Test
    void theUsersOfAKilledNodeGoOfflineAtThePruneUnlessHeldElsewhere() throws Exception {
        BlockingQueue<String> received = presenceChannels();
        RedisPresence a = node("a", 10_000);
        RedisPresence dead = node("dead", 300);
        a.write(Map.of(2L, 1), false);
        assertEquals("+2", next(received));
        dead.write(Map.of(2L, 1, 3L, 2), false);
        assertEquals("+3", next(received));
        await().atMost(Duration.ofSeconds(10)).until(() -> !redis.exists(keys.alive(keys.shard(3), "dead")));
        assertTrue(a.refresh(false).isPresent());
        assertEquals("-3", next(received), "2 still has a session on a");
        assertTrue(a.refresh(false).isPresent());
        assertEquals(null, received.poll(300, TimeUnit.MILLISECONDS), "pruned once");
    }

    @Test
    void aNodePrunedWhileSilentLearnsItAtItsNextHeartbeat() throws Exception {
        RedisPresence a = node("a", 10_000);
        RedisPresence paused = node("paused", 300);
        paused.write(Map.of(3L, 1), false);
        BitSet none = paused.refresh(false).orElseThrow();
        assertFalse(none.get(keys.shard(3)), "its hash of user 3's shard is there");
        await().atMost(Duration.ofSeconds(10)).until(() -> !redis.exists(keys.alive(keys.shard(3), "paused")));
        a.refresh(false);
        assertTrue(paused.refresh(false).orElseThrow().get(keys.shard(3)), "pruned: the node must write its users again");
    }

    @Test
    void aLargeReplaceIsWrittenInChunks() {
        RedisPresence a = node("a", 10_000);
        RedisPresence b = node("b", 10_000);
        a.write(Map.of(99_999L, 1), true);
        Map<Long, Integer> many = new java.util.HashMap<>();
        for (long user = 1; user <= 2 * RedisPresence.CHUNK + 10; user++) {
            many.put(user, 1);
        }
        assertTrue(a.write(many, true));
        long held = 0;
        for (int shard = 0; shard < keys.shards(); shard++) {
            held += redis.hlen(keys.presence(shard, "a"));
        }
        assertEquals(2 * RedisPresence.CHUNK + 10, held, "spread over the shards");
        assertTrue(redis.hlen(a.key(1)) < held);
        assertEquals(Optional.of(1), b.sessionsElsewhere(2L * RedisPresence.CHUNK + 10));
        assertEquals(Optional.of(0), b.sessionsElsewhere(99_999));
    }

    @Test
    void aCleanStopRemovesTheNodeAtOnce() {
        RedisPresence a = node("a", 60_000);
        RedisPresence b = node("b", 60_000);
        b.write(Map.of(1L, 1), true);
        assertEquals(Optional.of(1), a.sessionsElsewhere(1));
        assertTrue(b.remove());
        assertEquals(Optional.of(0), a.sessionsElsewhere(1));
        assertFalse(redis.exists(b.key(1)));
        assertFalse(redis.sismember(keys.nodes(keys.shard(1)), "b"));
    }

    @Test
    void aTicketWorksOnceOnAnyNodeAndRedisNeverHoldsItsValue() {
        RedisTickets issuer = new RedisTickets(link, keys);
        try (RedisLink otherNode = new RedisLink(new ClusterConfig(server.uri(), null, 10_000), "other", stats, () -> {
        })) {
            takeOnAnotherNode(issuer, new RedisTickets(otherNode, keys));
        }
    }

    private void takeOnAnotherNode(RedisTickets issuer, RedisTickets other) {
        String ticket = "k".repeat(43);
        assertEquals(OptionalLong.of(0), issuer.store(ticket, 7, 30, 0, 0));
        assertEquals(OptionalLong.empty(), issuer.store(ticket, 8, 30, 0, 0), "NX: an existing ticket is never overwritten");
        Set<String> keys = redis.keys(prefix + ":{" + prefix + ":t:*}:ticket");
        assertEquals(1, keys.size());
        String key = keys.iterator().next();
        assertFalse(key.contains(ticket));
        long ttl = redis.ttl(key);
        assertTrue(ttl > 0 && ttl <= 30, "EX: " + ttl);
        assertEquals(1, redis.zcard(issuer.usersTickets(7)), "outstanding for user 7");
        assertEquals(OptionalLong.of(7), other.take(ticket));
        assertEquals(0, redis.zcard(issuer.usersTickets(7)), "used: no longer outstanding");
        assertEquals(OptionalLong.empty(), issuer.take(ticket), "GETDEL: used up");
        assertEquals(OptionalLong.empty(), other.take("u".repeat(43)));
    }

    @Test
    void ticketLimitsHoldForAllNodesTogether() {
        RedisTickets one = new RedisTickets(link, keys);
        try (RedisLink otherNode = new RedisLink(new ClusterConfig(server.uri(), null, 10_000), "other", stats, () -> {
        })) {
            RedisTickets two = new RedisTickets(otherNode, keys);
            for (int i = 0; i < 3; i++) {
                assertEquals(OptionalLong.of(0), (i % 2 == 0 ? one : two).store("a" + i + "x".repeat(41), 5, 30, 3, 5));
            }
            OptionalLong capped = two.store("a3" + "x".repeat(41), 5, 30, 3, 5);
            assertTrue(capped.isPresent() && capped.getAsLong() >= 1 && capped.getAsLong() <= 30, "3 outstanding: " + capped);
            assertEquals(OptionalLong.of(0), one.store("b0" + "x".repeat(41), 6, 30, 3, 5), "another user is not affected");

            assertEquals(OptionalLong.of(5), two.take("a0" + "x".repeat(41)));
            assertEquals(OptionalLong.of(5), one.take("a1" + "x".repeat(41)));
            assertEquals(OptionalLong.of(0), one.store("a4" + "x".repeat(41), 5, 30, 3, 5), "used tickets free the cap");
            OptionalLong rate = two.store("a5" + "x".repeat(41), 5, 30, 3, 5);
            assertEquals(OptionalLong.of(0), rate, "4 issued of 5 per minute");
            OptionalLong limited = one.store("a6" + "x".repeat(41), 5, 30, 0, 5);
            assertTrue(limited.isPresent() && limited.getAsLong() >= 1 && limited.getAsLong() <= 60, "5 per minute: " + limited);
            long window = redis.ttl(keys.ticketRate(5));
            assertTrue(window > 0 && window <= 60, "the window expires: " + window);
            assertTrue(redis.pttl(one.usersTickets(5)) > 0, "the set of outstanding tickets expires with its newest ticket");
        }
    }
}
