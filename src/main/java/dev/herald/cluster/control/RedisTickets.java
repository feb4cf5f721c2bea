package dev.herald.cluster.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import redis.clients.jedis.params.SetParams;

/**
 * Connect tickets shared by every node, with the per-user issuance limits kept for all nodes together.
 * The user's keys are in the user's shard, the ticket's in a slot of its own ({@link KeyLayout}), so
 * each step is one script or command on one slot (Redis Cluster). An issue is one script on the user's
 * slot: it drops the user's expired tickets from {@code tickets-of:<user>} (a sorted set of ticket
 * hashes by expiry), refuses when the user holds {@code maxOutstanding} or has been issued
 * {@code perMinute} tickets in the window counted by {@code ticket-rate:<user>}, and otherwise adds the
 * hash; then {@code SET <ticket key> userId NX EX ttl}. Use is {@code GETDEL} of the ticket's key,
 * then the removal from the user's set, so a ticket issued by one node opens a session once, on any node. Keys
 * hold the SHA-256 of the ticket, never the ticket itself, so neither {@code KEYS} nor {@code MONITOR}
 * shows a usable ticket. Times come from Redis ({@code TIME}), so the nodes' clocks do not matter.
 */
final class RedisTickets {

    /** KEYS = the user's tickets, the user's rate (the ticket's own key is in another slot); ARGV = user, ttl, max, rate, hash. */
    private static final LuaScript ISSUE = LuaScript.of("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local ttl = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            local max = tonumber(ARGV[3])
            if max > 0 and redis.call('ZCARD', KEYS[1]) >= max then
              local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
              return math.max(1, math.ceil((tonumber(oldest[2]) - now) / 1000))
            end
            local rate = tonumber(ARGV[4])
            if rate > 0 then
              local issued = redis.call('INCR', KEYS[2])
              if issued == 1 then redis.call('EXPIRE', KEYS[2], 60) end
              if issued > rate then return math.max(1, redis.call('TTL', KEYS[2])) end
            end
            if redis.call('ZSCORE', KEYS[1], ARGV[5]) then return -1 end
            redis.call('ZADD', KEYS[1], now + ttl * 1000, ARGV[5])
            redis.call('PEXPIRE', KEYS[1], ttl * 1000)
            return 0
            """);

    private final RedisLink link;
    private final KeyLayout keys;

    /**
     * @param link the Redis client
     * @param keys the key layout
     */
    RedisTickets(RedisLink link, KeyLayout keys) {
        this.link = link;
        this.keys = keys;
    }

    /**
     * @param ticket         the ticket
     * @param userId         the user it authenticates
     * @param ttlSeconds     how long it stays valid
     * @param maxOutstanding unused, unexpired tickets the user may hold (0: no cap)
     * @param perMinute      tickets the user may be issued per minute (0: no limit)
     * @return 0 when stored; the seconds until the user may ask again when a limit refused it; empty
     *         when Redis was skipped or failed, or the ticket exists already
     */
    OptionalLong store(String ticket, long userId, long ttlSeconds, int maxOutstanding, int perMinute) {
        String hash = hash(ticket);
        long ttl = Math.max(1, ttlSeconds);
        List<String> userKeys = List.of(keys.ticketsOf(userId), keys.ticketRate(userId));
        List<String> args = List.of(Long.toString(userId), Long.toString(ttl), Integer.toString(maxOutstanding),
                Integer.toString(perMinute), hash);
        OptionalLong verdict = link.call(redis -> ISSUE.eval(redis, userKeys, args))
                .filter(Long.class::isInstance)
                .map(Long.class::cast)
                .filter(v -> v >= 0)
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
        if (verdict.isEmpty() || verdict.getAsLong() > 0) {
            return verdict; // failed, or refused by a limit
        }
        if (link.call(redis -> redis.set(keys.ticket(hash), Long.toString(userId), SetParams.setParams().nx().ex(ttl))).isEmpty()) {
            link.call(redis -> redis.zrem(keys.ticketsOf(userId), hash)); // exists already, or Redis failed: not issued
            return OptionalLong.empty();
        }
        return verdict;
    }

    /**
     * Uses a ticket up.
     *
     * @param ticket the ticket
     * @return its user; empty when unknown, expired, used, or when Redis was skipped or failed
     */
    OptionalLong take(String ticket) {
        String hash = hash(ticket);
        OptionalLong user = link.call(redis -> redis.getDel(keys.ticket(hash)))
                .map(value -> {
                    try {
                        return OptionalLong.of(Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        return OptionalLong.empty();
                    }
                })
                .orElse(OptionalLong.empty());
        user.ifPresent(id -> link.call(redis -> redis.zrem(keys.ticketsOf(id), hash))); // no longer outstanding
        return user;
    }

    /**
     * @param userId a user
     * @return the key of the user's outstanding tickets
     */
    String usersTickets(long userId) {
        return keys.ticketsOf(userId);
    }

    private static String hash(String ticket) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
