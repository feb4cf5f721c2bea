package dev.herald.connections.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The writer threads ({@code herald.delivery.writer-threads}) that drain the {@link SessionSender}s
 * the cluster's subscriber queued on ({@link SessionSender#flushOn}): that one thread receives every
 * message another node published, so it only decodes and queues, and the writes (on Payara each pays
 * the container's idle-timer restart) run on several cores. What the application sends is still
 * written on its own thread: those are many (request threads, timers), so their writes already
 * spread over the cores, and a handoff would only add a queue hop and a wake-up per message. The
 * threads come from the container's {@code ManagedThreadFactory}, started when the first message
 * arrives, and end with the application: a handoff is a queue insert, where a
 * {@code ManagedExecutorService} submission would capture the container's context for every message
 * (on Payara Micro 30–64 µs of the handing thread's CPU against 0.2 µs or less, measured by the
 * benchmark WAR's {@code HandoffCostServlet}). With 0 threads, and after {@link #stop}, tasks run on
 * their caller.
 */
@ApplicationScoped
@Typed(Writers.class)
public class Writers implements Executor {

    private static final Logger LOG = Logger.getLogger(Writers.class.getName());
    private static final Runnable STOP = () -> { };
    private static final long STOP_WAIT_MS = 2000;

    @Resource
    ManagedThreadFactory factory;
    @Inject
    ConnectionsConfig config;

    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private volatile Thread[] threads = new Thread[0];
    private volatile boolean stopped;

    /** Creates the bean; CDI injects the thread factory and the settings, {@link #start} starts the threads. */
    public Writers() {
    }

    /**
     * Writers outside a container (unit tests, benchmarks); {@link #stop} ends them.
     *
     * @param factory makes the threads
     * @param count   how many; 0 runs every task on its caller
     */
    Writers(ThreadFactory factory, int count) {
        start(factory, count);
    }

    @PostConstruct
    void start() {
        start(factory, config.writerThreads());
    }

    private void start(ThreadFactory threadFactory, int count) {
        threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            String name = "herald-writer-" + (i + 1);
            threads[i] = threadFactory.newThread(() -> work(name));
            threads[i].start();
        }
    }

    /**
     * Hands a task (a sender's drain) to the next free writer thread; never blocks.
     *
     * @param task what to run
     */
    @Override
    public void execute(Runnable task) {
        if (threads.length == 0 || stopped) {
            task.run();
            return;
        }
        tasks.add(task);
        if (stopped && tasks.remove(task)) {
            run(task); // lost a race with stop(): the threads may have ended before taking it
        }
    }

    private void work(String name) {
        Thread.currentThread().setName(name);
        try {
            for (Runnable task = tasks.take(); task != STOP; task = tasks.take()) {
                run(task);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the container ends the thread: stop() runs what is left
        }
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A Herald writer task failed; the writer goes on", e);
        }
    }

    /**
     * On application stop: ends the threads once they ran what was handed to them before (waiting up
     * to 2 s for each), then runs on this thread what is left, so every sender handed over is drained
     * or settled.
     */
    @PreDestroy
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        for (int i = 0; i < threads.length; i++) {
            tasks.add(STOP);
        }
        try {
            for (Thread thread : threads) {
                thread.join(STOP_WAIT_MS);
                if (thread.isAlive()) {
                    LOG.warning(() -> thread.getName() + " did not end within " + STOP_WAIT_MS + " ms; interrupting it");
                    thread.interrupt();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runLeft();
    }

    private void runLeft() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            if (task != STOP) {
                run(task);
            }
        }
    }
}
