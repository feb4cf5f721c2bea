package dev.herald.cluster.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared presence and tickets on a real redis-server of the test's own. */
class RedisPresenceTest extends RedisFixture {

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
    void anEntryNeverLivesWithoutExpiryAndADeadNodeDropsOutAfterIt() throws Exception {
        RedisPresence a = node("a", 10_000);
        RedisPresence dead = node("dead", 400);
        a.write(Map.of(1L, 1, 2L, 1), true);
        long ttl = redis.pttl(a.key(1));
        assertTrue(ttl > 0 && ttl <= 10_000, "expiry set with the first write: " + ttl);
        dead.write(Map.of(2L, 1), true);
        assertEquals(Optional.of(1), a.sessionsElsewhere(2));
        // no heartbeat from "dead" any more
        await().atMost(Duration.ofSeconds(10)).until(() -> a.sessionsElsewhere(2).orElseThrow() == 0);
        assertTrue(redis.pttl(dead.key(2)) < 0, "its entry expired");
        assertEquals(Set.of("a", "dead"), redis.smembers(keys.nodes(keys.shard(2))));
        assertTrue(a.refresh(false));
        assertEquals(Set.of("a"), redis.smembers(keys.nodes(keys.shard(2))), "the heartbeat prunes expired nodes");
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
