package dev.herald.bench.harness;

import dev.herald.bench.peers.control.ProcessFacts;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Map;

/**
 * P3, capacity: idle Herald connections (distinct users) opened in steps up to {@code p3Connections}
 * or until something gives; then as many idle raw-peer connections, for comparison. After each
 * step: the server's heap in use after a full GC, its RSS and open files, and the client's heap and
 * RSS. Per-connection figures are the growth over the empty server divided by the connections; each
 * climb starts a fresh server, so that RSS growth is not hidden by pages an earlier scenario touched.
 * At the first failed handshakes a few connections are given back, so that the server can answer.
 * Destinations rotate over 127.0.0.1..127.0.0.n (one address per 20,000 connections) so that the
 * ephemeral port range is never the limit.
 */
final class P3Capacity {

    private static final int PER_ADDRESS = 20_000;

    /** The figures of one peer's climb. */
    private record Climb(int held, double heapPer, double rssPer, double clientHeapPer, double clientRssPer,
                         double idleCpuPercent, String limit, JsonObject json) {
    }

    /** Handshakes given back at the limit, so that the server has a file descriptor to answer with. */
    private static final int RELEASE_AT_LIMIT = 50;

    private final Settings settings;
    private final Servers servers;
    private ServerControl server;

    P3Capacity(Settings settings, Servers servers) {
        this.settings = settings;
        this.servers = servers;
    }

    void run(WsClients clients, Report report) throws Exception {
        int target = settings.p3Connections();
        Climb herald = climb(clients, true, target);
        Climb raw = climb(clients, false, Math.max(1, herald.held()));
        if (settings.smoke() && herald.held() < target) {
            report.problem("P3: only " + herald.held() + " of " + target + " connections: " + herald.limit());
        }
        String vs = "P3 capacity, idle connections (peer: raw, same count)";
        report.row(vs, "connections held", String.format("%,d of %,d", herald.held(), target), String.format("%,d", raw.held()), "–");
        report.row(vs, "server heap after GC per connection", kib(herald.heapPer()), kib(raw.heapPer()), Report.ratio(herald.heapPer(), raw.heapPer()));
        report.row(vs, "server RSS per connection", kib(herald.rssPer()), kib(raw.rssPer()), Report.ratio(herald.rssPer(), raw.rssPer()));
        report.row(vs, "client (JDK WebSocket) heap after GC per connection", kib(herald.clientHeapPer()), kib(raw.clientHeapPer()), "–");
        report.row(vs, "server CPU while all idle (heartbeats included), % of one core", Report.number(herald.idleCpuPercent()),
                Report.number(raw.idleCpuPercent()), "–");
        report.row(vs, "limit hit", herald.limit().replace('|', '/'), raw.limit().replace('|', '/'), "–");
        report.scenario("P3", Json.createObjectBuilder()
                .add("target", target)
                .add("herald", herald.json())
                .add("raw", raw.json())
                .build());
    }

    private Climb climb(WsClients clients, boolean herald, int target) throws Exception {
        if (server == null || settings.p3FreshServer()) {
            server = settings.p3FreshServer() ? servers.fresh(settings.kind().key() + (herald ? "-p3-herald" : "-p3-raw")) : servers.control();
        }
        int addresses = Math.max(1, (target + PER_ADDRESS - 1) / PER_ADDRESS);
        JsonObject base = server.memory(true);
        long clientHeap0 = clientHeapAfterGc();
        long clientRss0 = ProcessFacts.rssBytes();
        JsonArrayBuilder steps = Json.createArrayBuilder();
        JsonObject last = base;
        int connected = 0;
        String limit = null;
        while (connected < target && limit == null) {
            int from = connected;
            int batch = Math.min(settings.p3Step(), target - connected);
            WsClients.Opened opened = clients.open(batch, i -> target(herald, 1 + (from + i) % addresses, from + i + 1),
                    settings.connectConcurrency());
            connected = clients.size();
            if (opened.failed() > 0) {
                clients.release(RELEASE_AT_LIMIT);
                connected = clients.size();
                Thread.sleep(2_000); // let the server notice the released connections
            }
            try {
                last = server.memory(true);
            } catch (Exception e) {
                limit = "the server stopped answering at " + connected + " connections: " + WsClients.describe(e);
                break;
            }
            if (opened.failed() > 0) {
                limit = String.format("%d of %d handshakes failed at %,d connections (%s); then server open files %,d of limit %,d,"
                                + " client %,d of %,d", opened.failed(), batch, connected + RELEASE_AT_LIMIT, opened.firstError(),
                        last.getJsonNumber("openFiles").longValue(), last.getJsonNumber("maxOpenFiles").longValue(),
                        ProcessFacts.openFiles() + RELEASE_AT_LIMIT, ProcessFacts.maxOpenFiles());
            }
            steps.add(Json.createObjectBuilder().add("connections", connected).add("server", last)
                    .add("clientHeapUsedBytes", clientHeapAfterGc()).add("clientRssBytes", ProcessFacts.rssBytes())
                    .add("clientOpenFiles", ProcessFacts.openFiles()));
            System.out.printf("P3 %s: %,d connections, server heap %s, RSS %s, %d files%n", herald ? "Herald" : "raw", connected,
                    Report.megabytes(last.getJsonNumber("heapUsedBytes").longValue()),
                    Report.megabytes(last.getJsonNumber("rssBytes").longValue()), last.getJsonNumber("openFiles").longValue());
        }
        int held = herald ? last.getInt("heraldUsers") : last.getInt("rawSessions");
        double idleCpu = idleCpuPercent();
        double heapPer = perConnection(last, base, "heapUsedBytes", held);
        double rssPer = perConnection(last, base, "rssBytes", held);
        double clientHeapPer = connected == 0 ? Double.NaN : (double) (clientHeapAfterGc() - clientHeap0) / connected;
        double clientRssPer = connected == 0 ? Double.NaN : (double) (ProcessFacts.rssBytes() - clientRss0) / connected;
        clients.closeAll();
        String limitText = limit != null ? limit : String.format("none up to the target (%,d)", target);
        JsonObject json = Json.createObjectBuilder()
                .add("target", target).add("connected", connected).add("registered", held)
                .add("destinationAddresses", addresses).add("limit", limitText)
                .add("serverHeapPerConnectionBytes", heapPer).add("serverRssPerConnectionBytes", rssPer)
                .add("clientHeapPerConnectionBytes", clientHeapPer).add("clientRssPerConnectionBytes", clientRssPer)
                .add("idleServerCpuPercentOfOneCore", idleCpu).add("idleWindowMs", settings.p3IdleMs())
                .add("settleMs", settings.p3SettleMs())
                .add("empty", base).add("steps", steps)
                .build();
        return new Climb(held, heapPer, rssPer, clientHeapPer, clientRssPer, idleCpu, limitText, json);
    }

    /**
     * The server's CPU use while every connection idles (heartbeat pings and the sweep included: the
     * window should span a heartbeat interval), as a percentage of one core. Measured after
     * {@code bench.p3.settle-ms}, so that the JIT compilations and collections the connect phase set
     * off are over and do not count as idle cost.
     */
    private double idleCpuPercent() throws Exception {
        Thread.sleep(settings.p3SettleMs());
        long cpu0 = server.memory(false).getJsonNumber("cpuTimeNanos").longValue();
        long t0 = System.nanoTime();
        Thread.sleep(settings.p3IdleMs());
        long cpu1 = server.memory(false).getJsonNumber("cpuTimeNanos").longValue();
        return cpu0 < 0 ? Double.NaN : 100.0 * (cpu1 - cpu0) / (System.nanoTime() - t0);
    }

    private WsClients.Target target(boolean herald, int address, int user) {
        String base = "ws://127.0.0." + address + ":" + settings.port() + "/herald/";
        return herald
                ? new WsClients.Target(URI.create(base + "ws"), Map.of("X-Bench-User", Integer.toString(user)))
                : new WsClients.Target(URI.create(base + "raw/" + user), Map.of());
    }

    private static double perConnection(JsonObject now, JsonObject base, String key, int connections) {
        return connections == 0 ? Double.NaN
                : (double) (now.getJsonNumber(key).longValue() - base.getJsonNumber(key).longValue()) / connections;
    }

    private static String kib(double value) {
        return Double.isNaN(value) ? "–" : String.format("%,.1f KiB", value / 1024);
    }

    private static long clientHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
