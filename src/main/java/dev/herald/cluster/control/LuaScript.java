package dev.herald.cluster.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One of Herald's Lua scripts, called by its SHA-1 ({@code EVALSHA}): the text crosses the network
 * only when Redis does not know it yet (first call, or after a restart or {@code SCRIPT FLUSH}), and
 * then by {@code EVAL}, which caches it for the next calls. Both route by the first key, so the same
 * call works on Redis Cluster.
 *
 * @param text the script
 * @param sha  its SHA-1, lower-case hex
 */
record LuaScript(String text, String sha) {

    /**
     * @param text the script
     * @return the script with its SHA-1
     */
    static LuaScript of(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return new LuaScript(text, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /**
     * @param redis the client
     * @param keys  the keys, all of one slot
     * @param args  the arguments
     * @return the script's reply
     */
    Object eval(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException unknown) {
            return redis.eval(text, keys, args); // loads it
        }
    }

    /**
     * @param reply a script's reply element (Jedis answers bulk strings as bytes)
     * @return it as text
     */
    static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
    }
}
