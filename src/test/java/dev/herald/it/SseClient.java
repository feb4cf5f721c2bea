package dev.herald.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client over the JDK's HTTP client: reads {@code GET api/sse} line by line, as
 * the event stream format says, on a thread of its own, and hands out whole events.
 */
public final class SseClient implements AutoCloseable {

    /**
     * One event.
     *
     * @param name its {@code event:} ({@code message} when it has none)
     * @param id   its {@code id:}, or null
     * @param data its {@code data:} lines, joined by newlines
     */
    public record Event(String name, String id, String data) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile int comments;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        if (response.statusCode() == 200) {
            Thread reader = new Thread(this::read, "sse-client");
            reader.setDaemon(true);
            reader.start();
        } else {
            ended.complete(null);
        }
    }

    /**
     * @param base    the application URL
     * @param query   the query string after {@code api/sse?}, or empty
     * @param user    Basic user (password = name), or null
     * @param headers extra request headers
     * @return the client, whatever the answer's status ({@link #status()})
     * @throws Exception on I/O failure
     */
    public static SseClient open(URL base, String query, String user, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "api/sse" + (query.isEmpty() ? "" : "?" + query)))
                .header("Accept", "text/event-stream");
        if (user != null) {
            request.header("Authorization", WsClient.basic(user, user));
        }
        headers.forEach(request::header);
        return new SseClient(HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    /** @return the answer's HTTP status */
    public int status() {
        return response.statusCode();
    }

    /** @return the answer's headers */
    public java.net.http.HttpHeaders headers() {
        return response.headers();
    }

    /**
     * @return the body of an answer that is no stream (a problem)
     * @throws IOException on I/O failure
     */
    public String body() throws IOException {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * @param timeoutMs how long to wait
     * @return the next event
     * @throws InterruptedException when interrupted
     * @throws AssertionError when none came in time
     */
    public Event next(long timeoutMs) throws InterruptedException {
        Event event = events.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no SSE event within " + timeoutMs + " ms");
        }
        return event;
    }

    /**
     * @param timeoutMs how long to wait
     * @return the next event whose data contains the text (those before it are skipped)
     * @param text what the data must contain
     * @throws InterruptedException when interrupted
     */
    public Event nextWith(String text, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            Event event = next(Math.max(1, deadline - System.currentTimeMillis()));
            if (event.data().contains(text)) {
                return event;
            }
        }
    }

    /** @return completes when the server ended the stream */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /** @return comment lines read (heartbeats) */
    public int comments() {
        return comments;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String name = null;
            String id = null;
            StringBuilder data = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(name == null ? "message" : name, id, data.toString()));
                    }
                    name = null;
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments++;
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "event" -> name = value;
                        case "id" -> id = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { }
                    }
                }
            }
        } catch (IOException e) {
            // closed by close(), or the connection broke: the stream has ended either way
        } finally {
            ended.complete(null);
        }
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
