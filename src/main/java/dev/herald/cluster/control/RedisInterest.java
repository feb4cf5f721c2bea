package dev.herald.cluster.control;

import dev.herald.connections.control.RemotePresence;
import dev.herald.messages.entity.StreamKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * This node's entries in the groups' and topics' node hashes in Redis ({@link KeyLayout#interest}):
 * node id → its sessions of the stream, and beside each entry the set of that node's users of the
 * stream ({@link KeyLayout#interestUsers}); the publish script routes by the entries and counts the
 * other nodes' sessions from them ({@link RedisHistory}): one script per write, on the stream's slot,
 * which also renews this node's liveness key of that shard (the publish script skips nodes without
 * one and drops their entries and sets). The hashes have no expiry: an entry of a node that died goes
 * at the stream's next publish.
 */
final class RedisInterest implements InterestBook.Store {

    /**
     * KEYS = the node hash, this node's liveness key of its shard, this node's user set; ARGV = node,
     * ttl, sessions ('0' removes the entry and the set), then the user ids.
     */
    private static final LuaScript WRITE = LuaScript.of("""
            redis.call('DEL', KEYS[3])
            if ARGV[3] ~= '0' then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
              redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
              for i = 4, #ARGV, 1000 do redis.call('SADD', KEYS[3], unpack(ARGV, i, math.min(i + 999, #ARGV))) end
            else
              redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 1
            """);

    /** KEYS = the node hash; ARGV = this node, the liveness prefix of its shard. Answers {sessions, {user ids}} of the other live nodes. */
    private static final LuaScript ELSEWHERE = LuaScript.of("""
            local entries, total, users = redis.call('HGETALL', KEYS[1]), 0, {}
            for i = 1, #entries, 2 do
              local node = entries[i]
              if node ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. node) == 1 then
                total = total + tonumber(entries[i + 1])
                for _, id in ipairs(redis.call('SMEMBERS', KEYS[1] .. '#' .. node)) do users[#users + 1] = id end
              end
            end
            return {total, users}
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
    public boolean write(StreamKey.Named stream, int sessions, Collection<Long> users) {
        List<String> scriptKeys = List.of(keys.interest(stream), keys.alive(keys.shard(stream), node), keys.interestUsers(stream, node));
        List<String> args = new ArrayList<>(3 + users.size());
        args.addAll(List.of(node, ttlMs, Integer.toString(Math.max(0, sessions))));
        if (sessions > 0) {
            users.forEach(user -> args.add(Long.toString(user)));
        }
        return link.call(redis -> WRITE.eval(redis, scriptKeys, args)).isPresent();
    }

    /**
     * @param stream a group or topic
     * @return its sessions and users on the other live nodes, per their entries; empty when Redis was skipped or failed
     */
    Optional<RemotePresence.Elsewhere> elsewhere(StreamKey.Named stream) {
        return link.call(redis -> ELSEWHERE.eval(redis, List.of(keys.interest(stream)), List.of(node, keys.alivePrefix(keys.shard(stream)))))
                .map(RedisInterest::elsewhereOf);
    }

    private static RemotePresence.Elsewhere elsewhereOf(Object reply) {
        if (!(reply instanceof List<?> parts) || parts.size() != 2 || !(parts.get(0) instanceof Long sessions)) {
            return RemotePresence.Elsewhere.NONE;
        }
        Set<Long> users = new HashSet<>();
        if (parts.get(1) instanceof List<?> ids) {
            for (Object id : ids) {
                users.add(Long.parseLong(LuaScript.text(id)));
            }
        }
        return new RemotePresence.Elsewhere(sessions.intValue(), users);
    }
}
