package dev.herald.cluster.control;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The node's subscription to Herald's channel: one blocking Jedis connection of its own, read by one
 * thread (a container-managed thread: run it from a {@code ManagedThreadFactory}). When the connection
 * drops it reports the outage and reconnects by itself, waiting 50 ms, then twice as long each time,
 * up to {@code herald.redis.retry-ms}. {@link #check} pings the connection so that a silently dead one
 * (no FIN, e.g. a frozen Redis) is noticed and replaced; {@link #stop} ends the thread.
 */
final class Subscriber implements Runnable {

    private static final Logger LOG = Logger.getLogger(Subscriber.class.getName());
    private static final long FIRST_RETRY_MS = 50;

    private final RedisLink link;
    private final String channel;
    private final Consumer<String> receiver;
    private final long retryMs;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Connection connection;
    private volatile JedisPubSub listener;
    private volatile long lastPongNanos = System.nanoTime();
    private long backoffMs = FIRST_RETRY_MS;

    /**
     * @param link     the Redis client (connections, outage reporting)
     * @param channel  the channel to read
     * @param receiver gets every published message, on the subscriber thread; must not block
     * @param retryMs  longest wait between reconnect attempts
     */
    Subscriber(RedisLink link, String channel, Consumer<String> receiver, long retryMs) {
        this.link = link;
        this.channel = channel;
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
            JedisPubSub l = new Listener();
            listener = l;
            while (!isStopped()) {
                try {
                    l.proceed(c, channel); // returns when unsubscribed, throws when the connection drops
                    return;
                } catch (JedisException e) {
                    if (!isPongRace(e, c)) {
                        throw e;
                    }
                    // still subscribed, nothing lost: read on (a reconnect would lose what is published meanwhile)
                }
            }
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

    /**
     * Jedis 8.0.2's {@code JedisPubSub.ping()} flushes the PING before it queues the handler of its
     * reply, so this thread may read the PONG first and throw "Unexpected message : PONG". The
     * connection and its subscription are intact then.
     */
    private static boolean isPongRace(JedisException e, Connection c) {
        return !(e instanceof JedisConnectionException) && !c.isBroken()
                && String.valueOf(e.getMessage()).startsWith("Unexpected message : PONG");
    }

    /** @return true once {@link #stop} was called */
    private boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /** @return true while subscribed */
    boolean isSubscribed() {
        JedisPubSub l = listener;
        return l != null && l.isSubscribed();
    }

    /**
     * Pings the subscription, or drops its connection when the last pong is older than the limit, so
     * the thread reconnects.
     *
     * @param maxSilenceNanos how long a subscribed connection may go without a pong
     */
    void check(long maxSilenceNanos) {
        JedisPubSub l = listener;
        if (l == null || !l.isSubscribed()) {
            return;
        }
        if (System.nanoTime() - lastPongNanos > maxSilenceNanos) {
            LOG.info(() -> "Redis subscription at " + link.address() + " answers no ping; reconnecting");
            drop();
            return;
        }
        try {
            l.ping();
        } catch (JedisException | IllegalStateException e) {
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
    private final class Listener extends JedisPubSub {

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            lastPongNanos = System.nanoTime();
            backoffMs = FIRST_RETRY_MS;
            link.reached();
        }

        @Override
        public void onMessage(String channel, String message) {
            try {
                receiver.accept(message);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Delivering a message from another node failed", e);
            }
        }

        @Override
        public void onPong(String pattern) {
            lastPongNanos = System.nanoTime();
        }
    }
}
