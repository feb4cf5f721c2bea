package dev.herald.it;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test WebSocket client (the JDK's) that collects text messages and the close it receives. */
public final class WsClient implements WebSocket.Listener, AutoCloseable {

    /** A close frame as the client saw it. */
    public record Close(int code, String reason) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private WsClient() {
    }

    /**
     * @param base    the application URL ({@code http://host:port/herald/})
     * @param path    path and query below it, e.g. {@code ws} or {@code ws?userId=1}
     * @param user    Basic user, or null for an anonymous handshake
     * @param headers extra handshake headers (e.g. Origin)
     * @return the connected client
     * @throws Exception when the handshake fails
     */
    public static WsClient connect(URL base, String path, String user, Map<String, String> headers) throws Exception {
        return connect(base, path, user, headers, List.of());
    }

    /**
     * @param base         the application URL ({@code http://host:port/herald/})
     * @param path         path and query below it, e.g. {@code ws?since=…}
     * @param user         Basic user, or null for an anonymous handshake
     * @param headers      extra handshake headers
     * @param subprotocols subprotocols to ask for, e.g. {@code herald.v1}
     * @return the connected client
     * @throws Exception when the handshake fails
     */
    public static WsClient connect(URL base, String path, String user, Map<String, String> headers, List<String> subprotocols) throws Exception {
        WsClient client = new WsClient();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        if (user != null) {
            builder.header("Authorization", basic(user, user));
        }
        headers.forEach(builder::header);
        URI uri = URI.create(base.toString().replaceFirst("^http", "ws") + path);
        client.socket = builder.buildAsync(uri, client).get(20, TimeUnit.SECONDS);
        return client;
    }

    /**
     * @param base the application URL
     * @param user Basic user (password = user name, as in server-config)
     * @return the connected client at {@code /ws}
     * @throws Exception when the handshake fails
     */
    public static WsClient connect(URL base, String user) throws Exception {
        return connect(base, "ws", user, Map.of());
    }

    /**
     * @param user     user name
     * @param password password
     * @return an HTTP Basic Authorization header value
     */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param timeoutMs how long to wait
     * @return the next message, or null on timeout
     * @throws InterruptedException when interrupted
     */
    public String next(long timeoutMs) throws InterruptedException {
        return messages.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** @return the messages received so far, removed from the inbox */
    public List<String> drain() {
        List<String> out = new java.util.ArrayList<>();
        messages.drainTo(out);
        return out;
    }

    /** @return completes with the close frame the server sent (or 1006 when the connection dropped) */
    public CompletableFuture<Close> closed() {
        return closed;
    }

    /**
     * @param text a text frame to send
     * @throws Exception when sending fails
     */
    public void send(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    /** @return the underlying socket */
    public WebSocket socket() {
        return socket;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Close(1006, String.valueOf(error)));
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        socket.abort();
    }
}
