package dev.herald.cluster.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * One connection to one node, subscribed with one {@code SSUBSCRIBE} per slot to the shard channels
 * {@link ShardedSubscriptions} assigns it, read by one thread. When the connection drops, the node
 * answers MOVED or the node unsubscribes channels by itself (their slot moved away, the node became a
 * replica), it asks the manager to refresh the slot map, which re-assigns or retires it; between
 * attempts it waits 50 ms, then twice as long each time, up to {@code herald.redis.retry-ms}.
 * Commands on the connection are written under the listener's monitor (the thread and the manager
 * both write); only the thread reads.
 */
final class ShardReader implements Runnable {

    private static final Logger LOG = Logger.getLogger(ShardReader.class.getName());
    private static final long FIRST_RETRY_MS = 50;

    private final ShardedSubscriptions owner;
    private final HostAndPort node;
    private final long retryMs;
    private final CountDownLatch retired = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    private volatile Set<String> assigned;
    private volatile Connection connection;
    private volatile Listener listener;
    private volatile long lastMessageNanos = System.nanoTime();
    private long backoffMs = FIRST_RETRY_MS;

    /**
     * @param owner    the manager: clients, receiver, outage reporting, refresh
     * @param node     the node to read
     * @param channels the channels to read there
     * @param retryMs  longest wait between two attempts
     */
    ShardReader(ShardedSubscriptions owner, HostAndPort node, Set<String> channels, long retryMs) {
        this.owner = owner;
        this.node = node;
        this.assigned = Set.copyOf(channels);
        this.retryMs = retryMs;
    }

    @Override
    public void run() {
        Thread.currentThread().setName("herald-redis-shard-" + node);
        try {
            while (!isRetired()) {
                readUntilDisconnected();
                if (retired.await(backoffMs, TimeUnit.MILLISECONDS)) {
                    break;
                }
                backoffMs = Math.min(retryMs, backoffMs * 2);
                owner.refresh(); // may re-assign or retire this reader
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
            owner.ended(this);
        }
    }

    private void readUntilDisconnected() {
        try (Connection c = owner.clients().connect(node, "-ssub")) {
            connection = c;
            if (isRetired()) {
                return;
            }
            Listener l = new Listener();
            List<List<String>> slots = bySlot(assigned);
            if (slots.isEmpty()) {
                return;
            }
            l.requested.addAll(slots.get(0));
            l.proceed(c, slots.get(0).toArray(String[]::new)); // returns when nothing is subscribed any more
        } catch (JedisConnectionException e) {
            if (!isRetired()) {
                owner.link().failed(e);
            }
        } catch (JedisDataException e) { // MOVED, CLUSTERDOWN: the slot map changed
            LOG.log(Level.FINE, e, () -> "Shard subscription at " + node + " refused; refreshing the slot map");
        } catch (JedisException | IllegalStateException e) {
            if (!isRetired()) {
                LOG.log(Level.WARNING, "Herald's shard subscription at " + node + " failed; it reconnects", e);
            }
        } finally {
            connection = null;
            listener = null;
            subscribed.clear();
        }
    }

    private static List<List<String>> bySlot(Set<String> channels) {
        Map<Integer, List<String>> slots = new LinkedHashMap<>();
        channels.forEach(channel -> slots.computeIfAbsent(JedisClusterCRC16.getSlot(channel), s -> new ArrayList<>()).add(channel));
        return new ArrayList<>(slots.values());
    }

    /** @return the node read */
    HostAndPort node() {
        return node;
    }

    /** @return the channels assigned */
    Set<String> assigned() {
        return assigned;
    }

    /**
     * Sets the channels to read: subscribes the new ones and unsubscribes the others on the live
     * connection, if any (else the next connection subscribes them).
     *
     * @param channels the channels this node serves now
     */
    void assign(Set<String> channels) {
        assigned = Set.copyOf(channels);
        Listener l = listener;
        if (l != null) {
            try {
                l.sync();
            } catch (JedisException e) { // the connection broke meanwhile: the thread reconnects with the new channels
                drop();
            }
        }
    }

    /** @return true while subscribed to every channel assigned */
    boolean isSubscribed() {
        return listener != null && subscribed.containsAll(assigned);
    }

    /**
     * Drops the connection when it is subscribed and received nothing for longer than the limit, so
     * that the thread reconnects.
     *
     * @param maxSilenceNanos how long the connection may stay silent
     */
    void check(long maxSilenceNanos) {
        if (listener == null) {
            return;
        }
        if (System.nanoTime() - lastMessageNanos > maxSilenceNanos) {
            LOG.info(() -> "Shard subscription at " + node + " received no heartbeat; reconnecting");
            drop();
        }
    }

    private void drop() {
        Connection c = connection;
        if (c != null) {
            c.close(); // the blocked read fails and the thread goes on
        }
    }

    /** Ends the thread: drops the connection and cuts a wait short. */
    void retire() {
        retired.countDown();
        drop();
    }

    private boolean isRetired() {
        return retired.getCount() == 0;
    }

    /**
     * @param waitMs how long to wait
     * @return true when the thread has finished
     * @throws InterruptedException when interrupted while waiting
     */
    boolean awaitFinished(long waitMs) throws InterruptedException {
        return finished.await(waitMs, TimeUnit.MILLISECONDS);
    }

    /** Receives on the reader thread. */
    private final class Listener extends JedisShardedPubSub {

        /** Channels SSUBSCRIBEd on this connection and not SUNSUBSCRIBEd by us; guarded by this. */
        private final Set<String> requested = new LinkedHashSet<>();

        /** Brings the connection's subscriptions to the assigned channels. */
        synchronized void sync() {
            Set<String> wanted = assigned;
            Set<String> missing = new LinkedHashSet<>(wanted);
            missing.removeAll(requested);
            for (List<String> slot : bySlot(missing)) {
                ssubscribe(slot.toArray(String[]::new));
                requested.addAll(slot);
            }
            List<String> extra = requested.stream().filter(channel -> !wanted.contains(channel)).toList();
            if (!extra.isEmpty()) {
                sunsubscribe(extra.toArray(String[]::new));
                extra.forEach(requested::remove);
            }
        }

        @Override
        public void onSSubscribe(String channel, int subscribedChannels) {
            subscribed.add(channel);
            lastMessageNanos = System.nanoTime();
            if (listener == null) { // the first confirmation on this connection
                listener = this;
                backoffMs = FIRST_RETRY_MS;
                owner.link().reached();
                sync();
            }
        }

        @Override
        public void onSUnsubscribe(String channel, int subscribedChannels) {
            subscribed.remove(channel);
            boolean ours;
            synchronized (this) {
                ours = !requested.contains(channel);
                requested.remove(channel);
            }
            if (!ours && subscribedChannels > 0) { // the node dropped it: its slot moved
                LOG.fine(() -> "Redis at " + node + " unsubscribed " + channel + "; refreshing the slot map");
                if (!owner.refresh()) {
                    drop();
                }
            } // with no channel left, proceed returns and the thread refreshes
        }

        @Override
        public void onSMessage(String channel, String message) {
            lastMessageNanos = System.nanoTime();
            owner.deliver(message);
        }
    }
}
