package dev.herald.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * P4's Redis, started by the harness on free ports: one {@code redis-server}, or a Redis Cluster of
 * 3 primaries and 3 replicas ({@code --cluster-enabled yes}, {@code redis-cli --cluster create
 * --cluster-replicas 1}). Also what the nodes' publications are compared with: the envelope Herald
 * actually publishes (seen with {@code MONITOR}) sent by {@code redis-benchmark}.
 */
final class RedisUnderTest implements AutoCloseable {

    /** One publication as Herald sent it: the command ({@code PUBLISH} or {@code SPUBLISH}), channel and payload. */
    record Envelope(String command, String channel, String payload, boolean captured) {
    }

    private static final Pattern RPS = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) requests per second");
    private static final Pattern MONITOR_ARG = Pattern.compile("\"((?:[^\"\\\\]++|\\\\.)*+)\""); // possessive: a Lua script's text would overflow the stack

    private final List<Process> servers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final boolean cluster;
    private final Path dir;

    private RedisUnderTest(boolean cluster, Path dir) {
        this.cluster = cluster;
        this.dir = dir;
    }

    /**
     * @param cluster a Redis Cluster of 3 primaries with a replica each, else one redis-server
     * @param out     where the logs and the cluster's node files go
     * @return the started Redis, answering (the cluster with every slot served)
     * @throws Exception when it does not start
     */
    static RedisUnderTest start(boolean cluster, Path out) throws Exception {
        Path dir = Files.createDirectories(out.resolve(cluster ? "p4-redis-cluster" : "p4-redis").toAbsolutePath());
        RedisUnderTest redis = new RedisUnderTest(cluster, dir);
        Runtime.getRuntime().addShutdownHook(new Thread(redis::destroy));
        try {
            for (int i = 0; i < (cluster ? 6 : 1); i++) {
                int port = freePort(cluster);
                List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--dir", dir.toString()));
                if (cluster) {
                    command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf"));
                }
                redis.ports.add(port);
                redis.servers.add(new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start());
            }
            for (int port : redis.ports) {
                await(() -> "PONG".equals(cli(port, "ping")), "redis-server on port " + port + " did not answer");
            }
            if (cluster) {
                List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
                redis.ports.forEach(port -> create.add("127.0.0.1:" + port));
                create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
                Process creating = new ProcessBuilder(create).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("cluster-create.log").toFile()).start();
                if (!creating.waitFor(60, TimeUnit.SECONDS) || creating.exitValue() != 0) {
                    throw new IOException("redis-cli --cluster create failed: see " + dir.resolve("cluster-create.log"));
                }
                for (int port : redis.ports) {
                    await(() -> cli(port, "cluster", "info").contains("cluster_state:ok"), "the cluster is not ok on port " + port);
                }
            }
            return redis;
        } catch (Exception failed) {
            redis.close();
            throw failed;
        }
    }

    /** @return the nodes' system properties: the URI of the (seed) server, and cluster mode when it is a cluster */
    List<String> nodeProperties() {
        List<String> properties = new ArrayList<>(List.of("-Dherald.redis.uri=redis://127.0.0.1:" + ports.get(0)));
        if (cluster) {
            properties.add("-Dherald.redis.cluster=true");
        }
        return properties;
    }

    /**
     * @param cpus the CPUs every redis-server of it may run on ({@link CpuSplit})
     * @throws IOException when taskset fails
     */
    void pin(String cpus) throws IOException, InterruptedException {
        for (Process server : servers) {
            CpuSplit.pin(server.pid(), cpus);
        }
    }

    /** @return what the table says about it */
    String describe() {
        return cluster ? "Redis Cluster, 3 primaries + 3 replicas" : "one Redis";
    }

    /**
     * Runs some traffic while {@code MONITOR} watches every server, and keeps the first publication.
     *
     * @param traffic  what makes Herald publish
     * @param fallback the envelope to use when none was seen
     * @return Herald's envelope, or the fallback ({@code captured} false)
     * @throws Exception when the traffic fails
     */
    Envelope capture(Callable<?> traffic, Envelope fallback) throws Exception {
        AtomicReference<Envelope> seen = new AtomicReference<>();
        List<Process> monitors = new ArrayList<>();
        try {
            for (int port : ports) {
                Process monitor = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "monitor").redirectErrorStream(true).start();
                monitors.add(monitor);
                Thread reader = new Thread(() -> watch(monitor, seen), "bench-redis-monitor-" + port);
                reader.setDaemon(true);
                reader.start();
            }
            Thread.sleep(200); // MONITOR is on before the traffic starts
            traffic.call();
        } finally {
            monitors.forEach(Process::destroy);
        }
        return seen.get() != null ? seen.get() : fallback;
    }

    private static void watch(Process monitor, AtomicReference<Envelope> seen) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null && seen.get() == null) {
                List<String> args = new ArrayList<>();
                Matcher matcher = MONITOR_ARG.matcher(line.substring(Math.max(0, line.indexOf(']'))));
                while (matcher.find()) {
                    args.add(unescape(matcher.group(1)));
                }
                if (args.size() == 3 && List.of("PUBLISH", "SPUBLISH").contains(args.get(0).toUpperCase(Locale.ROOT))) {
                    seen.compareAndSet(null, new Envelope(args.get(0).toUpperCase(Locale.ROOT), args.get(1), args.get(2), true));
                }
            }
        } catch (IOException ended) {
            // the monitor was stopped
        }
    }

    /** Undoes MONITOR's quoting (sdscatrepr: \\n \\r \\t \\a \\b \\" \\\\ \\xHH). */
    static String unescape(String quoted) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c != '\\' || i + 1 == quoted.length()) {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            char next = quoted.charAt(++i);
            switch (next) {
                case 'n' -> bytes.write('\n');
                case 'r' -> bytes.write('\r');
                case 't' -> bytes.write('\t');
                case 'a' -> bytes.write(7);
                case 'b' -> bytes.write('\b');
                case 'x' -> {
                    bytes.write(Integer.parseInt(quoted.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> bytes.write(next);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * {@code redis-benchmark} sending the envelope's command with its payload to a channel of the same
     * length that no node reads, on the server that owns that channel (a cluster's SPUBLISH).
     *
     * @param clients  concurrent clients ({@code -c})
     * @param requests how many
     * @param envelope what Herald publishes
     * @return requests per second
     */
    double publishRate(int clients, int requests, Envelope envelope) throws Exception {
        String channel = "bench:" + "x".repeat(Math.max(0, envelope.channel().length() - 6));
        int port = ports.get(0);
        if (cluster && "SPUBLISH".equals(envelope.command())) {
            for (int candidate : ports) {
                if (!cli(candidate, "spublish", channel, "probe").contains("MOVED")) {
                    port = candidate;
                    break;
                }
            }
        }
        Process benchmark = new ProcessBuilder("redis-benchmark", "-p", Integer.toString(port), "-c", Integer.toString(clients),
                "-n", Integer.toString(requests), "-q", envelope.command().toLowerCase(Locale.ROOT), channel, envelope.payload())
                .redirectErrorStream(true).start();
        String output = new String(benchmark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        benchmark.waitFor();
        Matcher matcher = RPS.matcher(output);
        double rate = Double.NaN;
        while (matcher.find()) {
            rate = Double.parseDouble(matcher.group(1));
        }
        return rate;
    }

    private static String cli(int port, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        line.addAll(List.of(command));
        Process cli = new ProcessBuilder(line).redirectErrorStream(true).start();
        String answer = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        cli.waitFor();
        return answer;
    }

    private static void await(Callable<Boolean> condition, String failure) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (condition.call()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException(failure);
    }

    /** @return a free port; for a cluster node also its bus port (port + 10000) */
    private static int freePort(boolean cluster) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            if (!cluster) {
                return port;
            }
            if (port + 10_000 <= 65_535) {
                try (ServerSocket bus = new ServerSocket(port + 10_000)) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no free port pair for a cluster node");
    }

    private void destroy() {
        servers.forEach(Process::destroy);
    }

    @Override
    public void close() throws InterruptedException {
        destroy();
        for (Process server : servers) {
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }
}
