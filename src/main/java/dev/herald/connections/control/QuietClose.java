package dev.herald.connections.control;

import jakarta.websocket.CloseReason;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Closes a session whose input Herald refused (4007 "rate limit", 1009, 1003) once its client has
 * stopped sending: when no frame arrived for {@link #QUIET_MS}, at the latest {@link #MAX_MS} after
 * the refusal. Meanwhile the session is out of the registry and its frames are read and ignored.
 *
 * <p>Why: Payara's WebSocket container (Tyrus) closes the TCP connection right after it writes the
 * close frame, without waiting for the client's close frame. Frames the client is still sending then
 * reach a closed socket and the server's kernel answers with a reset; a client whose next write fails
 * on that reset (npm {@code ws}, for one) drops the connection as 1006 without reading the close frame
 * that had already arrived. A client that has finished its burst reads the close frame first.
 */
final class QuietClose {

    /** A client that sent nothing for this long is taken to have finished its burst. */
    static final long QUIET_MS = 500;
    /** A client that never stops sending is closed this long after the refusal all the same. */
    static final long MAX_MS = 5000;

    /** Runs a task later; throws {@link RejectedExecutionException} when it cannot (application stopping). */
    @FunctionalInterface
    interface Scheduler {
        void schedule(Runnable task, long delayNanos);
    }

    private final Scheduler scheduler;
    private final LongSupplier clock;
    private final BiConsumer<Transport, CloseReason> closer;

    /**
     * @param scheduler runs the next check, or null to close at once (no container)
     * @param clock     {@link System#nanoTime()} or a test clock
     * @param closer    closes a session with a reason, off the caller's thread
     */
    QuietClose(Scheduler scheduler, LongSupplier clock, BiConsumer<Transport, CloseReason> closer) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.closer = closer;
    }

    /** @return true for the refusals of a client's input, whose close waits until the client is quiet */
    static boolean waitsFor(CloseReason reason) {
        return reason == HeraldCloseCodes.RATE_LIMIT || reason == HeraldCloseCodes.MESSAGE_TOO_BIG
                || reason == HeraldCloseCodes.BINARY_NOT_ACCEPTED;
    }

    /**
     * Closes the session once its client has been quiet, or at the latest {@link #MAX_MS} from now.
     * The client's frames must keep calling {@link Connection#seen()}.
     *
     * @param connection the refused session's registration, already removed
     * @param reason     the close reason
     */
    void close(Connection connection, CloseReason reason) {
        check(connection, reason, clock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(MAX_MS));
    }

    private void check(Connection connection, CloseReason reason, long deadlineNanos) {
        if (!connection.transport().isOpen()) {
            return; // the client closed first
        }
        long now = clock.getAsLong();
        long due = Math.min(connection.lastSeenNanos() + TimeUnit.MILLISECONDS.toNanos(QUIET_MS), deadlineNanos);
        if (scheduler == null || due - now <= 0) {
            closer.accept(connection.transport(), reason);
            return;
        }
        try {
            scheduler.schedule(() -> check(connection, reason, deadlineNanos), due - now);
        } catch (RejectedExecutionException stopping) {
            closer.accept(connection.transport(), reason);
        }
    }
}
