package dev.herald.bench.harness;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The harness's calls to the benchmark WAR's {@code /bench} API. */
final class ServerControl {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    /** @param port the server's HTTP port */
    ServerControl(int port) {
        this.base = URI.create("http://127.0.0.1:" + port + "/herald/bench/");
    }

    /**
     * Waits for the deployment to answer.
     *
     * @param server  the process, to notice when it died
     * @param limitMs the longest wait
     * @throws IOException when the server died or did not come up in time
     */
    void awaitReady(ServerProcess server, long limitMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("the server exited during start: see server.log");
            }
            if (server.deploymentFailed()) {
                throw new IOException("the benchmark WAR failed to deploy: see server.log");
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("info")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (ConnectException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IOException("the server did not answer within " + limitMs + " ms: see server.log");
    }

    /** @return the server JVM's facts ({@code GET /bench/info}) */
    JsonObject info() throws IOException, InterruptedException {
        return call("GET", "info");
    }

    /**
     * @param gc full GC first
     * @return heap, RSS, files, sessions, Herald's counters
     */
    JsonObject memory(boolean gc) throws IOException, InterruptedException {
        return call("GET", "memory?gc=" + gc);
    }

    /** @return the P1 run's counts, once the run is over */
    JsonObject p1(String peer, int users, long run, long durationMs, int window, int size) throws IOException, InterruptedException {
        return call("POST", "p1?peer=" + peer + "&users=" + users + "&run=" + run + "&durationMs=" + durationMs
                + "&window=" + window + "&size=" + size);
    }

    /** @return the P4 run's counts, once the run is over ({@code rate} 0: as fast as possible) */
    JsonObject p4(int users, long run, long durationMs, int rate, int size, int senders) throws IOException, InterruptedException {
        return call("POST", "p4?users=" + users + "&run=" + run + "&durationMs=" + durationMs + "&rate=" + rate + "&size=" + size
                + "&senders=" + senders);
    }

    /**
     * @param send  {@code GROUP} (a {@code sendToGroup} to {@code group}) or {@code BROADCAST}
     * @param group the group's name
     * @return the P5 call's start nanoTime, duration and this node's sessions it was queued on
     */
    JsonObject p5Send(String send, String group, long round, int size) throws IOException, InterruptedException {
        return call("POST", "p5/send?send=" + send + "&group=" + encode(group) + "&round=" + round + "&size=" + size);
    }

    /** @return the join's start nanoTime and duration, and the start of the {@code sendToGroup} made right after it */
    JsonObject p5Join(long user, String group, long round, int size) throws IOException, InterruptedException {
        return call("POST", "p5/join?user=" + user + "&group=" + encode(group) + "&round=" + round + "&size=" + size);
    }

    /** @return the leave call's duration */
    JsonObject p5Leave(long user, String group) throws IOException, InterruptedException {
        return call("POST", "p5/leave?user=" + user + "&group=" + encode(group));
    }

    /** @return this node's users and live sessions in the group */
    JsonObject p5Presence(String group) throws IOException, InterruptedException {
        return call("GET", "p5/presence?group=" + encode(group));
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** @return false when the previous broadcast is still running */
    boolean broadcast(String peer, long round, int size) throws IOException, InterruptedException {
        return call("POST", "broadcast?peer=" + peer + "&round=" + round + "&size=" + size).getBoolean("started");
    }

    /** @return bytes the container accepted per stalled session before its writes stopped completing */
    JsonObject fill(String peer, String userIds) throws IOException, InterruptedException {
        return call("POST", "fill?peer=" + peer + "&users=" + userIds);
    }

    private JsonObject call(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofMinutes(5))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException stale) {
            if (!"GET".equals(method)) {
                throw stale;
            }
            // the server closes pooled connections idle for 30 s (P3's idle window); a GET can be retried
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() / 100 != 2 && response.statusCode() != 409) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }
}
