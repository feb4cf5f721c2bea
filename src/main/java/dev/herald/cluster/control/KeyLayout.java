package dev.herald.cluster.control;

import dev.herald.messages.entity.StreamKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Herald's key and channel names in Redis, laid out for Redis Cluster: every script touches the keys
 * of one hash slot only. Users are spread over {@code herald.cluster.shards} shards by a fixed
 * function of the id ({@link #shard(long)}); everything of shard {@code s} carries the hash tag
 * {@code {<prefix>:s}}: the users' {@code herald.v1} streams and their meta hashes, the shard's
 * generation, each node's presence hash and liveness key for the shard, the shard's node set, each
 * node's channel for the shard and the shard's presence channel. Groups and topics are spread over
 * the same shards by name ({@link #shard(StreamKey.Named)}): a group's stream, meta and node hash
 * carry its shard's tag. The broadcast stream carries the tag {@code {<prefix>:b}}, with its
 * generation and the channel every node reads. Examples with prefix {@code herald}: {@code herald:{herald:7}:h:u123},
 * {@code herald:{herald:7}:presence:node-a}, {@code herald:{herald:7}:to:node-a},
 * {@code herald:{herald:b}:deliver}.
 */
final class KeyLayout {

    /** Between a node hash's key and a node id: that node's users of the stream (the scripts build it too). */
    static final String USERS_INFIX = "#";

    private final String prefix;
    private final int shards;
    private final String broadcastTag;
    private final String[] shardBases; // built once: a notify names four keys of its shard

    /**
     * @param prefix {@code herald.redis.key-prefix}
     * @param shards {@code herald.cluster.shards}, the same on every node
     */
    KeyLayout(String prefix, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1: " + shards);
        }
        this.prefix = prefix;
        this.shards = shards;
        this.broadcastTag = "{" + prefix + ":b}";
        this.shardBases = new String[shards];
        for (int shard = 0; shard < shards; shard++) {
            shardBases[shard] = prefix + ":{" + prefix + ":" + shard + "}:";
        }
    }

    /** @return how many shards the users are spread over */
    int shards() {
        return shards;
    }

    /**
     * A fixed function of the id (the 64-bit finalizer of MurmurHash3, modulo the shard count), the
     * same on every node and every start.
     *
     * @param userId a user
     * @return the user's shard, 0 to {@code shards - 1}
     */
    int shard(long userId) {
        long h = userId;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) Math.floorMod(h, (long) shards);
    }

    private String shardBase(int shard) {
        return shardBases[shard];
    }

    /**
     * A fixed function of the name, as {@link #shard(long)} of its {@code String.hashCode()}.
     *
     * @param stream a group or topic
     * @return its shard: its stream, meta and node hash live in that shard's slot, and it is published
     *         on the nodes' channels of that shard
     */
    int shard(StreamKey.Named stream) {
        return shard((long) stream.shortName().hashCode());
    }

    /** @return the start of every key of the stream's slot: {@code <prefix>:<tag>:} */
    private String base(StreamKey stream) {
        if (stream instanceof StreamKey.User user) {
            return shardBase(shard(user.id()));
        }
        return stream instanceof StreamKey.Named named ? shardBase(shard(named)) : prefix + ":" + broadcastTag + ":";
    }

    /**
     * @param stream a group or topic
     * @return the hash of the nodes it is published to (node id → 1): those with a member or
     *         subscriber session, written by each node for itself (and by a {@code join}'s node for
     *         the nodes that hold the user)
     */
    String interest(StreamKey.Named stream) {
        return base(stream) + "in:" + stream.shortName();
    }

    /**
     * @param stream a group or topic
     * @param node   a node in its node hash
     * @return the set of that node's users of it (on the node hash's slot: {@link #interest} + {@code #} + node: no group or topic name holds a {@code #})
     */
    String interestUsers(StreamKey.Named stream, String node) {
        return interest(stream) + USERS_INFIX + node;
    }

    /**
     * @param stream a stream
     * @return its Redis stream of recorded messages
     */
    String history(StreamKey stream) {
        return base(stream) + "h:" + stream.shortName();
    }

    /**
     * @param stream a stream
     * @return its meta hash (epoch, last seq, generation); {@code #m}, as no name holds a {@code #} (a group
     *         {@code team:m} has a stream of its own, never this one of {@code team})
     */
    String meta(StreamKey stream) {
        return history(stream) + "#m";
    }

    /**
     * @param stream a stream
     * @return the generation of its slot, bumped after an outage that lost messages
     */
    String generation(StreamKey stream) {
        return base(stream) + "h:gen";
    }

    /** @return every generation key: one per shard and the broadcast's */
    List<String> generations() {
        List<String> keys = new ArrayList<>(shards + 1);
        for (int s = 0; s < shards; s++) {
            keys.add(shardBase(s) + "h:gen");
        }
        keys.add(generation(StreamKey.BROADCAST));
        return keys;
    }

    /**
     * @param shard a shard
     * @param node  a node id
     * @return the node's presence hash for the shard (user id → live sessions there)
     */
    String presence(int shard, String node) {
        return presencePrefix(shard) + node;
    }

    /**
     * @param shard a shard
     * @return the start of the shard's presence hashes, followed by a node id
     */
    String presencePrefix(int shard) {
        return shardBase(shard) + "presence:";
    }

    /**
     * @param shard a shard
     * @param node  a node id
     * @return the node's liveness key for the shard: it expires a presence TTL after the node's last
     *         write or heartbeat, and a node set member without it is dead
     */
    String alive(int shard, String node) {
        return alivePrefix(shard) + node;
    }

    /**
     * @param shard a shard
     * @return the start of the shard's liveness keys, followed by a node id
     */
    String alivePrefix(int shard) {
        return shardBase(shard) + "alive:";
    }

    /**
     * @param shard a shard
     * @return the channel every node reads for the shard's users coming online in the cluster and
     *         going offline everywhere
     */
    String presenceChannel(int shard) {
        return shardBase(shard) + "online";
    }

    /**
     * @param shard a shard
     * @return the set of nodes whose presence hash for the shard may exist
     */
    String nodes(int shard) {
        return shardBase(shard) + "nodes";
    }

    /**
     * @param shard a shard
     * @param node  a node id
     * @return the node's channel for the shard's targeted messages
     */
    String channel(int shard, String node) {
        return channelPrefix(shard) + node;
    }

    /**
     * @param shard a shard
     * @return the start of the shard's node channels, followed by a node id
     */
    String channelPrefix(int shard) {
        return shardBase(shard) + "to:";
    }

    /** @return the channel every node reads: broadcasts and requests to all nodes */
    String broadcastChannel() {
        return prefix + ":" + broadcastTag + ":deliver";
    }

    /**
     * @param node a node id
     * @return every channel the node reads: its channel of each shard, each shard's presence
     *         channel, then the broadcast channel
     */
    List<String> channelsOf(String node) {
        List<String> channels = new ArrayList<>(2 * shards + 1);
        for (int s = 0; s < shards; s++) {
            channels.add(channel(s, node));
        }
        for (int s = 0; s < shards; s++) {
            channels.add(presenceChannel(s));
        }
        channels.add(broadcastChannel());
        return channels;
    }

    /**
     * @param ticketHash the SHA-256 of a ticket
     * @return the ticket's key, in a slot of its own (tagged by the hash: the user is not known at use)
     */
    String ticket(String ticketHash) {
        return prefix + ":{" + prefix + ":t:" + ticketHash + "}:ticket";
    }

    /**
     * @param userId a user
     * @return the user's outstanding tickets (hash → expiry), in the user's shard
     */
    String ticketsOf(long userId) {
        return shardBase(shard(userId)) + "tickets-of:" + userId;
    }

    /**
     * @param userId a user
     * @return the user's issue count of the current minute, in the user's shard
     */
    String ticketRate(long userId) {
        return shardBase(shard(userId)) + "ticket-rate:" + userId;
    }
}
