package dev.herald.cluster.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;

/**
 * Connect tickets shared by every node, with the per-user issuance limits kept for all nodes together.
 * One script per issue: it drops the user's expired tickets from {@code <prefix>:tickets-of:<user>} (a
 * sorted set of ticket hashes by expiry), refuses when the user holds {@code maxOutstanding} or has
 * been issued {@code perMinute} tickets in the window counted by {@code <prefix>:ticket-rate:<user>},
 * and otherwise does {@code SET <prefix>:ticket:<hash> userId NX EX ttl}. Use is {@code GETDEL} plus the
 * removal from the user's set, so a ticket issued by one node opens a session once, on any node. Keys
 * hold the SHA-256 of the ticket, never the ticket itself, so neither {@code KEYS} nor {@code MONITOR}
 * shows a usable ticket. Times come from Redis ({@code TIME}), so the nodes' clocks do not matter.
 */
final class RedisTickets {

    private static final String ISSUE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local ttl = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
            local max = tonumber(ARGV[3])
            if max > 0 and redis.call('ZCARD', KEYS[2]) >= max then
              local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
              return math.max(1, math.ceil((tonumber(oldest[2]) - now) / 1000))
            end
            local rate = tonumber(ARGV[4])
            if rate > 0 then
              local issued = redis.call('INCR', KEYS[3])
              if issued == 1 then redis.call('EXPIRE', KEYS[3], 60) end
              if issued > rate then return math.max(1, redis.call('TTL', KEYS[3])) end
            end
            if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ttl) then return -1 end
            redis.call('ZADD', KEYS[2], now + ttl * 1000, ARGV[5])
            redis.call('PEXPIRE', KEYS[2], ttl * 1000)
            return 0
            """;

    private static final String TAKE = """
            local user = redis.call('GETDEL', KEYS[1])
            if user then redis.call('ZREM', ARGV[1] .. user, ARGV[2]) end
            return user
            """;

    private final RedisLink link;
    private final String prefix;

    /**
     * @param link   the Redis client
     * @param prefix the key prefix
     */
    RedisTickets(RedisLink link, String prefix) {
        this.link = link;
        this.prefix = prefix;
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
        List<String> keys = List.of(prefix + ":ticket:" + hash, usersTickets(userId), prefix + ":ticket-rate:" + userId);
        List<String> args = List.of(Long.toString(userId), Long.toString(Math.max(1, ttlSeconds)), Integer.toString(maxOutstanding),
                Integer.toString(perMinute), hash);
        return link.call(redis -> redis.eval(ISSUE, keys, args))
                .filter(Long.class::isInstance)
                .map(Long.class::cast)
                .filter(verdict -> verdict >= 0)
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
    }

    /**
     * Uses a ticket up.
     *
     * @param ticket the ticket
     * @return its user; empty when unknown, expired, used, or when Redis was skipped or failed
     */
    OptionalLong take(String ticket) {
        String hash = hash(ticket);
        return link.call(redis -> redis.eval(TAKE, List.of(prefix + ":ticket:" + hash), List.of(prefix + ":tickets-of:", hash)))
                .filter(String.class::isInstance)
                .map(value -> {
                    try {
                        return OptionalLong.of(Long.parseLong((String) value));
                    } catch (NumberFormatException e) {
                        return OptionalLong.empty();
                    }
                })
                .orElse(OptionalLong.empty());
    }

    /**
     * @param userId a user
     * @return the key of the user's outstanding tickets
     */
    String usersTickets(long userId) {
        return prefix + ":tickets-of:" + userId;
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
