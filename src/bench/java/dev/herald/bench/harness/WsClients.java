package dev.herald.bench.harness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Many healthy WebSocket clients (the JDK's {@code java.net.http} client), spread over a few
 * {@link HttpClient}s (one selector thread each) that share a small executor. Every text message goes
 * to the {@link Inbox}; pings are answered by the JDK.
 */
final class WsClients implements AutoCloseable {

    /** Where one client connects and with which handshake headers. */
    record Target(URI uri, Map<String, String> headers) {
    }

    /** The outcome of opening a batch. */
    record Opened(int count, int failed, String firstError) {
    }

    private final ExecutorService executor;
    private final HttpClient[] clients;
    private final Inbox inbox;
    private final Set<WebSocket> open = ConcurrentHashMap.newKeySet();
    private int next;

    /**
     * @param inbox     receives every message
     * @param selectors how many HttpClients (selector threads) to use
     */
    WsClients(Inbox inbox, int selectors) {
        this.inbox = inbox;
        this.executor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), daemon("bench-client"));
        this.clients = new HttpClient[selectors];
        for (int i = 0; i < selectors; i++) {
            clients[i] = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(30)).build();
        }
    }

    /**
     * Opens {@code count} clients, at most {@code concurrency} handshakes at a time, and stops at the
     * first failed batch rather than hammering a server that gave up.
     *
     * @param count       how many
     * @param target      the i-th client's target
     * @param concurrency handshakes in flight at most
     * @return how many opened, failed, and the first error
     * @throws InterruptedException when interrupted
     */
    Opened open(int count, IntFunction<Target> target, int concurrency) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        List<CompletableFuture<WebSocket>> handshakes = new ArrayList<>(count);
        for (int i = 0; i < count && firstError.get() == null; i++) {
            inFlight.acquire();
            Target t = target.apply(i);
            WebSocket.Builder builder = clients[next++ % clients.length].newWebSocketBuilder().connectTimeout(Duration.ofSeconds(60));
            t.headers().forEach(builder::header);
            CompletableFuture<WebSocket> handshake = builder.buildAsync(t.uri(), new Listener()).toCompletableFuture();
            handshake.whenComplete((ws, error) -> {
                if (error != null) {
                    firstError.compareAndSet(null, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                } else {
                    open.add(ws);
                }
                inFlight.release();
            });
            handshakes.add(handshake);
        }
        inFlight.acquire(concurrency);
        inFlight.release(concurrency);
        int failed = (int) handshakes.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        Throwable error = firstError.get();
        return new Opened(handshakes.size() - failed, failed, error == null ? null : describe(error));
    }

    /** @return clients open now */
    int size() {
        return open.size();
    }

    /**
     * Drops some open clients (TCP abort).
     *
     * @param count how many
     */
    void release(int count) {
        int released = 0;
        for (WebSocket ws : open) {
            if (released++ >= count) {
                return;
            }
            open.remove(ws);
            ws.abort();
        }
    }

    /** Drops every open client at once (TCP abort; the server sees 1006). */
    void closeAll() {
        for (WebSocket ws : open) {
            open.remove(ws);
            ws.abort();
        }
    }

    @Override
    public void close() {
        closeAll();
        executor.shutdownNow();
    }

    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Hands complete text messages to the inbox and asks for the next one. */
    private final class Listener implements WebSocket.Listener {
        private StringBuilder partial;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            if (!last || partial != null) {
                if (partial == null) {
                    partial = new StringBuilder();
                }
                partial.append(data);
                if (last) {
                    inbox.accept(partial.toString(), now);
                    partial = null;
                }
            } else {
                inbox.accept(data.toString(), now);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            open.remove(webSocket);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            open.remove(webSocket);
        }
    }
}
