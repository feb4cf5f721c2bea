package dev.herald.cluster.control;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The shared presence in Redis, per shard of users ({@link KeyLayout}). Each node owns one hash per
 * shard, {@code …{<prefix>:<shard>}:presence:<node>}, of user id → live sessions on that node, and a
 * liveness key {@code …:alive:<node>} that expires {@code herald.cluster.presence-ttl-ms} after the
 * node's last write or heartbeat. Each shard's set {@code …:nodes} lists the nodes whose hash of the
 * shard exists. A node whose liveness key expired is dead: it stops counting at once (the session
 * counts and the publish script's routing, {@link RedisHistory}, skip it), and the next heartbeat of
 * any node prunes it, hash and all; a clean stop deletes this node's keys at once.
 *
 * <p>A user is online in the cluster while some node of the shard's set holds a count for the user.
 * Every script that changes that (a write, a prune, a clean stop) publishes the users who came online
 * ({@code +id}) or went offline everywhere ({@code -id}) on the shard's presence channel, which every
 * node reads ({@link Envelope#presenceChanges}): computed and published in the same atomic step, so
 * exactly one change is seen per transition, in the order Redis applied them.
 *
 * <p>Every operation is one Lua script on the keys of one shard, so one slot on Redis Cluster, and
 * every write renews the expiry in the same step. The hashes expire too, {@value #HASH_TTLS} TTLs
 * after their node's last heartbeat, for when no node is left to prune them. Calls go through
 * {@link RedisLink}: skipped during an outage, bounded by its timeout.
 */
final class RedisPresence {

    /** Users per write; a large write is split so that no single script runs long. */
    static final int CHUNK = 1000;
    /** A dead node's hash outlives its liveness by this many TTLs, for the prune to read it. */
    static final int HASH_TTLS = 20;

    /** Publishes the changes collected in {@code changes} on KEYS[4] as {@code ARGV[1] \n b \n !presence …}. */
    private static final String PUBLISH_CHANGES = """
            if #changes > 0 then
              redis.call('SPUBLISH', KEYS[4], ARGV[1] .. '\\nb\\n!presence ' .. table.concat(changes, ' '))
            end
            """;

    /** True when a node of {@code members} other than {@code skip} holds a count for the user (ARGV[4]: the presence prefix). */
    private static final String ELSEWHERE_HELD = """
            local function held(members, user, skip)
              for _, n in ipairs(members) do
                if n ~= skip and redis.call('HEXISTS', ARGV[4] .. n, user) == 1 then return true end
              end
              return false
            end
            """;

    /**
     * KEYS = this node's hash of the shard, the shard's node set, this node's liveness key, the
     * shard's presence channel; ARGV = node, ttl, hash ttl, presence prefix, then user, count pairs.
     */
    private static final LuaScript WRITE = LuaScript.of(ELSEWHERE_HELD + """
            local members = redis.call('SMEMBERS', KEYS[2])
            local changes = {}
            for i = 5, #ARGV - 1, 2 do
              local user, count = ARGV[i], tonumber(ARGV[i + 1])
              local before = redis.call('HEXISTS', KEYS[1], user) == 1
              if count == 0 then redis.call('HDEL', KEYS[1], user)
              else redis.call('HSET', KEYS[1], user, count) end
              if before ~= (count > 0) and not held(members, user, ARGV[1]) then
                table.insert(changes, (count > 0 and '+' or '-') .. user)
              end
            end
            if redis.call('EXISTS', KEYS[1]) == 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
              redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
              redis.call('SADD', KEYS[2], ARGV[1])
            end
            """ + PUBLISH_CHANGES + "return 1\n");

    /**
     * KEYS = this node's hash of the shard, the shard's node set, this node's liveness key, the
     * shard's presence channel; ARGV = node, ttl, hash ttl, presence prefix, liveness prefix.
     * Answers 1 when this node has a hash of the shard, 0 when not (none, or pruned while this node
     * was silent).
     */
    private static final LuaScript REFRESH = LuaScript.of(ELSEWHERE_HELD + """
            local own = redis.call('EXISTS', KEYS[1])
            redis.call('SET', KEYS[3], '1', 'PX', ARGV[2]) -- in every shard: groups and topics of the shard route by it too
            if own == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
            local live, gone = {}, {}
            for _, n in ipairs(redis.call('SMEMBERS', KEYS[2])) do
              if n == ARGV[1] then
                if own == 1 then table.insert(live, n) else redis.call('SREM', KEYS[2], n) end
              elseif redis.call('EXISTS', ARGV[5] .. n) == 1 then table.insert(live, n)
              else table.insert(gone, n) end
            end
            local changes, seen = {}, {}
            for _, n in ipairs(gone) do
              for _, user in ipairs(redis.call('HKEYS', ARGV[4] .. n)) do
                if not seen[user] then
                  seen[user] = true
                  if not held(live, user, nil) then table.insert(changes, '-' .. user) end
                end
              end
              redis.call('DEL', ARGV[4] .. n)
              redis.call('SREM', KEYS[2], n)
            end
            """ + PUBLISH_CHANGES + "return own\n");

    /** KEYS = the shard's node set; ARGV = user, this node, the shard's presence prefix, its liveness prefix. */
    private static final LuaScript ELSEWHERE = LuaScript.of("""
            local total = 0
            for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if node ~= ARGV[2] and redis.call('EXISTS', ARGV[4] .. node) == 1 then
                local n = redis.call('HGET', ARGV[3] .. node, ARGV[1])
                if n then total = total + tonumber(n) end
              end
            end
            return total
            """);

    /** KEYS = the shard's node set; ARGV = user, this node, the shard's presence prefix, its liveness prefix. */
    private static final LuaScript HOLDERS = LuaScript.of("""
            local holders = {}
            for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if node ~= ARGV[2] and redis.call('EXISTS', ARGV[4] .. node) == 1 and redis.call('HEXISTS', ARGV[3] .. node, ARGV[1]) == 1 then
                table.insert(holders, node)
              end
            end
            return holders
            """);

    /**
     * KEYS = this node's hash of the shard, the shard's node set, this node's liveness key, the
     * shard's presence channel; ARGV = node, -, -, presence prefix.
     */
    private static final LuaScript REMOVE = LuaScript.of(ELSEWHERE_HELD + """
            local users = redis.call('HKEYS', KEYS[1])
            redis.call('DEL', KEYS[1], KEYS[3])
            redis.call('SREM', KEYS[2], ARGV[1])
            local members = redis.call('SMEMBERS', KEYS[2])
            local changes = {}
            for _, user in ipairs(users) do
              if not held(members, user, nil) then table.insert(changes, '-' .. user) end
            end
            """ + PUBLISH_CHANGES + "return 1\n");

    private final RedisLink link;
    private final KeyLayout keys;
    private final String node;
    private final String ttlMs;
    private final String hashTtlMs;

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
        this.hashTtlMs = Long.toString(HASH_TTLS * ttlMs);
    }

    /**
     * @param userId a user
     * @return this node's hash key of the user's shard
     */
    String key(long userId) {
        return keys.presence(keys.shard(userId), node);
    }

    /**
     * Writes counts into this node's hashes and renews their liveness, one script per shard touched
     * (and per {@value #CHUNK} users); the users who came online or went offline in the cluster by it
     * are published.
     *
     * @param counts  user id → sessions on this node; 0 removes the user
     * @param replace true when {@code counts} is everything this node has: every other user of this
     *                node is written with 0 (read from Redis first, one call per shard)
     * @return false when Redis was skipped or failed
     */
    boolean write(Map<Long, Integer> counts, boolean replace) {
        List<Map<Long, Integer>> byShard = new ArrayList<>(keys.shards());
        for (int s = 0; s < keys.shards(); s++) {
            byShard.add(new HashMap<>());
        }
        counts.forEach((user, n) -> byShard.get(keys.shard(user)).put(user, Math.max(0, n)));
        for (int s = 0; s < keys.shards(); s++) {
            if (replace && !addGone(s, byShard.get(s))) {
                return false;
            }
            if (!byShard.get(s).isEmpty() && !writeShard(s, byShard.get(s))) {
                return false;
            }
        }
        return true;
    }

    /** Adds a 0 for each user this node's hash of the shard holds and {@code counts} lacks. */
    private boolean addGone(int shard, Map<Long, Integer> counts) {
        String hash = keys.presence(shard, node);
        Optional<Set<String>> held = link.call(redis -> redis.hkeys(hash));
        held.ifPresent(users -> users.forEach(user -> counts.putIfAbsent(Long.parseLong(user), 0)));
        return held.isPresent();
    }

    private List<String> shardKeys(int shard) {
        return List.of(keys.presence(shard, node), keys.nodes(shard), keys.alive(shard, node), keys.presenceChannel(shard));
    }

    private boolean writeShard(int shard, Map<Long, Integer> counts) {
        List<String> shardKeys = shardKeys(shard);
        Iterator<Map.Entry<Long, Integer>> entries = counts.entrySet().iterator();
        while (entries.hasNext()) {
            List<String> args = new ArrayList<>(List.of(node, ttlMs, hashTtlMs, keys.presencePrefix(shard)));
            for (int n = 0; n < CHUNK && entries.hasNext(); n++) {
                Map.Entry<Long, Integer> entry = entries.next();
                args.add(Long.toString(entry.getKey()));
                args.add(Integer.toString(entry.getValue()));
            }
            if (link.call(redis -> WRITE.eval(redis, shardKeys, args)).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The heartbeat: renews this node's liveness and prunes dead nodes from every shard (publishing
     * the users who went offline with them), one script per shard.
     *
     * @param probe true to try even during an outage (and end it when Redis answers)
     * @return the shards where this node has no hash (it has no users there, or it was pruned while
     *         silent: then its users must be written again); empty when Redis was skipped or failed
     */
    Optional<BitSet> refresh(boolean probe) {
        BitSet missing = new BitSet(keys.shards());
        for (int s = 0; s < keys.shards(); s++) {
            List<String> shardKeys = shardKeys(s);
            List<String> args = List.of(node, ttlMs, hashTtlMs, keys.presencePrefix(s), keys.alivePrefix(s));
            Optional<Object> own = probe ? link.probe(redis -> REFRESH.eval(redis, shardKeys, args))
                    : link.call(redis -> REFRESH.eval(redis, shardKeys, args));
            if (own.isEmpty()) {
                return Optional.empty();
            }
            missing.set(s, !Long.valueOf(1).equals(own.get()));
        }
        return Optional.of(missing);
    }

    /**
     * @param userId a user
     * @return the user's live sessions on all other live nodes; empty when Redis was skipped or failed
     */
    Optional<Integer> sessionsElsewhere(long userId) {
        int shard = keys.shard(userId);
        return link.call(redis -> ELSEWHERE.eval(redis, List.of(keys.nodes(shard)),
                        List.of(Long.toString(userId), node, keys.presencePrefix(shard), keys.alivePrefix(shard))))
                .map(total -> total instanceof Long n ? n.intValue() : 0);
    }

    /**
     * @param userId a user
     * @return the other live nodes that hold sessions of the user; empty when Redis was skipped or failed
     */
    Optional<List<String>> holders(long userId) {
        int shard = keys.shard(userId);
        return link.call(redis -> HOLDERS.eval(redis, List.of(keys.nodes(shard)),
                        List.of(Long.toString(userId), node, keys.presencePrefix(shard), keys.alivePrefix(shard))))
                .map(reply -> ((List<?>) reply).stream().map(LuaScript::text).toList());
    }

    /**
     * A clean stop: this node's users leave the presence at once (those with no session elsewhere
     * are published as offline).
     *
     * @return false when Redis was skipped or failed
     */
    boolean remove() {
        boolean removed = true;
        for (int s = 0; s < keys.shards(); s++) {
            List<String> shardKeys = shardKeys(s);
            List<String> args = List.of(node, "-", "-", keys.presencePrefix(s));
            removed &= link.call(redis -> REMOVE.eval(redis, shardKeys, args)).isPresent();
        }
        return removed;
    }
}
