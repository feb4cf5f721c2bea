package dev.herald.bench.harness;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.net.URI;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * P1, targeted throughput: {@code p1Users} users connected to Herald and as many to the raw peer; the
 * server sends ~200-byte messages to random users as fast as each path takes them (at most
 * {@code p1Window} unwritten) for a fixed time. Figures: delivered messages per second (receipts over
 * the time from the first send to the last receipt) and p50/p99 latency from the send call to the
 * client's receipt. Warm-up first, then repetitions alternating which peer goes first; medians.
 */
final class P1Targeted {

    private final Settings settings;
    private final ServerControl server;
    private final Inbox inbox;
    private long nextRun = 1;

    P1Targeted(Settings settings, ServerControl server, Inbox inbox) {
        this.settings = settings;
        this.server = server;
        this.inbox = inbox;
    }

    /** Figures of one run. */
    private record Run(double perSecond, double p50Ms, double p99Ms, long written, long received, JsonObject server) {
        JsonObject json() {
            return Json.createObjectBuilder().add("deliveredPerSecond", perSecond).add("p50Ms", p50Ms).add("p99Ms", p99Ms)
                    .add("written", written).add("received", received).add("server", server).build();
        }
    }

    void run(WsClients clients, Report report) throws Exception {
        int users = settings.p1Users();
        String ws = "ws://127.0.0.1:" + settings.port() + "/herald/";
        WsClients.Opened herald = clients.open(users, i -> new WsClients.Target(URI.create(ws + "ws"),
                Map.of("X-Bench-User", Long.toString(i + 1))), settings.connectConcurrency());
        WsClients.Opened raw = clients.open(users, i -> new WsClients.Target(URI.create(ws + "raw/" + (i + 1)), Map.of()),
                settings.connectConcurrency());
        if (herald.failed() + raw.failed() > 0) {
            report.problem("P1: " + (herald.failed() + raw.failed()) + " clients failed to connect: "
                    + (herald.firstError() != null ? herald.firstError() : raw.firstError()));
            return;
        }
        Inbox.await(() -> registered(users), 30_000);
        once("HERALD", settings.p1WarmupMs());
        once("RAW", settings.p1WarmupMs());
        int reps = settings.p1Repetitions();
        Run[] heraldRuns = new Run[reps];
        Run[] rawRuns = new Run[reps];
        for (int rep = 0; rep < reps; rep++) {
            if (rep % 2 == 0) {
                heraldRuns[rep] = once("HERALD", settings.p1DurationMs());
                rawRuns[rep] = once("RAW", settings.p1DurationMs());
            } else {
                rawRuns[rep] = once("RAW", settings.p1DurationMs());
                heraldRuns[rep] = once("HERALD", settings.p1DurationMs());
            }
        }
        clients.closeAll();
        for (Run run : heraldRuns) {
            if (run.received() < run.written() || run.written() == 0) {
                report.problem("P1: Herald wrote " + run.written() + " messages, clients received " + run.received());
            }
        }
        double hRate = Report.median(pick(heraldRuns, Run::perSecond));
        double rRate = Report.median(pick(rawRuns, Run::perSecond));
        double h50 = Report.median(pick(heraldRuns, Run::p50Ms));
        double r50 = Report.median(pick(rawRuns, Run::p50Ms));
        double h99 = Report.median(pick(heraldRuns, Run::p99Ms));
        double r99 = Report.median(pick(rawRuns, Run::p99Ms));
        String vs = "P1 targeted, " + users + " users (peer: raw)";
        report.row(vs, "delivered messages/s", Report.number(hRate), Report.number(rRate), Report.ratio(hRate, rRate));
        report.row(vs, "latency p50, ms", Report.number(h50), Report.number(r50), Report.ratio(h50, r50));
        report.row(vs, "latency p99, ms", Report.number(h99), Report.number(r99), Report.ratio(h99, r99));
        JsonArrayBuilder hJson = Json.createArrayBuilder();
        JsonArrayBuilder rJson = Json.createArrayBuilder();
        for (int rep = 0; rep < reps; rep++) {
            hJson.add(heraldRuns[rep].json());
            rJson.add(rawRuns[rep].json());
        }
        report.scenario("P1", Json.createObjectBuilder()
                .add("users", users).add("messageBytes", settings.messageSize()).add("window", settings.p1Window())
                .add("warmupMs", settings.p1WarmupMs()).add("durationMs", settings.p1DurationMs()).add("repetitions", reps)
                .add("herald", Json.createObjectBuilder().add("deliveredPerSecond", hRate).add("p50Ms", h50).add("p99Ms", h99).add("runs", hJson))
                .add("raw", Json.createObjectBuilder().add("deliveredPerSecond", rRate).add("p50Ms", r50).add("p99Ms", r99).add("runs", rJson))
                .add("ratioDelivered", rRate > 0 ? hRate / rRate : 0)
                .build());
    }

    private boolean registered(int users) {
        try {
            JsonObject memory = server.memory(false);
            return memory.getInt("heraldUsers") >= users && memory.getInt("rawSessions") >= users;
        } catch (Exception e) {
            return false;
        }
    }

    private Run once(String peer, long durationMs) throws Exception {
        long run = nextRun++;
        JsonObject result = server.p1(peer, settings.p1Users(), run, durationMs, settings.p1Window(), settings.messageSize());
        long written = result.getJsonNumber("written").longValue();
        Inbox.Run receipts = inbox.run(run);
        Inbox.await(() -> receipts.count() >= written, 30_000);
        long start = result.getJsonNumber("startNanos").longValue();
        Histogram latencies = receipts.latencies();
        double seconds = (receipts.lastReceiptNanos() - start) / 1e9;
        return new Run(receipts.count() / seconds, latencies.getValueAtPercentile(50) / 1000.0,
                latencies.getValueAtPercentile(99) / 1000.0, written, receipts.count(), result);
    }

    private static double[] pick(Run[] runs, java.util.function.ToDoubleFunction<Run> figure) {
        double[] values = new double[runs.length];
        for (int i = 0; i < runs.length; i++) {
            values[i] = figure.applyAsDouble(runs[i]);
        }
        return values;
    }
}
