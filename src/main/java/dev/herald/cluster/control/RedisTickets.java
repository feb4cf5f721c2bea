package dev.herald.cluster.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.OptionalLong;
import redis.clients.jedis.params.SetParams;

/**
 * Connect tickets shared by every node: {@code SET <prefix>:ticket:<hash> userId NX EX ttl} on issue,
 * {@code GETDEL} on use, so a ticket issued by one node opens a session once, on any node. The key holds
 * the SHA-256 of the ticket, never the ticket itself, so neither {@code KEYS} nor {@code MONITOR}
 * shows a usable ticket.
 */
final class RedisTickets {

    private final RedisLink link;
    private final String prefix;

    /**
     * @param link   the Redis client
     * @param prefix the key prefix
     */
    RedisTickets(RedisLink link, String prefix) {
        this.link = link;
        this.prefix = prefix + ":ticket:";
    }

    /**
     * @param ticket     the ticket
     * @param userId     the user it authenticates
     * @param ttlSeconds how long it stays valid
     * @return true when stored; false when Redis was skipped or failed, or the ticket exists already
     */
    boolean store(String ticket, long userId, long ttlSeconds) {
        String key = key(ticket);
        return link.call(redis -> redis.set(key, Long.toString(userId), SetParams.setParams().nx().ex(Math.max(1, ttlSeconds))))
                .filter("OK"::equals)
                .isPresent();
    }

    /**
     * Uses a ticket up.
     *
     * @param ticket the ticket
     * @return its user; empty when unknown, expired, used, or when Redis was skipped or failed
     */
    OptionalLong take(String ticket) {
        String key = key(ticket);
        return link.call(redis -> redis.getDel(key))
                .map(value -> {
                    try {
                        return OptionalLong.of(Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        return OptionalLong.empty();
                    }
                })
                .orElse(OptionalLong.empty());
    }

    private String key(String ticket) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.UTF_8));
            return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
