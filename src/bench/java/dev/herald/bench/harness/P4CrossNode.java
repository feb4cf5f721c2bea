package dev.herald.bench.harness;

import dev.herald.bench.peers.entity.BenchMessage;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * P4, cross-node notify: a Redis of its own ({@code bench.p4.redis}: {@code single}, or {@code cluster}
 * for a Redis Cluster of 3 primaries and 3 replicas) and two Payara Micro nodes in cluster mode on it;
 * {@code bench.p4.cpus} ({@link CpuSplit}) puts the sending and the receiving side on CPUs of their own.
 * {@code p4Users} users connect to node B; node A's {@code NotificationService.notify} sends to random
 * users, so every message goes A → Redis → B → client.
 *
 * <ul>
 * <li>Throughput, for each count of {@code bench.p4.senders} (1 and 16): that many threads on A notify
 * as fast as the calls return; delivered messages per second (receipts over the time from the first
 * send to the last receipt), compared with {@code redis-benchmark} sending the envelope Herald publishes
 * (seen with {@code MONITOR} during the warm-up) from as many clients, on the same Redis, just before.</li>
 * <li>Latency at {@code p4Rate} messages/s (5,000) from one thread: p99 from A's send call to the
 * client's receipt, against the same rate sent by B to its own clients (local delivery); the difference
 * is what the hop through Redis adds.</li>
 * </ul>
 */
final class P4CrossNode {

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
        try (RedisUnderTest redis = RedisUnderTest.start(settings.p4RedisCluster(), settings.out())) {
            List<String> a = new ArrayList<>(redis.nodeProperties());
            a.add("-Dherald.cluster.node-id=bench-a");
            List<String> b = new ArrayList<>(redis.nodeProperties());
            b.add("-Dherald.cluster.node-id=bench-b");
            int portA = freePort();
            int portB = freePort();
            try (ServerProcess nodeProcessA = ServerProcess.start(settings.forServer(portA, a), "p4-node-a");
                 ServerProcess nodeProcessB = ServerProcess.start(settings.forServer(portB, b), "p4-node-b")) {
                ServerControl nodeA = new ServerControl(portA);
                ServerControl nodeB = new ServerControl(portB);
                CpuSplit cpus = settings.p4Cpus();
                String everyCpu = CpuSplit.all();
                try { // the harness itself is pinned too: P5 and the rest run on every CPU again
                    pin(cpus, redis, nodeProcessA, nodeProcessB); // at once: the threads the JVMs start from now on inherit it
                    nodeA.awaitReady(nodeProcessA, 300_000);
                    nodeB.awaitReady(nodeProcessB, 300_000);
                    pin(cpus, redis, nodeProcessA, nodeProcessB); // again: threads an unpinned thread started in between
                    measure(clients, report, redis, nodeA, nodeB, portB);
                } finally {
                    if (cpus.active()) {
                        CpuSplit.pin(ProcessHandle.current().pid(), everyCpu);
                    }
                }
            }
        }
    }

    private static void pin(CpuSplit cpus, RedisUnderTest redis, ServerProcess a, ServerProcess b) throws Exception {
        if (cpus.active()) {
            redis.pin(cpus.sending());
            CpuSplit.pin(a.pid(), cpus.sending());
            CpuSplit.pin(b.pid(), cpus.receiving());
            CpuSplit.pin(ProcessHandle.current().pid(), cpus.receiving()); // the clients and redis-benchmark
        }
    }

    private void measure(WsClients clients, Report report, RedisUnderTest redis, ServerControl nodeA, ServerControl nodeB,
                         int portB) throws Exception {
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
            RedisUnderTest.Envelope synthetic = new RedisUnderTest.Envelope("PUBLISH", "herald:deliver",
                    "bench-a\n1\n" + BenchMessage.now(0, 1, settings.messageSize()).json(), false);
            RedisUnderTest.Envelope envelope = redis.capture(() -> once(nodeA, users, settings.p4WarmupMs(), 0, 1), synthetic);
            int requests = settings.smoke() ? 10_000 : 50_000;
            List<Run> throughput = new ArrayList<>();
            List<Double> publish = new ArrayList<>();
            for (int senders : settings.p4Senders()) {
                publish.add(redis.publishRate(senders, requests, envelope));
                throughput.add(once(nodeA, users, settings.p4DurationMs(), 0, senders));
            }
            Run remote = once(nodeA, users, settings.p4DurationMs(), settings.p4Rate(), 1);
            Run local = once(nodeB, users, settings.p4DurationMs(), settings.p4Rate(), 1);
            List<Run> all = new ArrayList<>(throughput);
            all.addAll(List.of(remote, local));
            for (Run run : all) {
                if (run.received() < run.reached() || run.reached() == 0) {
                    report.problem("P4: " + run.reached() + " notifications found their user, clients received " + run.received());
                }
            }
            String vs = "P4 cross-node notify, " + users + " users on node B, " + redis.describe()
                    + (settings.p4Cpus().active() ? ", " + settings.p4Cpus().describe() : "")
                    + " (peer: redis-benchmark " + envelope.command() + " of Herald's " + envelope.payload().length()
                    + "-character envelope, as many clients as sending threads)";
            JsonArrayBuilder runs = Json.createArrayBuilder();
            for (int i = 0; i < throughput.size(); i++) {
                int senders = settings.p4Senders().get(i);
                Run run = throughput.get(i);
                report.row(vs, "delivered messages/s, " + senders + (senders == 1 ? " sending thread" : " sending threads"),
                        Report.number(run.perSecond()), Report.number(publish.get(i)), Report.ratio(run.perSecond(), publish.get(i)));
                runs.add(Json.createObjectBuilder().add("senders", senders).add("run", run.json())
                        .add("redisBenchmarkPerSecond", publish.get(i))
                        .add("ratio", publish.get(i) > 0 ? run.perSecond() / publish.get(i) : 0));
            }
            String at = "P4 at " + settings.p4Rate() + " messages/s, one sending thread (peer: the same sent to local sessions)";
            report.row(at, "latency p99, ms", Report.number(remote.p99Ms()), Report.number(local.p99Ms()),
                    Report.ratio(remote.p99Ms(), local.p99Ms()));
            report.row(at, "p99 added by Redis, ms", Report.number(remote.p99Ms() - local.p99Ms()), "–", "–");
            report.scenario("P4", Json.createObjectBuilder()
                    .add("users", users).add("messageBytes", settings.messageSize()).add("rate", settings.p4Rate())
                    .add("durationMs", settings.p4DurationMs()).add("redis", redis.describe())
                    .add("cpus", settings.p4Cpus().describe())
                    .add("envelope", Json.createObjectBuilder().add("command", envelope.command()).add("channel", envelope.channel())
                            .add("characters", envelope.payload().length()).add("capturedFromHerald", envelope.captured()))
                    .add("redisBenchmarkRequests", requests)
                    .add("throughput", runs)
                    .add("crossNodeAtRate", remote.json())
                    .add("localAtRate", local.json())
                    .add("p99AddedMs", remote.p99Ms() - local.p99Ms())
                    .build());
        } finally {
            clients.closeAll();
        }
    }

    private Run once(ServerControl sender, int users, long durationMs, int rate, int senders) throws Exception {
        long run = nextRun++;
        JsonObject result = sender.p4(users, run, durationMs, rate, settings.messageSize(), senders);
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

    /** @return a port nothing listens on now (P4's and P5's nodes) */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
