package dev.herald.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/**
 * A Redis Cluster of the test's own: 6 redis-server processes (3 primaries, each with a replica in sync)
 * on free ports, cluster node timeout 1 s, replicas that always may take over, no persistence (only each node's {@code nodes.conf}, in a
 * temporary directory removed on close). Fails a primary over, kills one, moves a slot. Killed with
 * the JVM at the latest. Never touches the shared Redis on 6379.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int NODES = 6;
    private static final Duration READY = Duration.ofSeconds(60);

    private final Path dir;
    private final List<Node> nodes = new ArrayList<>();

    /** One redis-server of the cluster. */
    private record Node(int port, Process process) {
    }

    private RedisCluster() throws IOException {
        this.dir = Files.createTempDirectory("herald-redis-cluster-");
    }

    /**
     * @return a cluster whose every node says {@code cluster_state:ok}
     * @throws Exception when it does not form within 60 s
     */
    public static RedisCluster start() throws Exception {
        RedisCluster cluster = new RedisCluster();
        try {
            cluster.create();
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void create() throws Exception {
        for (int i = 0; i < NODES; i++) {
            int port = freeClusterPort();
            Path nodeDir = Files.createDirectory(dir.resolve(Integer.toString(port)));
            Process process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-node-timeout", "1000", "--cluster-replica-validity-factor", "0", "--cluster-config-file", "nodes.conf",
                    "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("log").toFile()))
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            nodes.add(new Node(port, process));
        }
        for (Node node : nodes) {
            await().pollInterval(Duration.ofMillis(20)).atMost(READY).ignoreExceptions().until(() -> ping(node.port()));
        }
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(node -> command.add("127.0.0.1:" + node.port()));
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        Process create = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("create.log").toFile())).start();
        if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
            create.destroyForcibly();
            throw new IllegalStateException("redis-cli --cluster create failed: " + Files.readString(dir.resolve("create.log")));
        }
        awaitHealthy();
        await().pollInterval(Duration.ofMillis(50)).atMost(READY).ignoreExceptions().until(() -> ports().stream().allMatch(port -> {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                String replication = jedis.info("replication");
                return replication.contains("role:master") || replication.contains("master_link_status:up");
            }
        }));
    }

    private static int freeClusterPort() throws IOException {
        while (true) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            if (port + 10_000 > 65_535) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10_000)) {
                return port;
            } catch (IOException busTaken) {
                // try another
            }
        }
    }

    private static boolean ping(int port) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return "PONG".equals(jedis.ping());
        }
    }

    /** @return {@code redis://127.0.0.1:port} of the first node still running (a seed for a cluster client) */
    public String seedUri() {
        return "redis://127.0.0.1:" + running().findFirst().orElseThrow().port();
    }

    /** @return the ports of the running nodes */
    public List<Integer> ports() {
        return running().map(Node::port).toList();
    }

    private Stream<Node> running() {
        return nodes.stream().filter(node -> node.process().isAlive());
    }

    /**
     * @param slot a hash slot
     * @return the port of the primary that serves it now, as a running node sees it
     */
    public int primaryOf(int slot) {
        return Integer.parseInt(primaryLine(slot)[1].replaceAll(".*:([0-9]+)@.*", "$1"));
    }

    /**
     * @param port a node's port
     * @return its replicas' ports
     */
    public List<Integer> replicasOf(int port) {
        String id = idOf(port);
        return nodeLines().filter(f -> f[3].equals(id) && f[2].contains("slave") && !f[2].contains("fail"))
                .map(f -> Integer.parseInt(f[1].replaceAll(".*:([0-9]+)@.*", "$1"))).toList();
    }

    /**
     * Fails the primary of a slot over to its replica ({@code CLUSTER FAILOVER}, a planned switch) and
     * waits until the replica serves the slot and the cluster is healthy.
     *
     * @param slot a hash slot
     * @return the port of the new primary
     */
    public int failover(int slot) {
        int primary = primaryOf(slot);
        int replica = replicasOf(primary).get(0);
        try (Jedis jedis = new Jedis("127.0.0.1", replica)) {
            jedis.clusterFailover();
        }
        await().atMost(READY).ignoreExceptions().until(() -> primaryOf(slot) == replica);
        awaitHealthy();
        return replica;
    }

    /**
     * Kills (SIGKILL) the primary of a slot and waits until its replica has taken over and the running
     * nodes are healthy again.
     *
     * @param slot a hash slot
     * @return the port of the new primary
     * @throws InterruptedException when interrupted
     */
    public int killPrimary(int slot) throws InterruptedException {
        int primary = primaryOf(slot);
        int replica = replicasOf(primary).get(0);
        kill(primary);
        awaitPromoted(slot, replica);
        return replica;
    }

    /**
     * Kills (SIGKILL) a node and waits for its process to end, nothing else.
     *
     * @param port the node's port
     * @throws InterruptedException when interrupted
     */
    public void kill(int port) throws InterruptedException {
        Node node = nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
        node.process().destroyForcibly().waitFor();
    }

    /**
     * Waits until a node serves a slot and the running nodes are healthy.
     *
     * @param slot    a hash slot
     * @param replica the node that should serve it
     */
    public void awaitPromoted(int slot, int replica) {
        await().atMost(READY).ignoreExceptions().until(() -> primaryOf(slot) == replica);
        awaitHealthy();
    }

    /**
     * Moves a slot (and its keys) to another primary: IMPORTING, MIGRATING, MIGRATE, then NODE on all.
     *
     * @param slot a hash slot
     * @param to   the port of the primary to take it
     */
    public void moveSlot(int slot, int to) {
        int from = primaryOf(slot);
        String fromId = idOf(from);
        String toId = idOf(to);
        try (Jedis source = new Jedis("127.0.0.1", from); Jedis target = new Jedis("127.0.0.1", to)) {
            target.clusterSetSlotImporting(slot, fromId);
            source.clusterSetSlotMigrating(slot, toId);
            for (List<String> keys = source.clusterGetKeysInSlot(slot, 100); !keys.isEmpty(); keys = source.clusterGetKeysInSlot(slot, 100)) {
                source.migrate("127.0.0.1", to, 0, 5_000, new redis.clients.jedis.params.MigrateParams(), keys.toArray(String[]::new));
            }
            target.clusterSetSlotNode(slot, toId);
            source.clusterSetSlotNode(slot, toId);
        }
        for (int port : ports()) {
            if (port != from && port != to) {
                try (Jedis other = new Jedis("127.0.0.1", port)) {
                    if (other.clusterNodes().lines().anyMatch(l -> l.contains("myself") && l.contains("master"))) {
                        other.clusterSetSlotNode(slot, toId);
                    }
                }
            }
        }
        await().atMost(READY).ignoreExceptions().until(() -> ports().stream().allMatch(port -> {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                return jedis.clusterSlots().stream().map(List.class::cast)
                        .anyMatch(r -> (Long) r.get(0) <= slot && slot <= (Long) r.get(1)
                                && ((Long) ((List<?>) r.get(2)).get(1)).intValue() == to);
            }
        }));
    }

    /** Waits until every running node says {@code cluster_state:ok} and knows no failed primary with slots. */
    public void awaitHealthy() {
        await().pollInterval(Duration.ofMillis(50)).atMost(READY).ignoreExceptions().until(() -> ports().stream().allMatch(port -> {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                return jedis.clusterInfo().contains("cluster_state:ok");
            }
        }));
    }

    private String idOf(int port) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.clusterMyId();
        }
    }

    private String[] primaryLine(int slot) {
        return nodeLines().filter(f -> f[2].contains("master") && !f[2].contains("fail") && serves(f, slot)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no primary serves slot " + slot));
    }

    private static boolean serves(String[] fields, int slot) {
        for (int i = 8; i < fields.length; i++) {
            if (fields[i].startsWith("[")) {
                continue; // a slot being migrated or imported
            }
            String[] range = fields[i].split("-");
            int first = Integer.parseInt(range[0]);
            int last = range.length > 1 ? Integer.parseInt(range[1]) : first;
            if (first <= slot && slot <= last) {
                return true;
            }
        }
        return false;
    }

    private Stream<String[]> nodeLines() {
        int port = ports().get(0);
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.clusterNodes().lines().map(line -> line.split(" ")).toList().stream();
        }
    }

    /** Kills every node and removes the directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        for (Node node : nodes) {
            node.process().destroyForcibly().waitFor();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
