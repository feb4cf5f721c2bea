package dev.herald.cluster.control;

import dev.herald.messages.entity.StreamKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Requests from one node to others, for what is not a message: "close this user's sessions"
 * ({@link Envelope#disconnect}) on the broadcast channel, which every node reads, "this user joined or
 * left a group" ({@link Envelope#membership}) on the channels of the nodes that hold the user, a client's message for an SSE stream of another
 * node ({@link Envelope#forward}) on that node's own channel, and the subscriptions' heartbeat
 * ({@link ShardedSubscriptions#HEARTBEAT}) on one channel of each of this node's connections. Both
 * by {@code SPUBLISH} in a script whose one key is the channel, so they route on Redis Cluster too.
 * Not a CDI bean, so that nothing CDI scans refers to Jedis types (single-node and drop-in
 * applications run without Jedis).
 */
final class RedisControl {

    private static final LuaScript SPUBLISH = LuaScript.of("return redis.call('SPUBLISH', KEYS[1], ARGV[1])");

    /** KEYS = the group's node hash; ARGV = the envelope, the channel prefix of the group's shard, '1' for a join, then the nodes. */
    private static final LuaScript MEMBERSHIP = LuaScript.of("""
            for i = 4, #ARGV do
              if ARGV[3] == '1' then redis.call('HSETNX', KEYS[1], ARGV[i], '1') end
              redis.call('SPUBLISH', ARGV[2] .. ARGV[i], ARGV[1])
            end
            return 1
            """);

    private final RedisLink link;
    private final KeyLayout keys;
    private final String nodeId;

    /**
     * @param link   the Redis client
     * @param keys   the key layout
     * @param nodeId this node's id, the envelope's origin
     */
    RedisControl(RedisLink link, KeyLayout keys, String nodeId) {
        this.link = link;
        this.keys = keys;
        this.nodeId = nodeId;
    }

    /**
     * @param userId the user whose sessions every other node closes
     * @return false when Redis could not be reached
     */
    boolean disconnect(long userId) {
        String wire = Envelope.disconnect(nodeId, userId).encode();
        return link.call(redis -> SPUBLISH.eval(redis, List.of(keys.broadcastChannel()), List.of(wire))).isPresent();
    }

    /**
     * Tells the nodes that hold the user that the user joined or left a group, on their channels of
     * the group's shard, where the group's messages travel too: a message sent to the group after
     * this call reaches each of them behind the change. A join also enters them in the group's node
     * hash, so that message is published to them (each corrects its entry once it applied the change).
     *
     * @param userId  the user
     * @param group   the group
     * @param joined  true for a join
     * @param holders the other nodes with sessions of the user ({@link RedisPresence#holders})
     * @return false when Redis could not be reached
     */
    boolean membership(long userId, StreamKey.Group group, boolean joined, List<String> holders) {
        if (holders.isEmpty()) {
            return true;
        }
        String wire = Envelope.membership(nodeId, userId, group, joined).encode();
        List<String> args = new ArrayList<>(List.of(wire, keys.channelPrefix(keys.shard(group)), joined ? "1" : "0"));
        args.addAll(holders);
        return link.call(redis -> MEMBERSHIP.eval(redis, List.of(keys.interest(group)), args)).isPresent();
    }

    /**
     * Passes a client's message on to the node that holds its SSE stream, on that node's channel of
     * shard 0 (it reads all of its channels).
     *
     * @param node     the node
     * @param streamId the stream
     * @param userId   the user the request authenticated as, or empty
     * @param text     the message; null when it was over the size limit
     * @return how many subscribers received it (0: the node does not read its channel); empty when Redis could not be reached
     */
    Optional<Long> forward(String node, String streamId, OptionalLong userId, String text) {
        String wire = Envelope.forward(nodeId, streamId, userId, text).encode();
        return link.call(redis -> SPUBLISH.eval(redis, List.of(keys.channel(0, node)), List.of(wire)))
                .map(received -> received instanceof Number n ? n.longValue() : 0L);
    }

    /**
     * Publishes the heartbeat on each of the given channels (one per connection the node reads,
     * {@link ShardedSubscriptions#heartbeatChannels}).
     *
     * @param channels where
     * @return false when Redis was skipped or failed for one of them
     */
    boolean heartbeat(List<String> channels) {
        boolean sent = true;
        for (String channel : channels) {
            sent &= link.call(redis -> SPUBLISH.eval(redis, List.of(channel), List.of(ShardedSubscriptions.HEARTBEAT))).isPresent();
        }
        return sent;
    }
}
