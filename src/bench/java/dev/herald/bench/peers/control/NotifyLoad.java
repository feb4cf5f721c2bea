package dev.herald.bench.peers.control;

import dev.herald.bench.peers.entity.BenchMessage;
import dev.herald.notifications.boundary.NotificationService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * P4's load: {@link NotificationService#notify} to random users from the calling thread, either as fast
 * as the calls return (throughput) or paced at a fixed rate (latency). In a cluster the users may be
 * connected to another node: each call delivers locally, publishes once through Redis and looks the
 * user up in the shared presence, as an application's {@code notifyFrontend} does.
 */
@ApplicationScoped
public class NotifyLoad {

    @Inject
    NotificationService notifications;

    /** Creates the driver. */
    public NotifyLoad() {
    }

    /**
     * @param users      target user ids are drawn from 1..users
     * @param run        run id stamped on every message
     * @param durationMs how long to send
     * @param rate       messages per second; 0: as fast as the calls return
     * @param size       message size in bytes
     * @return how many were sent and how many found their user connected (on any node), the start and
     *         end nanoTime
     */
    public JsonObject run(int users, long run, long durationMs, int rate, int size) {
        long interval = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
        long sent = 0;
        long reached = 0;
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
        long next = start;
        while (System.nanoTime() < deadline) {
            if (interval > 0) {
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            long user = 1 + ThreadLocalRandom.current().nextInt(users);
            if (notifications.notify(user, BenchMessage.now(run, ++sent, size)).delivered()) {
                reached++;
            }
        }
        return Json.createObjectBuilder()
                .add("sent", sent)
                .add("reached", reached)
                .add("startNanos", start)
                .add("endNanos", System.nanoTime())
                .build();
    }
}
