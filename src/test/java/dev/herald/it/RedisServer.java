package dev.herald.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import redis.clients.jedis.RedisClient;

/**
 * A redis-server process of the test's own, on a free port, keeping nothing on disk: never the shared
 * one on 6379. Stop, freeze and restart it on the same port to play outages. Killed with the JVM at
 * the latest.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path log;
    private Process process;

    private RedisServer(int port) throws IOException {
        this.port = port;
        this.log = Files.createTempFile("herald-redis-" + port + "-", ".log");
    }

    /**
     * @return a running server on a free port
     * @throws Exception when it does not start
     */
    public static RedisServer start() throws Exception {
        RedisServer server = onFreePort();
        server.restart();
        return server;
    }

    /**
     * @return a server on a free port, not started yet (its URI is known before it runs)
     * @throws IOException when no port or log file can be had
     */
    public static RedisServer onFreePort() throws IOException {
        return new RedisServer(freePort());
    }

    /** @return a TCP port nobody listens on now */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** @return {@code redis://127.0.0.1:port} */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /**
     * Starts the server (again, empty) on its port and waits until it answers.
     *
     * @throws Exception when it does not answer within 20 s
     */
    public void restart() throws Exception {
        process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        try {
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).atMost(Duration.ofSeconds(20))
                    .until(() -> {
                        if (!started.isAlive()) {
                            throw new IllegalStateException("redis-server on port " + port + " ended: " + Files.readString(log));
                        }
                        return answers();
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("redis-server on port " + port + " did not start: " + Files.readString(log), e);
        }
    }

    private boolean answers() {
        try (RedisClient client = client()) {
            return "PONG".equals(client.ping());
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /**
     * Stops the server (SIGTERM, as an operator would) and waits for the process to end.
     *
     * @throws InterruptedException when interrupted
     */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** @return a new client of this server; close it */
    public RedisClient client() {
        return RedisClient.create("127.0.0.1", port);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}
