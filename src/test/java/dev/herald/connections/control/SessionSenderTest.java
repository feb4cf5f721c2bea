package dev.herald.connections.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.stats.control.HeraldStats;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionSenderTest {

    private final HeraldStats stats = new HeraldStats();
    private final AtomicReference<CloseReason> terminated = new AtomicReference<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private SessionSender sender(FakeSession fake, long limit) {
        return new SessionSender(new WebSocketTransport(fake.session), limit, stats, (reason, cause) -> assertNull(terminated.getAndSet(reason), "terminated twice"));
    }

    private static Delivery one(SessionSender sender, String json) {
        Delivery delivery = new Delivery();
        delivery.expect();
        sender.enqueue(OutboundMessage.of(json), delivery);
        return delivery.seal();
    }

    @Test
    void writesOneAtATimeInOrder() {
        FakeSession fake = new FakeSession(FakeSession.Mode.MANUAL);
        SessionSender sender = sender(fake, 1 << 20);
        Delivery a = one(sender, "\"a\"");
        Delivery b = one(sender, "\"b\"");
        Delivery c = one(sender, "\"c\"");
        assertEquals(List.of("\"a\""), fake.texts, "the second write waits for the first");
        assertTrue(sender.deliveryAgeNanos(System.nanoTime()) > 0);
        fake.completeOne();
        assertEquals(1, a.join());
        assertFalse(b.isDone());
        fake.completeOne();
        fake.completeOne();
        assertEquals(List.of("\"a\"", "\"b\"", "\"c\""), fake.texts);
        assertEquals(1, c.join());
        assertTrue(sender.isIdle());
        assertEquals(0, sender.deliveryAgeNanos(System.nanoTime()));
        assertEquals(0, stats.queuedBytes());
        assertEquals(3, stats.messagesSent());
    }

    @Test
    void keepsEachThreadsOrderAndNeverWritesConcurrently() throws Exception {
        FakeSession fake = new FakeSession(FakeSession.Mode.EXECUTOR);
        fake.executor = pool;
        SessionSender sender = sender(fake, Long.MAX_VALUE);
        int threads = 4;
        int perThread = 2500;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread producer = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    one(sender, "\"" + thread + ":" + i + "\"");
                }
            });
            producer.start();
            producers.add(producer);
        }
        start.countDown();
        for (Thread producer : producers) {
            producer.join();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> fake.texts.size() >= threads * perThread);
        assertEquals(threads * perThread, fake.texts.size());
        assertEquals(1, fake.maxConcurrentWrites.get(), "never two writes in flight on one session");
        int[] last = {-1, -1, -1, -1};
        for (String text : fake.texts) {
            String[] parts = text.replace("\"", "").split(":");
            int thread = Integer.parseInt(parts[0]);
            int n = Integer.parseInt(parts[1]);
            assertEquals(last[thread] + 1, n, "thread " + thread + " out of order");
            last[thread] = n;
        }
        assertNull(terminated.get());
    }

    @Test
    void inlineCompletionsDoNotRecurse() {
        FakeSession fake = new FakeSession(FakeSession.Mode.MANUAL);
        SessionSender sender = sender(fake, Long.MAX_VALUE);
        one(sender, "\"first\"");
        for (int i = 0; i < 200_000; i++) {
            one(sender, "\"m\"");
        }
        fake.mode = FakeSession.Mode.INLINE;
        fake.completeOne(); // the remaining 200,000 complete inline, one after another
        assertEquals(200_001, fake.texts.size());
        assertTrue(sender.isIdle());
    }

    @Test
    void exceedingTheBufferLimitTerminatesAndSettlesEverything() {
        FakeSession fake = new FakeSession(FakeSession.Mode.MANUAL);
        SessionSender sender = sender(fake, 100);
        List<Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            deliveries.add(one(sender, "\"0123456789\"")); // 12 bytes each
        }
        assertSame(HeraldCloseCodes.SLOW_CONSUMER, terminated.get());
        assertTrue(sender.isTerminated());
        for (Delivery delivery : deliveries) {
            assertEquals(0, delivery.join(), "nothing was written: the client never read");
        }
        assertEquals(0, sender.queuedBytes());
        assertEquals(108, sender.queuedAtTermination(), "what was given up (9 × 12 bytes, the in-flight one included), for the WARN");
        assertEquals(0, stats.queuedBytes());
        assertEquals(0, one(sender, "\"late\"").join(), "a terminated sender settles at once");
        assertEquals(1, fake.texts.size(), "only the first write ever reached the socket");
    }

    @Test
    void aThrowingWriteTerminatesWithoutGettingStuck() {
        FakeSession fake = new FakeSession(FakeSession.Mode.THROW);
        SessionSender sender = sender(fake, 1 << 20);
        assertEquals(0, one(sender, "\"x\"").join());
        assertSame(HeraldCloseCodes.SEND_FAILED, terminated.get());
        assertEquals(0, one(sender, "\"y\"").join());
        assertTrue(sender.isIdle());
    }

    @Test
    void dataTheClientNeverConfirmsCountsAgainstTheLimitEvenWhenTheContainerBuffersIt() {
        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE); // like Payara: every send completes at once
        SessionSender sender = sender(fake, 4000);
        String kilobyte = "\"" + "x".repeat(998) + "\"";
        for (int i = 0; i < 3; i++) {
            assertEquals(1, one(sender, kilobyte).join());
        }
        assertEquals(3, fake.pings.get(), "a probe after every quarter of the limit");
        assertNull(terminated.get());
        one(sender, kilobyte);
        one(sender, kilobyte);
        assertSame(HeraldCloseCodes.SLOW_CONSUMER, terminated.get(), "4 KB unconfirmed plus 1 KB more exceeds 4 KB");
    }

    @Test
    void pongsConfirmDeliveryAndFreeTheBacklog() {
        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        SessionSender sender = sender(fake, 4000);
        String kilobyte = "\"" + "x".repeat(998) + "\"";
        for (int i = 0; i < 100; i++) {
            one(sender, kilobyte);
            fake.pingPayloads.forEach(sender::acknowledge); // the client echoes every ping
            fake.pingPayloads.clear();
        }
        assertNull(terminated.get(), "a client that keeps up is never cut off");
        assertEquals(0, sender.unconfirmedBytes());
        assertEquals(0, sender.deliveryAgeNanos(System.nanoTime()));
    }

    @Test
    void unconfirmedDataAgesTowardsTheTimeLimit() {
        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        SessionSender sender = sender(fake, 4000);
        one(sender, "\"" + "x".repeat(1200) + "\"");
        long now = System.nanoTime();
        assertTrue(sender.deliveryAgeNanos(now + 5_000_000_000L) >= 5_000_000_000L);
        fake.pingPayloads.forEach(sender::acknowledge);
        assertEquals(0, sender.deliveryAgeNanos(now + 5_000_000_000L));
    }

    @Test
    void foreignOrUnsolicitedPongsAreIgnored() {
        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        SessionSender sender = sender(fake, 4000);
        one(sender, "\"" + "x".repeat(1200) + "\"");
        sender.acknowledge(java.nio.ByteBuffer.wrap(new byte[]{1, 2, 3}));
        sender.acknowledge(java.nio.ByteBuffer.allocate(8).putLong(0, 999));
        sender.acknowledge(null);
        assertTrue(sender.unconfirmedBytes() > 0);
    }

    @Test
    void pingsTakeTheirTurnAndNeverPileUp() {
        FakeSession fake = new FakeSession(FakeSession.Mode.MANUAL);
        SessionSender sender = sender(fake, 1 << 20);
        one(sender, "\"busy\"");
        sender.ping();
        sender.ping();
        sender.ping();
        assertEquals(0, fake.pings.get(), "the ping waits for the in-flight write");
        fake.completeOne();
        assertEquals(1, fake.pings.get(), "one ping, however often it was asked for");
        sender.ping();
        assertEquals(2, fake.pings.get());
    }

    @Test
    void aPingIsAWritableBufferThatEveryServerCanSend() {
        FakeSession fake = new FakeSession(FakeSession.Mode.INLINE);
        SessionSender sender = sender(fake, 1 << 20);
        sender.ping();
        sender.ping();
        assertEquals(2, fake.pings.get());
        assertNull(terminated.get(), "the ping did not fail the session");
    }
}
