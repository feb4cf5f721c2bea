package dev.herald.connections.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.RecoveryConfig;
import dev.herald.stats.control.HeraldStats;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the cluster's subscriber hands over is written by the writer threads, in order, within the limits. */
class WritersTest {

    private final HeraldStats stats = new HeraldStats();
    private final ConnectionsConfig config = new ConnectionsConfig(1 << 20, 10_000, 25_000, 0, 100, 16);
    private final WebSocketManager manager = new WebSocketManager(new MessageCodec(), config, new RecoveryConfig(), stats, Runnable::run, e -> { });
    private final Writers writers = new Writers(Thread::new, 3);
    private final ExecutorService completions = Executors.newFixedThreadPool(2);

    WritersTest() {
        manager.writers = writers;
    }

    @AfterEach
    void stop() {
        writers.stop();
        completions.shutdownNow();
    }

    private FakeSession connect(long userId) {
        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        manager.connect(userId, fake.session).orElseThrow();
        return fake;
    }

    private static boolean onlyWriters(FakeSession fake) {
        return !fake.writingThreads.isEmpty()
                && fake.writingThreads.stream().allMatch(t -> t.getName().startsWith("herald-writer-"));
    }

    @Test
    void theSubscribersThreadOnlyQueuesTheWritersWrite() {
        FakeSession plain = connect(1);
        RecoveryTest.Client v1 = new RecoveryTest.Client();
        manager.connectV1(2, v1.fake.session, null, null).orElseThrow();
        String epoch = v1.read().get(0).getJsonObject("user").getString("epoch"); // the welcome, queued by the connect
        v1.fake.writingThreads.clear();

        Delivery toPlain = manager.sendPlainLocal(StreamKey.user(1), OutboundMessage.of("{\"n\":1}"));
        Delivery toV1 = manager.deliverRelayed(StreamKey.user(2), epoch, 1, "{\"n\":1}");

        assertEquals(1, toPlain.sessions());
        assertEquals(1, toV1.sessions());
        assertEquals(1, toPlain.join());
        assertEquals(1, toV1.join());
        assertEquals(List.of("{\"n\":1}"), plain.texts);
        List<JsonObject> frames = v1.read();
        assertEquals(1, frames.get(0).getInt("seq"));
        assertTrue(onlyWriters(plain), "written by " + plain.writingThreads);
        assertTrue(onlyWriters(v1.fake), "written by " + v1.fake.writingThreads);
        assertFalse(plain.writingThreads.contains(Thread.currentThread()));

        FakeSession local = connect(3);
        manager.sendMessage(3, "\"mine\"");
        assertEquals(List.of(Thread.currentThread()), List.copyOf(local.writingThreads), "the application's sends are written on its thread");
    }

    @Test
    void eachSessionKeepsEachCallersOrderWithSeveralWritersAndCallers() throws Exception {
        int sessions = 6;
        int callers = 4;
        int perCaller = 1500;
        List<FakeSession> fakes = new ArrayList<>();
        List<SessionSender> senders = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            FakeSession fake = new FakeSession(s % 2 == 0 ? FakeSession.Mode.INLINE : FakeSession.Mode.EXECUTOR);
            fake.executor = completions; // odd sessions complete on another thread, as a container may
            fakes.add(fake);
            senders.add(new SessionSender(new WebSocketTransport(fake.session), Long.MAX_VALUE, stats, (reason, cause) -> { }));
        }
        CyclicBarrier start = new CyclicBarrier(callers);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int caller = c;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    return;
                }
                for (int i = 0; i < perCaller; i++) {
                    for (SessionSender sender : senders) {
                        Delivery delivery = new Delivery();
                        delivery.expect();
                        sender.offer(OutboundMessage.of("\"" + caller + ":" + i + "\""), delivery);
                        sender.flushOn(writers);
                    }
                }
            }, "caller-" + c);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        for (FakeSession fake : fakes) {
            await().atMost(Duration.ofSeconds(30)).until(() -> fake.texts.size() == callers * perCaller);
            assertEquals(1, fake.maxConcurrentWrites.get(), "never two writes in flight on one session");
            int[] next = new int[callers];
            synchronized (fake.texts) {
                for (String text : fake.texts) {
                    String[] parts = text.replace("\"", "").split(":");
                    int caller = Integer.parseInt(parts[0]);
                    assertEquals(next[caller]++, Integer.parseInt(parts[1]), fake.id + ": caller " + caller + " out of order");
                }
            }
            assertTrue(fake.writingThreads.stream().noneMatch(threads::contains), "a caller wrote: " + fake.writingThreads);
        }
        assertTrue(senders.stream().allMatch(SessionSender::isIdle));
    }

    @Test
    void aSlowConsumerIsStillClosed4000() {
        FakeSession slow = new FakeSession(FakeSession.Mode.MANUAL); // the client never reads
        manager.connect(1, slow.session).orElseThrow();
        FakeSession healthy = connect(2);
        String padding = "x".repeat(10_000);
        List<Delivery> deliveries = new ArrayList<>();
        int sent = 0;
        while (slow.open && sent < 200) { // 10 kB each against the 1 MiB limit
            deliveries.add(manager.sendPlainLocal(StreamKey.user(1), OutboundMessage.of("\"" + padding + "\"")));
            manager.sendPlainLocal(StreamKey.user(2), OutboundMessage.of("\"" + sent++ + "\""));
        }
        assertEquals(HeraldCloseCodes.SLOW_CONSUMER, slow.closeReason);
        assertEquals(4000, slow.closeReason.getCloseCode().getCode());
        assertEquals(List.of("\"" + padding + "\""), slow.texts, "one write reached the socket, never completed");
        for (Delivery delivery : deliveries) {
            assertEquals(0, delivery.join(), "nothing was written: the client never read");
        }
        int expected = sent;
        await().atMost(Duration.ofSeconds(10)).until(() -> healthy.texts.size() == expected);
        assertTrue(healthy.open, "the other sessions go on");
        assertEquals(1, stats.snapshot(0).getInt("slowConsumerCloses"));
    }

    @Test
    void stopRunsWhatWasHandedOverThenTheCallersWrite() throws Exception {
        Writers one = new Writers(Thread::new, 1);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        one.execute(() -> {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        busy.await();
        List<FakeSession> fakes = new ArrayList<>();
        List<Delivery> deliveries = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
            SessionSender sender = new SessionSender(new WebSocketTransport(fake.session), 1 << 20, stats, (reason, cause) -> { });
            Delivery delivery = new Delivery();
            delivery.expect();
            sender.offer(OutboundMessage.of("\"queued\""), delivery);
            sender.flushOn(one); // queued behind the busy task
            fakes.add(fake);
            deliveries.add(delivery.seal());
        }
        assertTrue(fakes.stream().allMatch(f -> f.texts.isEmpty()), "the only writer is busy");
        Thread stopping = new Thread(one::stop, "stopping");
        stopping.start();
        release.countDown();
        stopping.join();
        for (Delivery delivery : deliveries) {
            assertEquals(1, delivery.join(), "written before the writer ended");
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive() && fakes.get(0).writingThreads.contains(t)),
                "the writer thread ended");

        FakeSession late = new FakeSession(FakeSession.Mode.INLINE);
        SessionSender sender = new SessionSender(new WebSocketTransport(late.session), 1 << 20, stats, (reason, cause) -> { });
        Delivery delivery = new Delivery();
        delivery.expect();
        sender.offer(OutboundMessage.of("\"late\""), delivery);
        sender.flushOn(one);
        assertEquals(1, delivery.seal().join());
        assertEquals(List.of(Thread.currentThread()), List.copyOf(late.writingThreads), "after stop the caller writes");
    }
}
