package dev.herald.sse.control;

import dev.herald.connections.control.HeraldCloseCodes;
import dev.herald.connections.control.Transport;
import jakarta.json.Json;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Server-Sent Events stream as a session's {@link Transport}. Every {@code herald.v1} frame is one
 * event whose data is the frame and whose {@code id:} is the positions after it ({@link EventId}); a
 * heartbeat is a comment; the end is a last {@code herald.close} event with the code and reason, then
 * the stream closes. Writes go one at a time, in order, on the container's managed executor, never
 * on the caller's thread: a Jakarta REST implementation may block in {@link SseEventSink#send} while
 * the client does not read (Jersey does), and that must only hold up this stream. An SSE client cannot
 * answer a probe, so a heartbeat confirms itself once it is written: what the server could write
 * after everything before it counts as delivered; a client that stops reading stalls the writes, and
 * the sender's send time and buffer limits close it as a slow consumer.
 */
public final class SseTransport implements Transport {

    /** The name of the first event of every stream: its id. */
    public static final String STREAM_EVENT = "herald.stream";
    /** The name of the last event of a stream Herald ended. */
    public static final String CLOSE_EVENT = "herald.close";
    private static final Logger LOG = Logger.getLogger(SseTransport.class.getName());
    /** How long a closing stream may take to write its last event before it is closed without it. */
    private static final long CLOSE_GRACE_MS = 2000;

    private record Write(OutboundSseEvent event, Consumer<Throwable> done) {
    }

    private final String id;
    private final SseEventSink sink;
    private final Sse sse;
    private final ScheduledExecutorService executor;
    private final StreamIds ids;
    private final Consumer<ByteBuffer> confirmed;
    private final Consumer<Throwable> failed;
    private final Queue<Write> writes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();

    /**
     * @param id        the session's id (random, unguessable)
     * @param sink      the open stream
     * @param sse       the Jakarta REST SSE factory
     * @param executor  the container's managed scheduled executor: writes and the closing backstop
     * @param start     the positions the client came back with
     * @param confirmed told with a heartbeat's probe once it is written (the sender's acknowledge)
     * @param failed    told when a heartbeat could not be written: the client is gone (its sender gives up, as
     *                  for a failed message; an idle stream has no other write that would find out)
     */
    public SseTransport(String id, SseEventSink sink, Sse sse, ScheduledExecutorService executor, EventId start, Consumer<ByteBuffer> confirmed,
                        Consumer<Throwable> failed) {
        this.id = id;
        this.sink = sink;
        this.sse = sse;
        this.executor = executor;
        this.ids = new StreamIds(start);
        this.confirmed = confirmed;
        this.failed = failed;
    }

    /**
     * Queues the stream's first event, {@code herald.stream}: {@code {"id":"…"}}, the id the client's
     * messages name ({@code POST sse/{id}/messages}). Called once, before the stream is bound.
     */
    public void announce() {
        String data = Json.createObjectBuilder().add("id", id).build().toString();
        submit(new Write(sse.newEventBuilder().name(STREAM_EVENT).data(String.class, data).build(), failure -> { }));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isOpen() {
        return !closing.get() && !sink.isClosed();
    }

    @Override
    public void sendText(String text, SendHandler done) {
        OutboundSseEvent event = sse.newEventBuilder().id(ids.after(text).format()).data(String.class, text).build();
        submit(new Write(event, failure -> done.onResult(failure == null ? new SendResult() : new SendResult(failure))));
    }

    @Override
    public void sendPing(ByteBuffer probe) {
        ByteBuffer payload = probe.duplicate();
        submit(new Write(sse.newEventBuilder().comment("heartbeat").build(), failure -> {
            if (failure == null) {
                confirmed.accept(payload);
            } else {
                failed.accept(failure);
            }
        }));
    }

    /** Writes the {@code herald.close} event after what is queued, then closes the stream (at the latest {@link #CLOSE_GRACE_MS} later). */
    @Override
    public void close(CloseReason reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        String data = Json.createObjectBuilder().add("code", reason.getCloseCode().getCode())
                .add("reason", reason.getReasonPhrase()).build().toString();
        submit(new Write(sse.newEventBuilder().name(CLOSE_EVENT).data(String.class, data).build(), failure -> closeSink()));
        if (reason == HeraldCloseCodes.SLOW_CONSUMER) {
            closeSink(); // it stopped reading: the last event would only wait behind what it did not read
            return;
        }
        try {
            executor.schedule(this::closeSink, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            closeSink();
        }
    }

    @Override
    public Session webSocket() {
        return null;
    }

    private void submit(Write write) {
        writes.add(write);
        if (writing.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void schedule() {
        try {
            executor.execute(this::next);
        } catch (RejectedExecutionException stopping) {
            Write write;
            while ((write = writes.poll()) != null) {
                write.done().accept(stopping);
            }
            writing.set(false);
        }
    }

    /** Writes the oldest queued event; its completion schedules the next. */
    private void next() {
        Write write = writes.poll();
        if (write == null) {
            writing.set(false);
            if (!writes.isEmpty() && writing.compareAndSet(false, true)) {
                schedule(); // queued after the poll above, before the flag was cleared
            }
            return;
        }
        CompletionStage<?> stage;
        try {
            stage = sink.isClosed() ? CompletableFuture.failedFuture(new IOException("SSE stream closed")) : sink.send(write.event());
        } catch (RuntimeException e) { // IllegalStateException once the client is gone
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((ignored, failure) -> {
            try {
                write.done().accept(failure);
            } finally {
                schedule();
            }
        });
    }

    private void closeSink() {
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Closing SSE stream " + id + " failed");
        }
    }

    @Override
    public String toString() {
        return "SSE stream " + id.substring(0, Math.min(6, id.length())) + "…";
    }
}
