package dev.herald.cluster.control;

/**
 * Requests from one node to all others on Herald's delivery channel, for what is not a message: today
 * "close this user's sessions" ({@link Envelope#disconnect}). Not a CDI bean, so that nothing CDI
 * scans refers to Jedis types (single-node and drop-in applications run without Jedis).
 */
final class RedisControl {

    private final RedisLink link;
    private final String channel;
    private final String nodeId;

    /**
     * @param link    the Redis client
     * @param channel the delivery channel
     * @param nodeId  this node's id, the envelope's origin
     */
    RedisControl(RedisLink link, String channel, String nodeId) {
        this.link = link;
        this.channel = channel;
        this.nodeId = nodeId;
    }

    /**
     * @param userId the user whose sessions every other node closes
     * @return false when Redis could not be reached
     */
    boolean disconnect(long userId) {
        String wire = Envelope.disconnect(nodeId, userId).encode();
        return link.call(redis -> redis.publish(channel, wire)).isPresent();
    }
}
