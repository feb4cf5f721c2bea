package dev.herald.cluster.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shared presence in Redis, per shard of users ({@link KeyLayout}). Each node owns one hash per
 * shard, {@code …{<prefix>:<shard>}:presence:<node>}, of user id → live sessions on that node, which
 * expires {@code herald.cluster.presence-ttl-ms} after the node's last write or heartbeat: a node
 * that dies without a clean stop drops out within that time, and a clean stop deletes them at once.
 * Each shard's set {@code …{<prefix>:<shard>}:nodes} lists the nodes whose hash of the shard may
 * exist; heartbeats prune the ones whose hash has expired. The publish script of a user's message
 * reads the same keys to choose the nodes it goes to ({@link RedisHistory}). Every operation is one
 * Lua script on the keys of one shard, so one slot on Redis Cluster, and every write sets the expiry
 * in the same step (no entry ever lives without one). Calls go through {@link RedisLink}: skipped
 * during an outage, bounded by its timeout.
 */
final class RedisPresence {

    /** Users per write; a replace of a large node is split so that no single script runs long. */
    static final int CHUNK = 1000;

    /** KEYS = this node's hash of the shard, the shard's node set; ARGV = node, ttl, replace, then user, count pairs. */
    private static final LuaScript WRITE = LuaScript.of("""
            if ARGV[3] == '1' then redis.call('DEL', KEYS[1]) end
            for i = 4, #ARGV - 1, 2 do
              if ARGV[i + 1] == '0' then redis.call('HDEL', KEYS[1], ARGV[i])
              else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            end
            if redis.call('EXISTS', KEYS[1]) == 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              redis.call('SADD', KEYS[2], ARGV[1])
            end
            return 1
            """);

    /** KEYS = this node's hash of the shard, the shard's node set; ARGV = ttl, the shard's presence prefix. */
    private static final LuaScript REFRESH = LuaScript.of("""
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            for _, node in ipairs(redis.call('SMEMBERS', KEYS[2])) do
              if redis.call('EXISTS', ARGV[2] .. node) == 0 then redis.call('SREM', KEYS[2], node) end
            end
            return 1
            """);

    /** KEYS = the shard's node set; ARGV = user, this node, the shard's presence prefix. */
    private static final LuaScript ELSEWHERE = LuaScript.of("""
            local total = 0
            for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if node ~= ARGV[2] then
                local n = redis.call('HGET', ARGV[3] .. node, ARGV[1])
                if n then total = total + tonumber(n) end
              end
            end
            return total
            """);

    /** KEYS = this node's hash of the shard, the shard's node set; ARGV = node. */
    private static final LuaScript REMOVE = LuaScript.of("""
            redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[1])
            return 1
            """);

    private final RedisLink link;
    private final KeyLayout keys;
    private final String node;
    private final String ttlMs;

    /**
     * @param link  the Redis client
     * @param keys  the key layout
     * @param node  this node's id
     * @param ttlMs how long an entry outlives its last write or heartbeat
     */
    RedisPresence(RedisLink link, KeyLayout keys, String node, long ttlMs) {
        this.link = link;
        this.keys = keys;
        this.node = node;
        this.ttlMs = Long.toString(ttlMs);
    }

    /**
     * @param userId a user
     * @return this node's hash key of the user's shard
     */
    String key(long userId) {
        return keys.presence(keys.shard(userId), node);
    }

    /**
     * Writes counts into this node's hashes and renews their expiry, one script per shard touched.
     *
     * @param counts  user id → sessions on this node; 0 removes the user
     * @param replace true to drop every other user of this node first (every shard is written)
     * @return false when Redis was skipped or failed
     */
    boolean write(Map<Long, Integer> counts, boolean replace) {
        List<Map<Long, Integer>> byShard = new ArrayList<>(keys.shards());
        for (int s = 0; s < keys.shards(); s++) {
            byShard.add(new HashMap<>());
        }
        counts.forEach((user, n) -> byShard.get(keys.shard(user)).put(user, n));
        for (int s = 0; s < keys.shards(); s++) {
            if ((replace || !byShard.get(s).isEmpty()) && !writeShard(s, byShard.get(s), replace)) {
                return false;
            }
        }
        return true;
    }

    private boolean writeShard(int shard, Map<Long, Integer> counts, boolean replace) {
        List<String> shardKeys = List.of(keys.presence(shard, node), keys.nodes(shard));
        Iterator<Map.Entry<Long, Integer>> entries = counts.entrySet().iterator();
        boolean first = true;
        do {
            List<String> args = new ArrayList<>(List.of(node, ttlMs, first && replace ? "1" : "0"));
            for (int n = 0; n < CHUNK && entries.hasNext(); n++) {
                Map.Entry<Long, Integer> entry = entries.next();
                args.add(Long.toString(entry.getKey()));
                args.add(Integer.toString(Math.max(0, entry.getValue())));
            }
            if (link.call(redis -> WRITE.eval(redis, shardKeys, args)).isEmpty()) {
                return false;
            }
            first = false;
        } while (entries.hasNext());
        return true;
    }

    /**
     * The heartbeat: renews this node's expiry and prunes expired nodes from the node sets, one
     * script per shard.
     *
     * @param probe true to try even during an outage (and end it when Redis answers)
     * @return false when Redis was skipped or failed
     */
    boolean refresh(boolean probe) {
        for (int s = 0; s < keys.shards(); s++) {
            List<String> shardKeys = List.of(keys.presence(s, node), keys.nodes(s));
            List<String> args = List.of(ttlMs, keys.presencePrefix(s));
            Optional<Object> done = probe ? link.probe(redis -> REFRESH.eval(redis, shardKeys, args))
                    : link.call(redis -> REFRESH.eval(redis, shardKeys, args));
            if (done.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param userId a user
     * @return the user's live sessions on all other nodes; empty when Redis was skipped or failed
     */
    Optional<Integer> sessionsElsewhere(long userId) {
        int shard = keys.shard(userId);
        return link.call(redis -> ELSEWHERE.eval(redis, List.of(keys.nodes(shard)), List.of(Long.toString(userId), node, keys.presencePrefix(shard))))
                .map(total -> total instanceof Long n ? n.intValue() : 0);
    }

    /**
     * A clean stop: this node's users leave the presence at once.
     *
     * @return false when Redis was skipped or failed
     */
    boolean remove() {
        boolean removed = true;
        for (int s = 0; s < keys.shards(); s++) {
            List<String> shardKeys = List.of(keys.presence(s, node), keys.nodes(s));
            removed &= link.call(redis -> REMOVE.eval(redis, shardKeys, List.of(node))).isPresent();
        }
        return removed;
    }
}
