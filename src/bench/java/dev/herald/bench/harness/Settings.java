package dev.herald.bench.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The harness's settings: system properties {@code bench.*}, with defaults for the full run
 * ({@code bench.mode=full}) or the CI smoke run ({@code bench.mode=smoke}, seconds of load).
 */
record Settings(boolean smoke, ServerKind kind, List<ServerKind> servers, Path wildflyHome, Path libertyHome, Path serverConfig,
                Path lock, int port, Path war, Path microJar, Path out, List<String> serverJvm, boolean jfr,
                Set<String> scenarios, int connectConcurrency, int messageSize,
                int p1Users, long p1WarmupMs, long p1DurationMs, int p1Repetitions, int p1Window,
                int p2Clients, int p2Stalled, int p2WarmupRounds, int p2Rounds, int p2Repetitions, long p2RoundLimitMs,
                int p2StalledMaxRounds,
                int p3Connections, int p3Step, long p3SettleMs, long p3IdleMs, boolean p3FreshServer,
                int p4Users, long p4WarmupMs, long p4DurationMs, int p4Rate, List<Integer> p4Senders, boolean p4RedisCluster,
                CpuSplit p4Cpus, int p5Users, int p5WarmupRounds, int p5Rounds, int p5Joins) {

    static Settings fromSystemProperties() {
        boolean smoke = "smoke".equals(System.getProperty("bench.mode", "full"));
        int p2Clients = integer("bench.p2.clients", smoke ? 100 : 10_000);
        return new Settings(smoke, ServerKind.PAYARA,
                ServerKind.parse(System.getProperty("bench.servers", "payara,wildfly,liberty")),
                Path.of(System.getProperty("bench.wildfly.home", "target/wildfly-39.0.1.Final")),
                Path.of(System.getProperty("bench.liberty.home", "target/wlp")),
                Path.of(System.getProperty("bench.server-config", "server-config")),
                Path.of(System.getProperty("bench.lock", "/tmp/herald-servers.lock")),
                integer("bench.port", ServerKind.PAYARA.defaultPort()),
                Path.of(System.getProperty("bench.war", "target/herald-bench.war")),
                Path.of(System.getProperty("bench.micro.jar", "target/payara-micro.jar")),
                Path.of(System.getProperty("bench.out", "target/bench")),
                List.of(System.getProperty("bench.server.jvm", smoke ? "-Xmx768m -XX:TieredStopAtLevel=1" : "-Xmx3g").trim().split("\\s+")),
                Boolean.getBoolean("bench.jfr"),
                Set.of(System.getProperty("bench.scenarios", "P1,P2,P3,P4,P5").toUpperCase().split(",")),
                integer("bench.connect-concurrency", 200),
                integer("bench.message-size", 200),
                integer("bench.p1.users", smoke ? 20 : 1_000),
                integer("bench.p1.warmup-ms", smoke ? 500 : 5_000),
                integer("bench.p1.duration-ms", smoke ? 1_000 : 10_000),
                integer("bench.p1.repetitions", smoke ? 1 : 3),
                integer("bench.p1.window", 64),
                p2Clients,
                integer("bench.p2.stalled", Math.max(1, p2Clients / 100)),
                integer("bench.p2.warmup-rounds", smoke ? 2 : 10),
                integer("bench.p2.rounds", smoke ? 5 : 30),
                integer("bench.p2.repetitions", smoke ? 1 : 3),
                integer("bench.p2.round-limit-ms", smoke ? 5_000 : 10_000),
                integer("bench.p2.stalled-max-rounds", smoke ? 20 : 2_000),
                integer("bench.p3.connections", smoke ? 200 : 100_000),
                integer("bench.p3.step", smoke ? 100 : 10_000),
                integer("bench.p3.settle-ms", smoke ? 0 : 30_000),
                integer("bench.p3.idle-ms", smoke ? 1_000 : 30_000),
                Boolean.parseBoolean(System.getProperty("bench.p3.fresh-server", Boolean.toString(!smoke))),
                integer("bench.p4.users", smoke ? 20 : 1_000),
                integer("bench.p4.warmup-ms", smoke ? 500 : 5_000),
                integer("bench.p4.duration-ms", smoke ? 1_000 : 10_000),
                integer("bench.p4.rate", 5_000),
                java.util.Arrays.stream(System.getProperty("bench.p4.senders", "1,16").split(",")).map(String::trim)
                        .map(Integer::valueOf).toList(),
                "cluster".equals(System.getProperty("bench.p4.redis", "single")),
                CpuSplit.parse(System.getProperty("bench.p4.cpus", "")),
                integer("bench.p5.users", smoke ? 40 : 5_000),
                integer("bench.p5.warmup-rounds", smoke ? 1 : 5),
                integer("bench.p5.rounds", smoke ? 3 : 20),
                integer("bench.p5.joins", smoke ? 5 : 50));
    }

    /**
     * @param otherPort  the HTTP port of another server
     * @param properties JVM system properties added to its command line
     * @return these settings for that server (P4's and P5's cluster nodes)
     */
    Settings forServer(int otherPort, List<String> properties) {
        List<String> jvm = new java.util.ArrayList<>(serverJvm);
        jvm.addAll(properties);
        return with(ServerKind.PAYARA, otherPort, List.copyOf(jvm));
    }

    /**
     * @param server one of {@link #servers()}
     * @return these settings for P1–P3 on that server, on its port ({@code bench.port} for Payara Micro,
     *         {@code bench.wildfly.port} 8280, {@code bench.liberty.port} 9280)
     */
    Settings onServer(ServerKind server) {
        int serverPort = server == ServerKind.PAYARA ? port : integer("bench." + server.key() + ".port", server.defaultPort());
        return with(server, serverPort, serverJvm);
    }

    private Settings with(ServerKind server, int serverPort, List<String> jvm) {
        return new Settings(smoke, server, servers, wildflyHome, libertyHome, serverConfig, lock, serverPort, war, microJar, out, jvm,
                jfr, scenarios, connectConcurrency, messageSize,
                p1Users, p1WarmupMs, p1DurationMs, p1Repetitions, p1Window,
                p2Clients, p2Stalled, p2WarmupRounds, p2Rounds, p2Repetitions, p2RoundLimitMs, p2StalledMaxRounds,
                p3Connections, p3Step, p3SettleMs, p3IdleMs, p3FreshServer,
                p4Users, p4WarmupMs, p4DurationMs, p4Rate, p4Senders, p4RedisCluster, p4Cpus,
                p5Users, p5WarmupRounds, p5Rounds, p5Joins);
    }

    boolean runs(String scenario) {
        return scenarios.contains(scenario);
    }

    private static int integer(String name, int fallback) {
        return Integer.parseInt(System.getProperty(name, Integer.toString(fallback)).replace("_", ""));
    }
}
