package dev.herald.cluster.control;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The node's sharded subscription ({@code SSUBSCRIBE}) to its channels: one blocking Jedis connection
 * of its own, read by one thread (a container-managed thread: run it from a
 * {@code ManagedThreadFactory}). When the connection drops it reports the outage and reconnects by
 * itself, waiting 50 ms, then twice as long each time, up to {@code herald.redis.retry-ms}. Liveness
 * is a message, not a ping: the node publishes {@link #HEARTBEAT} on one of these channels at every
 * heartbeat, and {@link #check} drops a connection that received nothing for too long (no FIN, e.g. a
 * frozen Redis), so the thread reconnects; {@link #stop} ends the thread.
 */
final class Subscriber implements Runnable {

    /** The heartbeat's text; never an envelope (an envelope starts with a node id, never with '!'). */
    static final String HEARTBEAT = "!heartbeat";

    private static final Logger LOG = Logger.getLogger(Subscriber.class.getName());
    private static final long FIRST_RETRY_MS = 50;

    private final RedisLink link;
    private final String[] channels;
    private final Consumer<String> receiver;
    private final long retryMs;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Connection connection;
    private volatile JedisShardedPubSub listener;
    private volatile long lastHeardNanos = System.nanoTime();
    private long backoffMs = FIRST_RETRY_MS;

    /**
     * @param link     the Redis client (connections, outage reporting)
     * @param channels the channels to read, all of one Redis (on Redis Cluster: of one primary)
     * @param receiver gets every published message but the heartbeat, on the subscriber thread; must not block
     * @param retryMs  longest wait between reconnect attempts
     */
    Subscriber(RedisLink link, List<String> channels, Consumer<String> receiver, long retryMs) {
        this.link = link;
        this.channels = channels.toArray(String[]::new);
        this.receiver = receiver;
        this.retryMs = retryMs;
    }

    @Override
    public void run() {
        Thread.currentThread().setName("herald-redis-subscriber");
        try {
            while (!isStopped()) {
                readUntilDisconnected();
                if (stopped.await(backoffMs, TimeUnit.MILLISECONDS)) {
                    break;
                }
                backoffMs = Math.min(retryMs, backoffMs * 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    private void readUntilDisconnected() {
        try (Connection c = link.connect("-sub")) {
            connection = c;
            JedisShardedPubSub l = new Listener();
            listener = l;
            l.proceed(c, channels); // returns when unsubscribed, throws when the connection drops
        } catch (JedisException e) {
            if (!isStopped()) {
                link.failed(e);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Herald's Redis subscriber failed; it reconnects", e);
        } finally {
            connection = null;
            listener = null;
        }
    }

    /** @return true once {@link #stop} was called */
    private boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /** @return true while subscribed */
    boolean isSubscribed() {
        JedisShardedPubSub l = listener;
        return l != null && l.isSubscribed();
    }

    /**
     * Drops the connection when it received nothing, heartbeat included, for longer than the limit,
     * so the thread reconnects.
     *
     * @param maxSilenceNanos how long a subscribed connection may go without a message
     */
    void check(long maxSilenceNanos) {
        JedisShardedPubSub l = listener;
        if (l != null && l.isSubscribed() && System.nanoTime() - lastHeardNanos > maxSilenceNanos) {
            LOG.info(() -> "Redis subscription at " + link.address() + " received no heartbeat; reconnecting");
            drop();
        }
    }

    private void drop() {
        Connection c = connection;
        if (c != null) {
            c.close(); // the blocked read fails and the thread reconnects
        }
    }

    /**
     * Ends the subscription and waits for the thread to finish.
     *
     * @param waitMs how long to wait
     * @return true when the thread has finished
     * @throws InterruptedException when interrupted while waiting
     */
    boolean stop(long waitMs) throws InterruptedException {
        stopped.countDown();
        drop();
        return finished.await(waitMs, TimeUnit.MILLISECONDS);
    }

    /** Receives on the subscriber thread. */
    private final class Listener extends JedisShardedPubSub {

        @Override
        public void onSSubscribe(String channel, int subscribedChannels) {
            lastHeardNanos = System.nanoTime();
            backoffMs = FIRST_RETRY_MS;
            link.reached();
        }

        @Override
        public void onSMessage(String channel, String message) {
            lastHeardNanos = System.nanoTime();
            if (HEARTBEAT.equals(message)) {
                return;
            }
            try {
                receiver.accept(message);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Delivering a message from another node failed", e);
            }
        }
    }
}
