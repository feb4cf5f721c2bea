package dev.herald.bench.harness;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * P5, groups across two nodes (issue 18): a Redis of its own and two Payara Micro nodes A and B in
 * cluster mode on it, started with {@code -Dbench.groups=bench:all} so that the bench WAR's
 * {@code BenchGroups} resolver puts every connecting user in {@value #GROUP}. {@code p5Users} users
 * connect, one session each, half to A and half to B.
 *
 * <ul>
 * <li>Group against broadcast: each round, node A makes one {@code sendToGroup(bench:all)}, then one
 * {@code broadcast} to the same sessions; a round's time runs from the send call's start (A's
 * {@code nanoTime}) to the last member session's receipt (this process's, the same clock). p50 and max
 * over {@code p5Rounds} rounds after {@code p5WarmupRounds}.</li>
 * <li>Join cost: {@code p5Joins} more users, each with one session on A and one on B and not in
 * {@value #LATE}; node A calls {@code join(user, bench:late)} and right after it one
 * {@code sendToGroup(bench:late)}: p50 and p99 of the join call, and of the time from the join's start
 * until both of the user's sessions have the message. The user then leaves, so that each join's message
 * has exactly two recipients (more receipts than sessions is a problem, as in the rounds).</li>
 * </ul>
 * A member session that has not received a round within 30 s is a problem (a lost message); the
 * figures themselves are never asserted.
 */
final class P5Groups {

    /** Every connecting user's group on P5's nodes. */
    static final String GROUP = "bench:all";
    /** The group the join part adds users to. */
    static final String LATE = "bench:late";
    private static final long LIMIT_MS = 30_000;

    private final Settings settings;
    private final Inbox inbox;
    private final List<long[]> expected = new ArrayList<>(); // {run, sessions} of every round, checked for duplicates at the end
    private long nextRun = 5_000_000;

    P5Groups(Settings settings, Inbox inbox) {
        this.settings = settings;
        this.inbox = inbox;
    }

    /** One send's outcome: round time and call time in ms (NaN when a member never received it). */
    private record Round(double ms, double callMs) {
    }

    void run(WsClients clients, Report report) throws Exception {
        try (RedisUnderTest redis = RedisUnderTest.start(false, settings.out())) {
            int portA = P4CrossNode.freePort();
            int portB = P4CrossNode.freePort();
            try (ServerProcess processA = ServerProcess.start(settings.forServer(portA, node(redis, "bench-a")), "p5-node-a");
                 ServerProcess processB = ServerProcess.start(settings.forServer(portB, node(redis, "bench-b")), "p5-node-b")) {
                ServerControl nodeA = new ServerControl(portA);
                ServerControl nodeB = new ServerControl(portB);
                nodeA.awaitReady(processA, 300_000);
                nodeB.awaitReady(processB, 300_000);
                try {
                    measure(clients, report, redis, nodeA, nodeB, portA, portB);
                } finally {
                    clients.closeAll();
                }
            }
        }
    }

    private static List<String> node(RedisUnderTest redis, String id) {
        List<String> properties = new ArrayList<>(redis.nodeProperties());
        properties.add("-Dherald.cluster.node-id=" + id);
        properties.add("-Dbench.groups=" + GROUP);
        return properties;
    }

    private void measure(WsClients clients, Report report, RedisUnderTest redis, ServerControl nodeA, ServerControl nodeB,
                         int portA, int portB) throws Exception {
        int users = settings.p5Users();
        int onA = users / 2;
        URI wsA = URI.create("ws://127.0.0.1:" + portA + "/herald/ws");
        URI wsB = URI.create("ws://127.0.0.1:" + portB + "/herald/ws");
        WsClients.Opened opened = clients.open(users, i -> new WsClients.Target(i < onA ? wsA : wsB,
                Map.of("X-Bench-User", Long.toString(i + 1))), settings.connectConcurrency());
        if (opened.failed() > 0) {
            report.problem("P5: " + opened.failed() + " clients failed to connect: " + opened.firstError());
            return;
        }
        if (!Inbox.await(() -> sessionsIn(nodeA, GROUP) >= onA && sessionsIn(nodeB, GROUP) >= users - onA, LIMIT_MS)) {
            report.problem("P5: " + GROUP + " has " + sessionsIn(nodeA, GROUP) + " sessions on A and " + sessionsIn(nodeB, GROUP)
                    + " on B, not " + onA + " and " + (users - onA) + ", 30 s after they connected");
            return;
        }
        List<Round> group = new ArrayList<>();
        List<Round> broadcast = new ArrayList<>();
        int warmup = settings.p5WarmupRounds();
        for (int i = 0; i < warmup + settings.p5Rounds(); i++) {
            Round g = round(nodeA, "GROUP", users, report);
            Round b = round(nodeA, "BROADCAST", users, report);
            if (i >= warmup) {
                group.add(g);
                broadcast.add(b);
            }
        }
        List<double[]> joins = joins(clients, report, nodeA, nodeB, users, onA, wsA, wsB);
        checkDuplicates(report);

        double[] groupMs = group.stream().mapToDouble(Round::ms).toArray();
        double[] broadcastMs = broadcast.stream().mapToDouble(Round::ms).toArray();
        String vs = "P5 group of " + users + " users over 2 nodes (peer: one broadcast to the same sessions)";
        report.row(vs, "sendToGroup, time until every member has it, p50 ms", Report.number(percentile(groupMs, 50)),
                Report.number(percentile(broadcastMs, 50)), Report.ratio(percentile(groupMs, 50), percentile(broadcastMs, 50)));
        report.row(vs, "sendToGroup, time until every member has it, max ms", Report.number(percentile(groupMs, 100)),
                Report.number(percentile(broadcastMs, 100)), Report.ratio(percentile(groupMs, 100), percentile(broadcastMs, 100)));
        double[] joinMs = joins.stream().mapToDouble(j -> j[0]).toArray();
        double[] bothMs = joins.stream().mapToDouble(j -> j[1]).toArray();
        String late = "P5 join on A of a user with a session on A and one on B, then sendToGroup from A";
        report.row(late, "join call, p50 / p99 ms", Report.number(percentile(joinMs, 50)) + " / " + Report.number(percentile(joinMs, 99)), "–", "–");
        report.row(late, "join start → both sessions have the message, p50 / p99 ms",
                Report.number(percentile(bothMs, 50)) + " / " + Report.number(percentile(bothMs, 99)), "–", "–");
        report.scenario("P5", Json.createObjectBuilder()
                .add("users", users).add("usersOnA", onA).add("usersOnB", users - onA).add("group", GROUP)
                .add("messageBytes", settings.messageSize()).add("warmupRounds", warmup).add("rounds", settings.p5Rounds())
                .add("redis", redis.describe())
                .add("sendToGroup", figures(group, groupMs))
                .add("broadcast", figures(broadcast, broadcastMs))
                .add("ratioP50", percentile(broadcastMs, 50) > 0 ? percentile(groupMs, 50) / percentile(broadcastMs, 50) : 0)
                .add("joins", Json.createObjectBuilder().add("group", LATE).add("users", joins.size())
                        .add("joinCallMs", stats(joinMs)).add("joinToBothSessionsMs", stats(bothMs)))
                .build());
    }

    /** Opens the join users' two sessions each and measures every join; each entry: {join call ms, join start to both receipts ms}. */
    private List<double[]> joins(WsClients clients, Report report, ServerControl nodeA, ServerControl nodeB, int users, int onA,
                                 URI wsA, URI wsB) throws Exception {
        int count = settings.p5Joins();
        List<double[]> joins = new ArrayList<>();
        WsClients.Opened opened = clients.open(2 * count, i -> new WsClients.Target(i % 2 == 0 ? wsA : wsB,
                Map.of("X-Bench-User", Long.toString(users + 1 + i / 2))), settings.connectConcurrency());
        if (opened.failed() > 0) {
            report.problem("P5: " + opened.failed() + " join clients failed to connect: " + opened.firstError());
            return joins;
        }
        if (!Inbox.await(() -> sessionsIn(nodeA, GROUP) >= onA + count && sessionsIn(nodeB, GROUP) >= users - onA + count, LIMIT_MS)) {
            report.problem("P5: the join users' sessions were not all registered on A and B within 30 s");
            return joins;
        }
        for (int i = 0; i < count; i++) {
            long run = nextRun++;
            Inbox.Run receipts = inbox.run(run);
            expected.add(new long[] {run, 2});
            JsonObject result = nodeA.p5Join(users + 1 + i, LATE, run, settings.messageSize());
            long start = result.getJsonNumber("startNanos").longValue();
            double joinMs = result.getJsonNumber("joinNanos").longValue() / 1e6;
            if (Inbox.await(() -> receipts.count() >= 2, LIMIT_MS)) {
                joins.add(new double[] {joinMs, (receipts.lastReceiptNanos() - start) / 1e6});
            } else {
                report.problem("P5: user " + (users + 1 + i) + " joined " + LATE + " on A; " + receipts.count()
                        + " of its 2 sessions received the group's next message within 30 s");
            }
            nodeA.p5Leave(users + 1 + i, LATE); // the next joiner's message must reach its own two sessions only
        }
        return joins;
    }

    private Round round(ServerControl sender, String send, int sessions, Report report) throws Exception {
        long run = nextRun++;
        Inbox.Run receipts = inbox.run(run);
        expected.add(new long[] {run, sessions});
        JsonObject result = sender.p5Send(send, GROUP, run, settings.messageSize());
        long start = result.getJsonNumber("startNanos").longValue();
        double callMs = result.getJsonNumber("callNanos").longValue() / 1e6;
        if (!Inbox.await(() -> receipts.count() >= sessions, LIMIT_MS)) {
            report.problem("P5: " + send + " round " + run + " reached " + receipts.count() + " of " + sessions
                    + " member sessions within 30 s");
            return new Round(Double.NaN, callMs);
        }
        return new Round((receipts.lastReceiptNanos() - start) / 1e6, callMs);
    }

    /** Plain sessions get each message at most once: more receipts than sessions is a problem too. */
    private void checkDuplicates(Report report) {
        for (long[] round : expected) {
            long count = inbox.run(round[0]).count();
            if (count > round[1]) {
                report.problem("P5: round " + round[0] + " was received " + count + " times by " + round[1] + " sessions");
            }
        }
    }

    /** @return the rounds' times (call start to the last member's receipt) and the send calls' own durations */
    private static JsonObjectBuilder figures(List<Round> rounds, double[] ms) {
        return Json.createObjectBuilder().add("roundMs", stats(ms)).add("callMs", stats(rounds.stream().mapToDouble(Round::callMs).toArray()));
    }

    private static JsonObjectBuilder stats(double[] ms) {
        JsonArrayBuilder raw = Json.createArrayBuilder();
        for (double value : ms) {
            raw.add(number(value));
        }
        return Json.createObjectBuilder().add("raw", raw).add("p50", number(percentile(ms, 50)))
                .add("p99", number(percentile(ms, 99))).add("max", number(percentile(ms, 100)));
    }

    /** JSON has no NaN: a lost round is -1. */
    private static double number(double value) {
        return Double.isNaN(value) ? -1 : value;
    }

    /** @return the nearest-rank percentile of the measured values (NaN left out), NaN when there are none */
    static double percentile(double[] values, double percent) {
        double[] sorted = java.util.Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static int sessionsIn(ServerControl node, String group) {
        try {
            return node.p5Presence(group).getInt("sessions");
        } catch (Exception e) {
            return 0;
        }
    }
}
