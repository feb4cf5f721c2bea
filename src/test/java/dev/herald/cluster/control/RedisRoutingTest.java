package dev.herald.cluster.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.connections.control.RemotePresence;
import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.JedisClusterCRC16;

/** Key slots, routing by presence, the counted publish and the subscription's heartbeat, on a real redis-server. */
class RedisRoutingTest extends RedisFixture {

    private static final String MARKER = "{\"marker\":true}";

    private final List<ShardedSubscriptions> subscribers = new ArrayList<>();

    /** One node: its presence, and its subscription reading into a queue. */
    private record Node(String id, RedisPresence presence, ShardedSubscriptions subscriber, BlockingQueue<String> received) {
    }

    private Node node(String id) {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        ShardedSubscriptions subscriber = new ShardedSubscriptions(link, link.clients(), keys.channelsOf(id), received::add, 200, task -> {
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
        });
        subscribers.add(subscriber);
        subscriber.start();
        return new Node(id, new RedisPresence(link, keys, id, 60_000), subscriber, received);
    }

    @AfterEach
    void stopSubscribers() throws InterruptedException {
        for (ShardedSubscriptions subscriber : subscribers) {
            subscriber.stop(2000);
        }
    }

    private static void awaitSubscribed(Node... nodes) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (Node node : nodes) {
                if (!node.subscriber().isSubscribed()) {
                    return false;
                }
            }
            return true;
        });
    }

    /** @return the messages the node received before the broadcast marker (the marker comes after them on the same connection) */
    private static List<String> untilMarker(Node node) throws InterruptedException {
        List<String> before = new ArrayList<>();
        for (String wire = node.received().poll(10, TimeUnit.SECONDS); ; wire = node.received().poll(10, TimeUnit.SECONDS)) {
            assertTrue(wire != null, node.id() + " received no marker");
            if (wire.endsWith(MARKER)) {
                return before;
            }
            Envelope envelope = Envelope.decode(wire).orElseThrow();
            if (envelope.presenceChanges().isEmpty()) { // users coming online are published to every node, on presence channels
                before.add(envelope.json());
            }
        }
    }

    @Test
    void everyKeyOfAStreamAndItsShardIsInOneSlot() {
        StreamKey user = StreamKey.user(123);
        int shard = keys.shard(123);
        String tag = "{" + prefix + ":" + shard + "}";
        assertEquals(prefix + ":" + tag + ":h:u123", keys.history(user));
        int slot = JedisClusterCRC16.getSlot(keys.history(user));
        for (String key : List.of(keys.meta(user), keys.generation(user), keys.nodes(shard), keys.presence(shard, "a"),
                keys.channel(shard, "a"), keys.alive(shard, "a"), keys.presenceChannel(shard), keys.ticketsOf(123), keys.ticketRate(123))) {
            assertEquals(slot, JedisClusterCRC16.getSlot(key), key);
        }
        int broadcast = JedisClusterCRC16.getSlot(keys.history(StreamKey.BROADCAST));
        assertEquals(broadcast, JedisClusterCRC16.getSlot(keys.generation(StreamKey.BROADCAST)));
        assertEquals(broadcast, JedisClusterCRC16.getSlot(keys.broadcastChannel()));
        assertEquals(keys.shards() + 1, keys.generations().size(), "recovered() bumps every shard and the broadcast");
        assertEquals(2 * keys.shards() + 1, keys.channelsOf("a").size());
    }

    @Test
    void theShardIsAStableFunctionOfTheIdThatSpreadsTheUsers() {
        assertEquals(keys.shard(42), new KeyLayout("other", 4).shard(42), "the same on every node");
        int[] perShard = new int[keys.shards()];
        for (long user = 1; user <= 4000; user++) {
            perShard[keys.shard(user)]++;
        }
        for (int count : perShard) {
            assertTrue(count > 800 && count < 1200, Arrays.toString(perShard));
        }
        assertEquals(0, new KeyLayout(prefix, 1).shard(Long.MAX_VALUE));
    }

    @Test
    void aUsersMessageReachesOnlyTheNodesThatHoldTheUserAndABroadcastReachesAll() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Node c = node("c");
        awaitSubscribed(a, b, c);
        assertTrue(b.presence().write(Map.of(1L, 2), true));
        assertTrue(c.presence().write(Map.of(2L, 1), true));
        assertTrue(a.presence().write(Map.of(3L, 1), true));
        RedisHistory history = new RedisHistory(link, keys, "a", 100, 60_000, stats);

        assertEquals(OptionalInt.of(2), history.publishCounted(StreamKey.user(1), OutboundMessage.of("\"to 1\"")), "b's two sessions");
        assertEquals(OptionalInt.of(0), history.publishCounted(StreamKey.user(3), OutboundMessage.of("\"to 3\"")), "a's own");
        assertEquals(OptionalInt.of(0), history.publishCounted(StreamKey.user(9), OutboundMessage.of("\"to 9\"")), "nobody's");
        assertEquals(OptionalInt.of(0), history.publishCounted(StreamKey.BROADCAST, OutboundMessage.of("\"all\"")));
        assertTrue(history.publish(StreamKey.BROADCAST, OutboundMessage.of(MARKER)));

        assertEquals(List.of("\"to 3\"", "\"all\""), untilMarker(a), "the origin gets what its own (v1) sessions need");
        assertEquals(List.of("\"to 1\"", "\"all\""), untilMarker(b));
        assertEquals(List.of("\"all\""), untilMarker(c));
        assertEquals(1, history.replay(9, null, null).orElseThrow().userHead().seq(), "recorded for user 9 all the same");
    }

    @Test
    void aGroupsMessageReachesOnlyTheNodesInItsNodeHashAndAJoinReachesTheUsersNodesAheadOfIt() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Node c = node("c");
        awaitSubscribed(a, b, c);
        StreamKey.Group team = new StreamKey.Group("team:x");
        RedisInterest onB = new RedisInterest(link, keys, "b", 60_000);
        assertTrue(onB.write(team, 3, List.of(7L, 8L)));
        RedisInterest onA = new RedisInterest(link, keys, "a", 60_000);
        assertEquals(new RemotePresence.Elsewhere(3, Set.of(7L, 8L)), onA.elsewhere(team).orElseThrow(), "b's sessions and users, as a sees them");
        RedisHistory history = new RedisHistory(link, keys, "a", 100, 60_000, stats);
        assertEquals(OptionalInt.of(3), history.publishCounted(team, OutboundMessage.of("\"to team\"")), "b's three sessions, per its entry");

        c.presence().write(Map.of(5L, 1), false); // user 5 is on c; a joins the user to the group
        assertTrue(c.presence().refresh(false).isPresent()); // c's heartbeat: alive in every shard
        List<String> holders = a.presence().holders(5).orElseThrow();
        assertEquals(List.of("c"), holders);
        assertTrue(new RedisControl(link, keys, "a").membership(5, team, true, holders));
        assertTrue(history.publish(team, OutboundMessage.of("\"after join\"")));
        assertTrue(onB.write(team, 0, List.of()));
        assertEquals(new RemotePresence.Elsewhere(1, Set.of()), onA.elsewhere(team).orElseThrow(),
                "b left with its users; c's entry is the join's, its users come with c's own write");
        assertTrue(history.publish(team, OutboundMessage.of("\"c only\"")));
        assertTrue(history.publish(StreamKey.BROADCAST, OutboundMessage.of(MARKER)));

        assertEquals(List.of(), untilMarker(a), "no member on a");
        assertEquals(List.of("\"to team\"", "\"after join\""), untilMarker(b));
        assertEquals(List.of("!join team:x", "\"after join\"", "\"c only\""), untilMarker(c), "the join first, on the group's channel");

        redis.del(keys.alive(keys.shard(team), "c")); // c died
        assertTrue(history.publish(team, OutboundMessage.of("\"nobody\"")));
        assertFalse(redis.hexists(keys.interest(team), "c"), "a dead node's entry goes at the next publish");
        assertFalse(redis.exists(keys.interestUsers(team, "c")), "and its user set");
    }

    @Test
    void aUserWhosePresenceMovesIsFollowedByTheNextMessage() throws Exception {
        Node a = node("a");
        Node b = node("b");
        awaitSubscribed(a, b);
        RedisHistory history = new RedisHistory(link, keys, "c", 100, 60_000, stats);
        a.presence().write(Map.of(1L, 1), true);
        history.publish(StreamKey.user(1), OutboundMessage.of("1"));
        b.presence().write(Map.of(1L, 1), false); // connecting on b: written before its handshake completes
        a.presence().write(Map.of(1L, 0), false);
        history.publish(StreamKey.user(1), OutboundMessage.of("2"));
        history.publish(StreamKey.BROADCAST, OutboundMessage.of(MARKER));
        assertEquals(List.of("1"), untilMarker(a));
        assertEquals(List.of("2"), untilMarker(b));
    }

    @Test
    void theHeartbeatIsNotAMessageAndASilentSubscriptionIsReplaced() throws Exception {
        Node a = node("a");
        awaitSubscribed(a);
        RedisControl control = new RedisControl(link, keys, "a");
        assertEquals(List.of(keys.channel(0, "a")), a.subscriber().heartbeatChannels(), "one connection: its first own channel");
        assertTrue(control.heartbeat(a.subscriber().heartbeatChannels()));
        assertTrue(new RedisControl(link, keys, "b").disconnect(7));
        new RedisHistory(link, keys, "b", 100, 60_000, stats).publish(StreamKey.BROADCAST, OutboundMessage.of(MARKER));
        assertEquals(List.of("!disconnect"), untilMarker(a), "the heartbeat is not handed on; a disconnect reaches every node");

        long before = subscriberId();
        a.subscriber().check(TimeUnit.MINUTES.toNanos(1));
        assertEquals(before, subscriberId(), "heard from within the limit: kept");
        a.subscriber().check(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.subscriber().isSubscribed() && subscriberId() != before);
        assertNotEquals(before, subscriberId());
    }

    /** @return the id of the newest subscriber connection in {@code CLIENT LIST} (ids only grow), or -1 */
    private static long subscriberId() {
        String clients = new String((byte[]) redis.sendCommand(Protocol.Command.CLIENT, "LIST"), StandardCharsets.UTF_8);
        Matcher id = Pattern.compile("id=(\\d+) [^\\n]*name=herald-test-ssub ").matcher(clients);
        long newest = -1;
        while (id.find()) {
            newest = Math.max(newest, Long.parseLong(id.group(1)));
        }
        return newest;
    }
}
