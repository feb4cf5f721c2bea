package dev.herald.sse.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.connections.control.HeraldCloseCodes;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.recovery.control.V1Protocol;
import jakarta.websocket.SendResult;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SSE transport's framing and write order, against a fake stream whose writes complete when the test says. */
class SseTransportTest {

    /** Runs tasks on the calling thread; schedules for real (the closing backstop). */
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1) {
        @Override
        public void execute(Runnable command) {
            command.run();
        }
    };
    private final FakeSink sink = new FakeSink();
    private final List<ByteBuffer> confirmed = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final SseTransport transport = new SseTransport("id-1", sink, fakeSse(), executor,
            new EventId(null, new StreamPosition("B1", 4)), confirmed::add, failures::add);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** An event as written: its fields. */
    record Written(String id, String name, String comment, Object data) {
    }

    static final class FakeSink implements SseEventSink {
        final List<Written> sent = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        boolean closed;

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public CompletionStage<?> send(OutboundSseEvent event) {
            sent.add(new Written(event.getId(), event.getName(), event.getComment(), event.getData()));
            CompletableFuture<Void> done = new CompletableFuture<>();
            pending.add(done);
            return done;
        }

        @Override
        public void close() {
            closed = true;
        }

        /** Completes the oldest write in flight (which may send the next). */
        void completeOne() {
            pending.stream().filter(f -> !f.isDone()).findFirst().orElseThrow().complete(null);
        }
    }

    @SuppressWarnings("unchecked")
    private static Sse fakeSse() {
        return (Sse) Proxy.newProxyInstance(SseTransportTest.class.getClassLoader(), new Class<?>[]{Sse.class}, (sse, method, args) -> {
            Map<String, Object> fields = new HashMap<>();
            return Proxy.newProxyInstance(SseTransportTest.class.getClassLoader(), new Class<?>[]{OutboundSseEvent.Builder.class},
                    (builder, m, a) -> {
                        switch (m.getName()) {
                            case "id", "name", "comment" -> fields.put(m.getName(), a[0]);
                            case "data" -> fields.put("data", a[a.length - 1]);
                            case "build" -> {
                                return Proxy.newProxyInstance(SseTransportTest.class.getClassLoader(), new Class<?>[]{OutboundSseEvent.class},
                                        (event, g, x) -> switch (g.getName()) {
                                            case "getId" -> fields.get("id");
                                            case "getName" -> fields.get("name");
                                            case "getComment" -> fields.get("comment");
                                            case "getData" -> fields.get("data");
                                            default -> throw new UnsupportedOperationException(g.getName());
                                        });
                            }
                            default -> throw new UnsupportedOperationException(m.getName());
                        }
                        return builder;
                    });
        });
    }

    @Test
    void framesAreEventsWithBothPositionsWrittenOneAtATimeInOrder() {
        List<SendResult> results = new ArrayList<>();
        transport.announce();
        String first = V1Protocol.message(StreamKey.user(1), "U1", 7, "{\"n\":1}").json();
        transport.sendText(first, results::add);
        assertEquals(1, sink.sent.size(), "the next event waits until the first is written");
        assertEquals(new Written(null, "herald.stream", null, "{\"id\":\"id-1\"}"), sink.sent.get(0));
        sink.completeOne();
        assertEquals(new Written("U1:7/B1:4", null, null, first), sink.sent.get(1));
        assertTrue(results.isEmpty(), "reported once written");
        sink.completeOne();
        assertEquals(1, results.size());
        assertTrue(results.get(0).isOK());
    }

    @Test
    void aHeartbeatIsACommentThatConfirmsItsProbeOnceWritten() {
        ByteBuffer probe = ByteBuffer.allocate(Long.BYTES).putLong(42);
        probe.flip();
        transport.sendPing(probe);
        assertEquals("heartbeat", sink.sent.get(0).comment());
        assertTrue(confirmed.isEmpty(), "not before the stream took it");
        sink.completeOne();
        assertEquals(1, confirmed.size());
        assertEquals(42, confirmed.get(0).getLong(0));
    }

    @Test
    void aFailedWriteIsAFailedSendAndConfirmsNothing() {
        List<SendResult> results = new ArrayList<>();
        transport.sendPing(ByteBuffer.allocate(Long.BYTES));
        transport.sendText(V1Protocol.message(StreamKey.BROADCAST, "B1", 5, "1").json(), results::add);
        sink.pending.get(0).completeExceptionally(new IllegalStateException("client gone"));
        sink.pending.get(1).completeExceptionally(new IllegalStateException("client gone"));
        assertTrue(confirmed.isEmpty());
        assertEquals(1, failures.size(), "a heartbeat that could not be written tells that the client is gone (an idle stream has no other write)");
        assertFalse(results.get(0).isOK());
        assertEquals("/B1:5", sink.sent.get(1).id(), "a broadcast message advances the broadcast side");
    }

    @Test
    void closingWritesTheCodeAndReasonAfterWhatWasQueuedThenCloses() {
        transport.sendText(V1Protocol.message(StreamKey.user(1), "U1", 1, "2").json(), result -> { });
        transport.close(HeraldCloseCodes.SESSION_LIMIT);
        assertFalse(transport.isOpen());
        assertFalse(sink.closed, "the last event is still to be written");
        sink.completeOne();
        assertEquals(new Written(null, "herald.close", null, "{\"code\":4006,\"reason\":\"session limit\"}"), sink.sent.get(1));
        sink.completeOne();
        assertTrue(sink.closed);
        assertNull(transport.webSocket());
    }

    @Test
    void aSlowConsumerIsClosedAtOnce() {
        transport.sendText(V1Protocol.message(StreamKey.user(1), "U1", 1, "2").json(), result -> { });
        transport.close(HeraldCloseCodes.SLOW_CONSUMER);
        assertTrue(sink.closed, "it stopped reading: its last event would wait behind what it did not read");
    }
}
