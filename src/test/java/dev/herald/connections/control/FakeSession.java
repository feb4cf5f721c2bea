package dev.herald.connections.control;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake {@link Session} with a fake {@link RemoteEndpoint.Async} that records writes and checks the
 * single-writer rule. Writes complete inline, on an executor, or only when the test says so.
 */
final class FakeSession {

    enum Mode { INLINE, EXECUTOR, MANUAL, THROW }

    private static final AtomicInteger IDS = new AtomicInteger();

    final String id = "s" + IDS.incrementAndGet();
    final List<String> texts = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger pings = new AtomicInteger();
    final List<java.nio.ByteBuffer> pingPayloads = new CopyOnWriteArrayList<>();
    final AtomicInteger concurrentWrites = new AtomicInteger();
    final AtomicInteger maxConcurrentWrites = new AtomicInteger();
    final Queue<SendHandler> pending = new ConcurrentLinkedQueue<>();
    final Set<Thread> writingThreads = ConcurrentHashMap.newKeySet(); // the threads that called sendText
    volatile Mode mode;
    volatile Executor executor;
    volatile boolean open = true;
    volatile CloseReason closeReason;
    /** The handshake's principal the session reports (null: admitted by a ticket). */
    volatile java.security.Principal principal;

    final RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[]{RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "sendText" -> {
                        write((String) args[0], (SendHandler) args[1]);
                        return null;
                    }
                    case "sendPing" -> {
                        if (!((ByteBuffer) args[0]).hasArray()) { // as Open Liberty, which writes from the array
                            throw new ReadOnlyBufferException();
                        }
                        pings.incrementAndGet();
                        pingPayloads.add((java.nio.ByteBuffer) args[0]);
                        return null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                }
            });

    final Session session = (Session) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[]{Session.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getAsyncRemote" -> remote;
                case "getId" -> id;
                case "isOpen" -> open;
                case "close" -> {
                    closeReason = args != null && args.length == 1 ? (CloseReason) args[0] : null;
                    open = false;
                    yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> id;
                case "getUserPrincipal" -> principal;
                default -> throw new UnsupportedOperationException(method.getName());
            });

    FakeSession(Mode mode) {
        this.mode = mode;
    }

    private void write(String text, SendHandler handler) {
        writingThreads.add(Thread.currentThread());
        int now = concurrentWrites.incrementAndGet();
        maxConcurrentWrites.accumulateAndGet(now, Math::max);
        switch (mode) {
            case THROW -> {
                concurrentWrites.decrementAndGet();
                throw new IllegalStateException("remote endpoint is broken");
            }
            case INLINE -> {
                texts.add(text);
                concurrentWrites.decrementAndGet();
                handler.onResult(new SendResult());
            }
            case EXECUTOR -> executor.execute(() -> {
                texts.add(text);
                concurrentWrites.decrementAndGet();
                handler.onResult(new SendResult());
            });
            case MANUAL -> {
                texts.add(text);
                pending.add(handler);
            }
        }
    }

    /** Completes the oldest manual write. */
    boolean completeOne() {
        SendHandler handler = pending.poll();
        if (handler == null) {
            return false;
        }
        concurrentWrites.decrementAndGet();
        handler.onResult(new SendResult());
        return true;
    }
}
