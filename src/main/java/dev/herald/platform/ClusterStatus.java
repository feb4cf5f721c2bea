package dev.herald.platform;

/** What this node knows of its cluster, for the counters and health (a CDI bean; on a single node: not enabled). */
public interface ClusterStatus {

    /** @return true in cluster mode ({@code herald.redis.uri} set) */
    boolean isEnabled();

    /** @return this node's id in the cluster, empty on a single node */
    String nodeId();

    /** @return true in cluster mode while Redis is known to be unreachable */
    boolean isRedisDown();

    /** @return true in cluster mode while this node receives the other nodes' publications */
    boolean isSubscribed();
}
