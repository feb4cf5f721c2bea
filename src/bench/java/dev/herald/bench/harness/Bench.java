package dev.herald.bench.harness;

import dev.herald.bench.peers.control.ProcessFacts;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark harness: starts each server of {@code bench.servers} (Payara Micro, WildFly, Open
 * Liberty) in turn with the benchmark WAR (Herald plus the raw and naive peers), runs P1–P3 against it
 * from this process over loopback (then P4 against two Payara Micro cluster nodes on a Redis of its
 * own; then P5, groups, on two more), prints the table and writes
 * {@code results.json}. Exits with 1 when Herald failed functionally (lost messages, an incomplete
 * round); figures themselves are never asserted. See docs/performance.md.
 */
public final class Bench {

    private Bench() {
    }

    /**
     * @param args unused; settings are {@code -Dbench.*} system properties ({@link Settings})
     * @throws Exception when the server cannot be started or a scenario cannot run
     */
    public static void main(String[] args) throws Exception {
        // the servers close HTTP connections idle for 30 s; a POST sent on one the server just closed fails
        // with EOF and is not retried (P2's fill after minutes of connecting under load): close them first
        System.setProperty("jdk.httpclient.keepalive.timeout", System.getProperty("jdk.httpclient.keepalive.timeout", "10"));
        Settings settings = Settings.fromSystemProperties();
        Report report = new Report();
        Inbox inbox = new Inbox();
        long started = System.nanoTime();
        report.environment("startedAt", Instant.now().toString());
        report.environment("mode", settings.smoke() ? "smoke" : "full");
        report.environment("machine", Machine.facts());
        report.environment("client", ProcessFacts.jvm().add("openFilesLimit", ProcessFacts.maxOpenFiles()).build());
        try (WsClients clients = new WsClients(inbox, 2)) {
            List<String> commands = new ArrayList<>();
            for (ServerKind kind : settings.runs("P1") || settings.runs("P2") || settings.runs("P3") ? settings.servers() : List.<ServerKind>of()) {
                report.server(kind.label());
                try (ServerLock lock = kind.fixedPorts() ? ServerLock.acquire(settings.lock()) : null;
                     Servers servers = new Servers(settings.onServer(kind))) {
                    try {
                        p1ToP3(settings.onServer(kind), servers, clients, inbox, report);
                    } catch (Exception failed) { // the other servers still run
                        failed.printStackTrace();
                        report.problem(kind.label() + ": " + failed);
                        clients.closeAll();
                        inbox.clear();
                    }
                    commands.addAll(servers.commands());
                }
            }
            if (settings.runs("P4")) {
                report.server("Payara Micro, 2 nodes");
                System.out.println("P4: cross-node notify through Redis ...");
                inbox.clear();
                new P4CrossNode(settings, inbox).run(clients, report);
            }
            if (settings.runs("P5")) {
                report.server("Payara Micro, 2 nodes");
                System.out.println("P5: groups over two nodes ...");
                inbox.clear();
                new P5Groups(settings, inbox).run(clients, report);
            }
            var commandList = jakarta.json.Json.createArrayBuilder();
            commands.forEach(commandList::add);
            report.environment("serverCommands", commandList.build());
            report.environment("loadAverageAtEnd", Machine.loadAverage());
            report.environment("elapsedSeconds", Long.toString((System.nanoTime() - started) / 1_000_000_000L));
        }
        Path results = settings.out().resolve("results.json");
        report.write(results);
        System.out.println();
        System.out.println(report.table());
        System.out.println("Client and server on one machine: " + Machine.summary() + "; details in " + results);
        if (!report.problems().isEmpty()) {
            report.problems().forEach(problem -> System.out.println("PROBLEM: " + problem));
            System.exit(1);
        }
    }

    private static void p1ToP3(Settings settings, Servers servers, WsClients clients, Inbox inbox, Report report) throws Exception {
        String key = settings.kind().key();
        ServerControl server = servers.fresh(key);
        report.environment(key, server.info());
        report.environment(key + "Clock", Machine.clockCheck(server));
        report.environment(key + "Limits", server.memory(false));
        if (settings.runs("P1")) {
            System.out.println("P1 on " + settings.kind().label() + ": targeted throughput ...");
            new P1Targeted(settings, server, inbox).run(clients, report);
            inbox.clear();
        }
        if (settings.runs("P2")) {
            System.out.println("P2 on " + settings.kind().label() + ": fan-out with stalled clients ...");
            new P2FanOut(settings, server, inbox).run(clients, report);
            inbox.clear();
        }
        if (settings.runs("P3")) {
            System.out.println("P3 on " + settings.kind().label() + ": capacity ...");
            new P3Capacity(settings, servers).run(clients, report);
            inbox.clear();
        }
    }

    /** Facts about the machine both processes share. */
    static final class Machine {
        private Machine() {
        }

        static JsonObject facts() {
            return jakarta.json.Json.createObjectBuilder()
                    .add("cores", Runtime.getRuntime().availableProcessors())
                    .add("cpu", firstLine("/proc/cpuinfo", "model name"))
                    .add("memory", firstLine("/proc/meminfo", "MemTotal"))
                    .add("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
                    .add("loadAverageAtStart", loadAverage())
                    .add("ephemeralPorts", read("/proc/sys/net/ipv4/ip_local_port_range"))
                    .add("clientJvmFlags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()))
                    .build();
        }

        static String summary() {
            return Runtime.getRuntime().availableProcessors() + " cores, " + firstLine("/proc/meminfo", "MemTotal")
                    + ", load average " + loadAverage();
        }

        /**
         * Checks that the server's nanoTime and this process's agree (the latencies subtract one from the
         * other): the server's reading must fall between two readings taken here around the call.
         */
        static JsonObject clockCheck(ServerControl server) throws IOException, InterruptedException {
            long before = System.nanoTime();
            long remote = server.info().getJsonNumber("nanoTime").longValue();
            long after = System.nanoTime();
            return jakarta.json.Json.createObjectBuilder()
                    .add("serverWithinCall", remote >= before && remote <= after)
                    .add("callMicros", (after - before) / 1000)
                    .add("offsetMicros", (remote - (before + after) / 2) / 1000)
                    .build();
        }

        static String loadAverage() {
            return read("/proc/loadavg");
        }

        private static String read(String file) {
            try {
                return String.join(" ", Files.readAllLines(Path.of(file))).trim().replaceAll("\\s+", " "); // readString cuts /proc files short
            } catch (IOException e) {
                return "unknown";
            }
        }

        private static String firstLine(String file, String prefix) {
            try {
                return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
