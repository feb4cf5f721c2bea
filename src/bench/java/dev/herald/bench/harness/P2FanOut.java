package dev.herald.bench.harness;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * P2, fan-out with stalled clients: {@code p2Clients} clients of which {@code p2Stalled} (1 %) never
 * read; the server broadcasts a ~200-byte message, the harness waits until every healthy client has
 * it, then starts the next round. Figure: the time from the broadcast call to the last healthy
 * receipt, p50/p99 over rounds (median over repetitions). Three configurations in turn, each with
 * its own connections: Herald with stalled clients, naive without, naive with (which is expected to
 * block: a round that is not complete within {@code p2RoundLimitMs} ends the configuration).
 */
final class P2FanOut {

    private final Settings settings;
    private final ServerControl server;
    private final Inbox inbox;
    private long nextRound = 1_000_000;

    P2FanOut(Settings settings, ServerControl server, Inbox inbox) {
        this.settings = settings;
        this.server = server;
        this.inbox = inbox;
    }

    /** The rounds of one configuration. */
    private record Outcome(double p50Ms, double p99Ms, int roundsCompleted, int blockedAtRound, long missing, JsonObject json) {
    }

    void run(WsClients clients, Report report) throws Exception {
        int total = settings.p2Clients();
        int stalledEvery = Math.max(1, total / Math.max(1, settings.p2Stalled()));
        int healthy = total - total / stalledEvery;
        int measured = settings.p2Rounds() * settings.p2Repetitions();

        Outcome herald = configuration("herald", "HERALD", clients, total, stalledEvery, true, measured, report);
        Outcome clean = configuration("naive", "NAIVE", clients, total, stalledEvery, false, measured, report);
        Outcome stalled = configuration("naive", "NAIVE", clients, total, stalledEvery, true,
                Math.max(measured, settings.p2StalledMaxRounds()), report);

        if (herald.blockedAtRound() > 0 || herald.roundsCompleted() < measured) {
            report.problem("P2: Herald's round " + herald.blockedAtRound() + " did not reach every healthy client ("
                    + herald.missing() + " missing after " + settings.p2RoundLimitMs() + " ms)");
        }
        String vs = "P2 fan-out, " + total + " clients (" + (total - healthy) + " stalled for Herald)";
        report.row(vs, "all healthy have it, p50 ms (peer: naive, none stalled)", Report.number(herald.p50Ms()),
                Report.number(clean.p50Ms()), Report.ratio(herald.p50Ms(), clean.p50Ms()));
        report.row(vs, "all healthy have it, p99 ms (peer: naive, none stalled)", Report.number(herald.p99Ms()),
                Report.number(clean.p99Ms()), Report.ratio(herald.p99Ms(), clean.p99Ms()));
        String naiveStalled = stalled.blockedAtRound() > 0
                ? "blocked at round " + stalled.blockedAtRound() + ": " + stalled.missing() + " of " + healthy
                  + " healthy clients still without it after " + settings.p2RoundLimitMs() + " ms"
                : "p50 " + Report.number(stalled.p50Ms()) + " / p99 " + Report.number(stalled.p99Ms())
                  + " ms, not blocked in " + stalled.roundsCompleted() + " rounds";
        report.row(vs, "naive with the same stalled clients", "–", naiveStalled, "–");
        JsonObject heraldAfter = herald.json().getJsonObject("serverAfter").getJsonObject("herald");
        report.row(vs, "stalled clients Herald closed (4000 slow consumer / 4001 heartbeat)",
                heraldAfter.getJsonNumber("slowConsumerCloses") + " / " + heraldAfter.getJsonNumber("heartbeatCloses"), "–", "–");
        if (herald.json().containsKey("stalledFill")) {
            JsonObject fill = herald.json().getJsonObject("stalledFill");
            report.row(vs, "bytes the container took per stalled client before a write stalled (avg)",
                    Report.megabytes(fill.getJsonNumber("acceptedBytesAvg").doubleValue()), "–", "–");
        }
        report.scenario("P2", Json.createObjectBuilder()
                .add("clients", total).add("healthy", healthy).add("stalled", total - healthy)
                .add("messageBytes", settings.messageSize()).add("warmupRounds", settings.p2WarmupRounds())
                .add("roundsPerRepetition", settings.p2Rounds()).add("repetitions", settings.p2Repetitions())
                .add("roundLimitMs", settings.p2RoundLimitMs())
                .add("heraldWithStalled", herald.json()).add("naiveWithoutStalled", clean.json())
                .add("naiveWithStalled", stalled.json())
                .build());
    }

    private Outcome configuration(String path, String peer, WsClients clients, int total, int stalledEvery,
                                  boolean withStalled, int maxRounds, Report report) throws Exception {
        String ws = "ws://127.0.0.1:" + settings.port() + "/herald/";
        boolean herald = "HERALD".equals(peer);
        int healthy = total - total / stalledEvery;
        int[] ids = new int[healthy];
        for (int id = 1, i = 0; id <= total; id++) {
            if (id % stalledEvery != 0) {
                ids[i++] = id;
            }
        }
        WsClients.Opened opened = clients.open(healthy, i -> herald
                ? new WsClients.Target(URI.create(ws + "ws"), Map.of("X-Bench-User", Integer.toString(ids[i])))
                : new WsClients.Target(URI.create(ws + "naive/" + ids[i]), Map.of()), settings.connectConcurrency());
        try (StalledClients stalled = new StalledClients()) {
            if (opened.failed() > 0) {
                throw new IOException("P2: " + opened.failed() + " clients failed to connect: " + opened.firstError());
            }
            StringBuilder stalledIds = new StringBuilder();
            if (withStalled) {
                for (int id = stalledEvery; id <= total; id += stalledEvery) {
                    stalled.open("127.0.0.1", settings.port(), herald ? "/herald/ws" : "/herald/naive/" + id,
                            herald ? Map.of("X-Bench-User", Integer.toString(id)) : Map.of());
                    stalledIds.append(stalledIds.isEmpty() ? "" : ",").append(id);
                }
            }
            int expected = healthy + stalled.size();
            Inbox.await(() -> registered(herald, expected), 60_000);
            JsonObject fill = withStalled ? server.fill(peer, stalledIds.toString()) : null;
            JsonObject before = server.memory(true);
            Outcome outcome = rounds(peer, healthy, maxRounds);
            JsonObject after = server.memory(true);
            JsonObjectBuilder json = Json.createObjectBuilder(outcome.json())
                    .add("peer", peer).add("stalledClients", stalled.size()).add("healthyClients", healthy)
                    .add("serverBefore", before).add("serverAfter", after);
            if (fill != null) {
                json.add("stalledFill", fill);
            }
            return new Outcome(outcome.p50Ms(), outcome.p99Ms(), outcome.roundsCompleted(), outcome.blockedAtRound(),
                    outcome.missing(), json.build());
        } finally {
            clients.closeAll(); // the stalled sockets are reset by try-with-resources, freeing a blocked writer
            Inbox.await(() -> registered(herald, 0) , 60_000);
            inbox.clear();
        }
    }

    private boolean registered(boolean herald, int expected) {
        try {
            JsonObject memory = server.memory(false);
            int count = herald ? memory.getInt("heraldUsers") : memory.getInt("naiveSessions");
            return expected == 0 ? count == 0 : count >= expected;
        } catch (Exception e) {
            return false;
        }
    }

    private Outcome rounds(String peer, int healthy, int maxRounds) throws Exception {
        int warmup = settings.p2WarmupRounds();
        int perRep = settings.p2Rounds();
        Histogram all = new Histogram(3);
        Histogram rep = new Histogram(3);
        JsonArrayBuilder reps = Json.createArrayBuilder();
        double[] p50 = new double[Math.max(1, maxRounds / perRep)];
        double[] p99 = new double[p50.length];
        int repsDone = 0;
        int completed = 0;
        for (int r = 1; r <= warmup + maxRounds; r++) {
            long round = nextRound++;
            Inbox.Run receipts = inbox.run(round);
            boolean started = Inbox.await(() -> startRound(peer, round), settings.p2RoundLimitMs());
            boolean complete = started && Inbox.await(() -> receipts.count() >= healthy, settings.p2RoundLimitMs());
            if (!complete) {
                return blocked(r, healthy - receipts.count(), completed, all, reps);
            }
            if (r <= warmup) {
                continue;
            }
            completed++;
            long micros = (receipts.lastReceiptNanos() - receipts.firstSentNanos()) / 1000;
            all.recordValue(micros);
            rep.recordValue(micros);
            if (rep.getTotalCount() == perRep) {
                p50[repsDone] = rep.getValueAtPercentile(50) / 1000.0;
                p99[repsDone] = rep.getValueAtPercentile(99) / 1000.0;
                reps.add(Json.createObjectBuilder().add("p50Ms", p50[repsDone]).add("p99Ms", p99[repsDone]));
                repsDone++;
                rep.reset();
            }
        }
        double m50 = Report.median(java.util.Arrays.copyOf(p50, repsDone));
        double m99 = Report.median(java.util.Arrays.copyOf(p99, repsDone));
        JsonObject json = Json.createObjectBuilder().add("p50Ms", m50).add("p99Ms", m99).add("roundsCompleted", completed)
                .add("blocked", false).add("repetitions", reps).add("maxRoundMs", all.getMaxValue() / 1000.0).build();
        return new Outcome(m50, m99, completed, 0, 0, json);
    }

    /** @return true when the round started; false (after a short pause) while the previous one runs */
    private boolean startRound(String peer, long round) {
        try {
            if (server.broadcast(peer, round, settings.messageSize())) {
                return true;
            }
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private Outcome blocked(int round, long missing, int completed, Histogram all, JsonArrayBuilder reps) {
        double p50 = all.getTotalCount() == 0 ? Double.NaN : all.getValueAtPercentile(50) / 1000.0;
        double p99 = all.getTotalCount() == 0 ? Double.NaN : all.getValueAtPercentile(99) / 1000.0;
        JsonObjectBuilder json = Json.createObjectBuilder().add("blocked", true).add("blockedAtRound", round)
                .add("healthyMissing", missing).add("roundsCompleted", completed).add("repetitions", reps);
        if (!Double.isNaN(p50)) {
            json.add("p50MsBeforeBlocking", p50).add("p99MsBeforeBlocking", p99);
        }
        return new Outcome(p50, p99, completed, round, missing, json.build());
    }
}
