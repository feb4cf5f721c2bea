package dev.herald.bench.peers.control;

import dev.herald.bench.peers.entity.BenchMessage;
import dev.herald.notifications.boundary.NotificationService;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * P4's load: {@link NotificationService#notify} to random users from the calling thread or from several
 * managed threads at once, either as fast as the calls return (throughput) or paced at a fixed rate
 * (latency). In a cluster the users may be
 * connected to another node: each call delivers locally, publishes once through Redis and looks the
 * user up in the shared presence, as an application's {@code notifyFrontend} does.
 */
@ApplicationScoped
public class NotifyLoad {

    @Inject
    NotificationService notifications;
    @Resource
    ManagedThreadFactory threads;

    /** Creates the driver. */
    public NotifyLoad() {
    }

    /**
     * @param users      target user ids are drawn from 1..users
     * @param run        run id stamped on every message
     * @param durationMs how long to send
     * @param rate       messages per second of all senders together; 0: as fast as the calls return
     * @param size       message size in bytes
     * @param senders    sending threads: 1 is the calling thread, more are the container's managed threads
     * @return how many were sent and how many found their user connected (on any node), the start and
     *         end nanoTime
     * @throws InterruptedException when interrupted while the senders run
     */
    public JsonObject run(int users, long run, long durationMs, int rate, int size, int senders) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
        long interval = rate > 0 ? TimeUnit.SECONDS.toNanos(1) * senders / rate : 0;
        LongAdder sent = new LongAdder();
        LongAdder reached = new LongAdder();
        AtomicLong sequence = new AtomicLong();
        Runnable sender = () -> send(users, run, size, deadline, interval, sequence, sent, reached);
        if (senders <= 1) {
            sender.run();
        } else {
            List<Thread> running = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                Thread thread = threads.newThread(sender);
                running.add(thread);
                thread.start();
            }
            for (Thread thread : running) {
                thread.join();
            }
        }
        return Json.createObjectBuilder()
                .add("sent", sent.sum())
                .add("reached", reached.sum())
                .add("senders", senders)
                .add("startNanos", start)
                .add("endNanos", System.nanoTime())
                .build();
    }

    private void send(int users, long run, int size, long deadline, long interval, AtomicLong sequence,
                      LongAdder sent, LongAdder reached) {
        long next = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (interval > 0) {
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            long user = 1 + ThreadLocalRandom.current().nextInt(users);
            sent.increment();
            if (notifications.notify(user, BenchMessage.now(run, sequence.incrementAndGet(), size)).delivered()) {
                reached.increment();
            }
        }
    }
}
