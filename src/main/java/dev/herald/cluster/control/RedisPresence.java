package dev.herald.cluster.control;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shared presence in Redis. Each node owns one hash, {@code <prefix>:presence:<node>}, of user id
 * → live sessions on that node, which expires {@code herald.cluster.presence-ttl-ms} after the node's
 * last write or heartbeat: a node that dies without a clean stop drops out within that time, and a
 * clean stop deletes it at once. The set {@code <prefix>:nodes} lists the nodes whose hash may exist;
 * heartbeats prune the ones whose hash has expired. Every operation is one Lua script, so one round
 * trip, and every write sets the expiry in the same step (no entry ever lives without one). The
 * scripts compute key names, so this needs a standalone Redis (or a primary with replicas), not Redis
 * Cluster. Calls go through {@link RedisLink}: skipped during an outage, bounded by its timeout.
 */
final class RedisPresence {

    /** Users per write; a replace of a large node is split so that no single script runs long. */
    static final int CHUNK = 1000;

    private static final String WRITE = """
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
            """;

    private static final String REFRESH = """
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            for _, node in ipairs(redis.call('SMEMBERS', KEYS[2])) do
              if redis.call('EXISTS', ARGV[2] .. node) == 0 then redis.call('SREM', KEYS[2], node) end
            end
            return 1
            """;

    private static final String ELSEWHERE = """
            local total = 0
            for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if node ~= ARGV[2] then
                local n = redis.call('HGET', ARGV[3] .. node, ARGV[1])
                if n then total = total + tonumber(n) end
              end
            end
            return total
            """;

    private final RedisLink link;
    private final String node;
    private final String hashPrefix;
    private final String hash;
    private final String nodes;
    private final String ttlMs;

    /**
     * @param link   the Redis client
     * @param prefix the key prefix ({@code herald.redis.key-prefix})
     * @param node   this node's id
     * @param ttlMs  how long an entry outlives its last write or heartbeat
     */
    RedisPresence(RedisLink link, String prefix, String node, long ttlMs) {
        this.link = link;
        this.node = node;
        this.hashPrefix = prefix + ":presence:";
        this.hash = hashPrefix + node;
        this.nodes = prefix + ":nodes";
        this.ttlMs = Long.toString(ttlMs);
    }

    /** @return this node's hash key */
    String key() {
        return hash;
    }

    /**
     * Writes counts into this node's hash and renews its expiry.
     *
     * @param counts  user id → sessions on this node; 0 removes the user
     * @param replace true to drop every other user of this node first
     * @return false when Redis was skipped or failed
     */
    boolean write(Map<Long, Integer> counts, boolean replace) {
        Iterator<Map.Entry<Long, Integer>> entries = counts.entrySet().iterator();
        boolean first = true;
        do {
            List<String> args = new ArrayList<>(List.of(node, ttlMs, first && replace ? "1" : "0"));
            for (int n = 0; n < CHUNK && entries.hasNext(); n++) {
                Map.Entry<Long, Integer> entry = entries.next();
                args.add(Long.toString(entry.getKey()));
                args.add(Integer.toString(Math.max(0, entry.getValue())));
            }
            if (link.call(redis -> redis.eval(WRITE, List.of(hash, nodes), args)).isEmpty()) {
                return false;
            }
            first = false;
        } while (entries.hasNext());
        return true;
    }

    /**
     * The heartbeat: renews this node's expiry and prunes expired nodes from the node set.
     *
     * @param probe true to try even during an outage (and end it when Redis answers)
     * @return false when Redis was skipped or failed
     */
    boolean refresh(boolean probe) {
        List<String> keys = List.of(hash, nodes);
        List<String> args = List.of(ttlMs, hashPrefix);
        return (probe ? link.probe(redis -> redis.eval(REFRESH, keys, args)) : link.call(redis -> redis.eval(REFRESH, keys, args))).isPresent();
    }

    /**
     * @param userId a user
     * @return the user's live sessions on all other nodes; empty when Redis was skipped or failed
     */
    Optional<Integer> sessionsElsewhere(long userId) {
        return link.call(redis -> redis.eval(ELSEWHERE, List.of(nodes), List.of(Long.toString(userId), node, hashPrefix)))
                .map(total -> total instanceof Long n ? n.intValue() : 0);
    }

    /**
     * A clean stop: this node's users leave the presence at once.
     *
     * @return false when Redis was skipped or failed
     */
    boolean remove() {
        return link.call(redis -> redis.del(hash) + redis.srem(nodes, node)).isPresent();
    }
}
