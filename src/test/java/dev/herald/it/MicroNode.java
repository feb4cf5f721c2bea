package dev.herald.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * A second Payara Micro server that the test starts itself, as its own process, with the same users
 * as the Arquillian-managed one: a second node of a cluster. Its output goes to a log file the test
 * can read. Killed with the JVM at the latest.
 */
public final class MicroNode implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final Path root;
    private final URL base;

    private MicroNode(Process process, Path log, Path root, URL base) {
        this.process = process;
        this.log = log;
        this.root = root;
        this.base = base;
    }

    /**
     * Starts Payara Micro with the archive; returns at once (see {@link #awaitReady()}).
     *
     * @param name       a name for its files under target/
     * @param war        the application, deployed at /herald
     * @param properties JVM system properties (they override the archive's microprofile-config.properties)
     * @return the starting node
     * @throws Exception when the process cannot be started
     */
    public static MicroNode start(String name, WebArchive war, Map<String, String> properties) throws Exception {
        Path target = Path.of(System.getProperty("herald.war", "target/herald.war")).toAbsolutePath().getParent();
        Path dir = Files.createDirectories(target.resolve("micro-nodes"));
        Path warFile = dir.resolve(name + ".war");
        war.as(ZipExporter.class).exportTo(warFile.toFile(), true);
        Path root = dir.resolve(name + "-root");
        deleteTree(root);
        Path log = dir.resolve(name + ".log");
        int port = RedisServer.freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:TieredStopAtLevel=1"); // C1 only: about half the CPU to start
        command.add("-Dherald.user-ids=alice=1,bob=2,carol=3");
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", System.getenv().getOrDefault("MICRO_JAR", target.resolve("payara-micro.jar").toString()),
                "--nohazelcast", "--port", Integer.toString(port), "--rootdir", root.toString(),
                "--postbootcommandfile", target.resolve("payara-config/post-boot-commands.asadmin").toString(),
                "--contextroot", "herald", "--deploy", warFile.toString()));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return new MicroNode(process, log, root, new URL("http://127.0.0.1:" + port + "/herald/"));
    }

    /** @return the application URL, {@code http://127.0.0.1:port/herald/} */
    public URL base() {
        return base;
    }

    /**
     * Waits until the application answers {@code GET /api/stats}.
     *
     * @return this node
     * @throws Exception when the process ends or the application does not answer within 5 minutes
     */
    public MicroNode awaitReady() throws Exception {
        try {
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).atMost(Duration.ofMinutes(5))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Payara Micro ended with " + process.exitValue() + ":\n" + log());
                        }
                        return answers();
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Payara Micro did not deploy within 5 minutes:\n" + log(), e);
        }
        return this;
    }

    private boolean answers() throws Exception {
        try {
            return Rest.get(base, "ops", "stats").statusCode() == 200;
        } catch (IOException notYet) {
            return false; // not listening yet
        }
    }

    /** @return true while the process runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * @return everything the server printed so far
     * @throws IOException when the log cannot be read
     */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /**
     * Kills the process (SIGKILL): no shutdown hook, no undeploy, as a crash.
     *
     * @throws InterruptedException when interrupted
     */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Stops the process as an operator would (SIGTERM): Payara Micro stops the application first.
     *
     * @throws InterruptedException when interrupted
     */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            kill();
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            kill();
        }
        deleteTree(root);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
