package dev.herald.bench.peers.boundary;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What one handoff of a task costs the handing thread in this container (issue 17, docs/performance.md):
 * a {@code ManagedExecutorService} submission (which captures the container's context each time)
 * against a queue insert taken by a thread that {@code ManagedThreadFactory} made once (Herald's
 * {@code Writers}). The handing thread is itself a {@code ManagedThreadFactory} thread, as the Redis
 * subscriber is. {@code GET /bench-handoff?tasks=20000&rounds=5} answers one line per round and kind:
 * CPU and wall time per task on the handing thread, and the wall time until every task ran.
 */
@WebServlet("/bench-handoff")
public class HandoffCostServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Runnable STOP = () -> { };

    @Resource
    private transient ManagedExecutorService executor;
    @Resource
    private transient ManagedThreadFactory threads;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int tasks = Integer.parseInt(request.getParameter("tasks") == null ? "20000" : request.getParameter("tasks"));
        int rounds = Integer.parseInt(request.getParameter("rounds") == null ? "5" : request.getParameter("rounds"));
        StringBuilder out = new StringBuilder();
        Thread caller = threads.newThread(() -> {
            for (int round = 1; round <= rounds; round++) {
                out.append(measure("ManagedExecutorService.execute", round, tasks, executor));
                LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
                Thread worker = threads.newThread(() -> work(queue)); // made once per application in Herald: not measured
                worker.start();
                out.append(measure("queue to a ManagedThreadFactory thread", round, tasks, queue::add));
                queue.add(STOP);
            }
        });
        caller.start();
        try {
            caller.join(TimeUnit.MINUTES.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        response.setContentType("text/plain");
        response.getWriter().print(out);
    }

    private static void work(LinkedBlockingQueue<Runnable> queue) {
        try {
            for (Runnable task = queue.take(); task != STOP; task = queue.take()) {
                task.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String measure(String kind, int round, int tasks, Executor handoff) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        CountDownLatch done = new CountDownLatch(tasks);
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            handoff.execute(done::countDown);
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        try {
            if (!done.await(2, TimeUnit.MINUTES)) {
                return kind + " round " + round + ": the tasks did not finish\n";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return kind + " interrupted\n";
        }
        long all = System.nanoTime() - wall0;
        return String.format(Locale.ROOT, "%s, round %d: handing thread %.2f us CPU and %.2f us wall per task; all %d ran after %.1f ms (%.0f tasks/s)%n",
                kind, round, cpu / 1000.0 / tasks, wall / 1000.0 / tasks, tasks, all / 1e6, tasks * 1e9 / all);
    }
}
