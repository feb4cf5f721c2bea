package dev.herald.cluster.control;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Which node to read each shard channel from: on a standalone Redis all from the one Redis; on a Redis
 * Cluster from the primary serving the channel's slot, as {@code CLUSTER SLOTS} answers on the first
 * node that answers (the seed first, then the nodes known from before). A channel whose slot no
 * primary serves (a cluster mid-failover) goes to the seed, where its subscription fails and is
 * retried.
 */
final class ShardPlan {

    /** Slots up to {@code last} (from the map's key on) and their primary. */
    private record Range(int last, HostAndPort primary) {
    }

    private ShardPlan() {
    }

    /**
     * @param clients  how to reach Redis
     * @param known    nodes seen before, asked when the seed does not answer
     * @param channels the shard channels
     * @return node to the channels read from it, insertion-ordered
     * @throws JedisException when no node answers
     */
    static Map<HostAndPort, Set<String>> read(RedisClients clients, Collection<HostAndPort> known, Set<String> channels) {
        if (!clients.isCluster()) {
            return Map.of(clients.seed(), Set.copyOf(channels));
        }
        Set<HostAndPort> candidates = new LinkedHashSet<>();
        candidates.add(clients.seed());
        candidates.addAll(known);
        JedisException last = null;
        for (HostAndPort node : candidates) {
            try (Connection connection = clients.connect(node, "-slots"); Jedis jedis = new Jedis(connection)) {
                return assign(clients.seed(), owners(node, jedis.clusterSlots()), channels);
            } catch (JedisException e) {
                last = e;
            }
        }
        throw last != null ? last : new JedisConnectionException("no Redis Cluster node to ask");
    }

    /**
     * @param asked the node that answered, for an entry without an endpoint
     * @param slots the {@code CLUSTER SLOTS} answer
     * @return first slot of each range to its last slot and primary
     */
    private static TreeMap<Integer, Range> owners(HostAndPort asked, List<Object> slots) {
        TreeMap<Integer, Range> owners = new TreeMap<>();
        for (Object entry : slots) {
            List<?> range = (List<?>) entry;
            List<?> primary = (List<?>) range.get(2);
            String host = primary.get(0) instanceof byte[] raw ? SafeEncoder.encode(raw) : String.valueOf(primary.get(0));
            if (host.isEmpty() || "?".equals(host)) {
                host = asked.getHost();
            }
            HostAndPort node = new HostAndPort(host, ((Long) primary.get(1)).intValue());
            owners.put(((Long) range.get(0)).intValue(), new Range(((Long) range.get(1)).intValue(), node));
        }
        return owners;
    }

    private static Map<HostAndPort, Set<String>> assign(HostAndPort seed, TreeMap<Integer, Range> owners, Set<String> channels) {
        Map<HostAndPort, Set<String>> plan = new LinkedHashMap<>();
        for (String channel : channels) {
            int slot = JedisClusterCRC16.getSlot(channel);
            Map.Entry<Integer, Range> range = owners.floorEntry(slot);
            HostAndPort node = range != null && slot <= range.getValue().last() ? range.getValue().primary() : seed;
            plan.computeIfAbsent(node, n -> new LinkedHashSet<>()).add(channel);
        }
        return plan;
    }
}
