package dev.herald.bench.harness;

import dev.herald.bench.peers.entity.BenchMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * P4, cross-node notify: a redis-server of its own and two Payara Micro nodes in cluster mode on it.
 * {@code p4Users} users connect to node B; node A's {@code NotificationService.notify} sends to random
 * users, so every message goes A → Redis → B → client.
 *
 * <ul>
 * <li>Throughput: one thread on A notifies as fast as the calls return; delivered messages per second
 * (receipts over the time from the first send to the last receipt), compared with
 * {@code redis-benchmark}'s PUBLISH rate of a same-size envelope from one client (one synchronous round
 * trip at a time, as one sending thread does) on the same machine, just before.</li>
 * <li>Latency at {@code p4Rate} messages/s (5,000): p99 from A's send call to the client's receipt,
 * against the same rate sent by B to its own clients (local delivery); the difference is what the hop
 * through Redis adds.</li>
 * </ul>
 */
final class P4CrossNode {

    private static final Pattern RPS = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) requests per second");

    private final Settings settings;
    private final Inbox inbox;
    private long nextRun = 4_000_000;

    P4CrossNode(Settings settings, Inbox inbox) {
        this.settings = settings;
        this.inbox = inbox;
    }

    /** Receipts of one run. */
    private record Run(long sent, long reached, long received, double perSecond, double p50Ms, double p99Ms) {
        JsonObject json() {
            return Json.createObjectBuilder().add("sent", sent).add("reached", reached).add("received", received)
                    .add("deliveredPerSecond", perSecond).add("p50Ms", p50Ms).add("p99Ms", p99Ms).build();
        }
    }

    void run(WsClients clients, Report report) throws Exception {
        int redisPort = freePort();
        Path redisLog = settings.out().resolve("p4-redis.log");
        Files.createDirectories(settings.out());
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(redisLog.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(redis::destroyForcibly));
        try {
            String envelope = "bench-a\n1\n" + BenchMessage.now(0, 1, settings.messageSize()).json();
            awaitRedis(redisPort);
            double publishOneClient = redisBenchmark(redisPort, 1, envelope);
            double publishFiftyClients = redisBenchmark(redisPort, 50, envelope);
            String uri = "-Dherald.redis.uri=redis://127.0.0.1:" + redisPort;
            int portA = freePort();
            int portB = freePort();
            try (ServerProcess a = ServerProcess.start(settings.forServer(portA, List.of(uri, "-Dherald.cluster.node-id=bench-a")), "p4-node-a");
                 ServerProcess b = ServerProcess.start(settings.forServer(portB, List.of(uri, "-Dherald.cluster.node-id=bench-b")), "p4-node-b")) {
                ServerControl nodeA = new ServerControl(portA);
                ServerControl nodeB = new ServerControl(portB);
                nodeA.awaitReady(a, 300_000);
                nodeB.awaitReady(b, 300_000);
                measure(clients, report, nodeA, nodeB, portB, publishOneClient, publishFiftyClients);
            }
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void measure(WsClients clients, Report report, ServerControl nodeA, ServerControl nodeB, int portB,
                         double publishOneClient, double publishFiftyClients) throws Exception {
        int users = settings.p4Users();
        URI ws = URI.create("ws://127.0.0.1:" + portB + "/herald/ws");
        WsClients.Opened opened = clients.open(users, i -> new WsClients.Target(ws, Map.of("X-Bench-User", Long.toString(i + 1))),
                settings.connectConcurrency());
        try {
            if (opened.failed() > 0) {
                report.problem("P4: " + opened.failed() + " clients failed to connect: " + opened.firstError());
                return;
            }
            Inbox.await(() -> heraldUsers(nodeB) >= users, 30_000);
            once(nodeA, users, settings.p4WarmupMs(), 0);
            Run throughput = once(nodeA, users, settings.p4DurationMs(), 0);
            Run remote = once(nodeA, users, settings.p4DurationMs(), settings.p4Rate());
            Run local = once(nodeB, users, settings.p4DurationMs(), settings.p4Rate());
            for (Run run : List.of(throughput, remote, local)) {
                if (run.received() < run.reached() || run.reached() == 0) {
                    report.problem("P4: " + run.reached() + " notifications found their user, clients received " + run.received());
                }
            }
            String vs = "P4 cross-node notify, " + users + " users on node B (peer: redis-benchmark PUBLISH, 1 client)";
            report.row(vs, "delivered messages/s", Report.number(throughput.perSecond()), Report.number(publishOneClient),
                    Report.ratio(throughput.perSecond(), publishOneClient));
            String at = "P4 at " + settings.p4Rate() + " messages/s (peer: the same sent to local sessions)";
            report.row(at, "latency p99, ms", Report.number(remote.p99Ms()), Report.number(local.p99Ms()),
                    Report.ratio(remote.p99Ms(), local.p99Ms()));
            report.row(at, "p99 added by Redis, ms", Report.number(remote.p99Ms() - local.p99Ms()), "–", "–");
            report.scenario("P4", Json.createObjectBuilder()
                    .add("users", users).add("messageBytes", settings.messageSize()).add("rate", settings.p4Rate())
                    .add("durationMs", settings.p4DurationMs())
                    .add("redisBenchmarkPublishPerSecond", Json.createObjectBuilder()
                            .add("clients1", publishOneClient).add("clients50", publishFiftyClients))
                    .add("throughput", throughput.json())
                    .add("ratioToPublishOneClient", publishOneClient > 0 ? throughput.perSecond() / publishOneClient : 0)
                    .add("ratioToPublishFiftyClients", publishFiftyClients > 0 ? throughput.perSecond() / publishFiftyClients : 0)
                    .add("crossNodeAtRate", remote.json())
                    .add("localAtRate", local.json())
                    .add("p99AddedMs", remote.p99Ms() - local.p99Ms())
                    .build());
        } finally {
            clients.closeAll();
        }
    }

    private Run once(ServerControl sender, int users, long durationMs, int rate) throws Exception {
        long run = nextRun++;
        JsonObject result = sender.p4(users, run, durationMs, rate, settings.messageSize(), 1);
        long reached = result.getJsonNumber("reached").longValue();
        Inbox.Run receipts = inbox.run(run);
        Inbox.await(() -> receipts.count() >= reached, 30_000);
        long start = result.getJsonNumber("startNanos").longValue();
        Histogram latencies = receipts.latencies();
        double seconds = (receipts.lastReceiptNanos() - start) / 1e9;
        return new Run(result.getJsonNumber("sent").longValue(), reached, receipts.count(),
                seconds > 0 ? receipts.count() / seconds : 0,
                latencies.getValueAtPercentile(50) / 1000.0, latencies.getValueAtPercentile(99) / 1000.0);
    }

    private static int heraldUsers(ServerControl node) {
        try {
            return node.memory(false).getInt("heraldUsers");
        } catch (Exception e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitRedis(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Process ping = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "ping").redirectErrorStream(true).start();
            String answer = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (ping.waitFor() == 0 && "PONG".equals(answer)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("redis-server on port " + port + " did not answer");
    }

    /** @return PUBLISH requests per second that redis-benchmark measured with this many clients */
    private static double redisBenchmark(int port, int clients, String message) throws Exception {
        Process benchmark = new ProcessBuilder("redis-benchmark", "-p", Integer.toString(port), "-c", Integer.toString(clients),
                "-n", "50000", "-q", "publish", "herald:deliver", message)
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
}
