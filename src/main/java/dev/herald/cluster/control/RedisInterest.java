package dev.herald.cluster.control;

import dev.herald.messages.entity.StreamKey;
import java.util.List;
import java.util.Optional;

/**
 * This node's entries in the groups' and topics' node hashes in Redis ({@link KeyLayout#interest}):
 * node id → its sessions of the stream; the publish script routes by them and counts the other nodes'
 * sessions from them ({@link RedisHistory}): one script per write, on the
 * stream's slot, which also renews this node's liveness key of that shard (the publish script skips
 * nodes without one and drops their entries). The hashes have no expiry: an entry of a node that died
 * goes at the stream's next publish.
 */
final class RedisInterest implements InterestBook.Store {

    /** KEYS = the node hash, this node's liveness key of its shard; ARGV = node, ttl, sessions ('0' removes the entry). */
    private static final LuaScript WRITE = LuaScript.of("""
            if ARGV[3] ~= '0' then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
              redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
            else
              redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 1
            """);

    /** KEYS = the node hash; ARGV = this node, the liveness prefix of its shard. */
    private static final LuaScript ELSEWHERE = LuaScript.of("""
            local entries, total = redis.call('HGETALL', KEYS[1]), 0
            for i = 1, #entries, 2 do
              if entries[i] ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. entries[i]) == 1 then total = total + tonumber(entries[i + 1]) end
            end
            return total
            """);

    private final RedisLink link;
    private final KeyLayout keys;
    private final String node;
    private final String ttlMs;

    /**
     * @param link  the Redis client
     * @param keys  the key layout
     * @param node  this node's id
     * @param ttlMs {@code herald.cluster.presence-ttl-ms}: how long the liveness key outlives a write
     */
    RedisInterest(RedisLink link, KeyLayout keys, String node, long ttlMs) {
        this.link = link;
        this.keys = keys;
        this.node = node;
        this.ttlMs = Long.toString(ttlMs);
    }

    @Override
    public boolean write(StreamKey.Named stream, int sessions) {
        List<String> scriptKeys = List.of(keys.interest(stream), keys.alive(keys.shard(stream), node));
        List<String> args = List.of(node, ttlMs, Integer.toString(Math.max(0, sessions)));
        return link.call(redis -> WRITE.eval(redis, scriptKeys, args)).isPresent();
    }

    /**
     * @param stream a group or topic
     * @return its sessions on the other live nodes, per their entries; empty when Redis was skipped or failed
     */
    Optional<Integer> sessionsElsewhere(StreamKey.Named stream) {
        return link.call(redis -> ELSEWHERE.eval(redis, List.of(keys.interest(stream)), List.of(node, keys.alivePrefix(keys.shard(stream)))))
                .map(total -> total instanceof Long n ? n.intValue() : 0);
    }
}
