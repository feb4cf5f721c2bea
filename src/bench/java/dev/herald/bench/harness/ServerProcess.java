package dev.herald.bench.harness;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server process under test (Payara Micro, WildFly or Open Liberty, {@link ServerLaunch}), started
 * by the harness with the benchmark WAR and stopped at the end with every process it started, also when
 * the harness is interrupted.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final List<String> command;
    private final Path log;
    private final Settings settings;
    private final Thread hook;

    private ServerProcess(Process process, List<String> command, Path log, Settings settings) {
        this.process = process;
        this.command = command;
        this.log = log;
        this.settings = settings;
        this.hook = new Thread(this::destroyTree, "bench-server-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * @param settings where the jar and the WAR are, port, JVM flags, JFR
     * @param name     names the log ({@code name.log}) and the flight recording ({@code name.jfr})
     * @return the started process (not yet ready)
     * @throws IOException when the port is taken or the process cannot start
     */
    static ServerProcess start(Settings settings, String name) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the server will: connections of an earlier run may linger in TIME_WAIT
            probe.bind(new java.net.InetSocketAddress(settings.port()));
        } catch (IOException taken) {
            throw new IOException("port " + settings.port() + " is in use: pass -Dbench."
                    + (settings.kind() == ServerKind.PAYARA ? "" : settings.kind().key() + ".") + "port=<free port>", taken);
        }
        List<Path> required = settings.kind() == ServerKind.PAYARA ? List.of(settings.microJar(), settings.war()) : List.of(settings.war());
        for (Path file : required) {
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + " is missing: build with mvn package -Pbench");
            }
        }
        Files.createDirectories(settings.out());
        ProcessBuilder builder;
        try {
            builder = ServerLaunch.of(settings, name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while preparing " + settings.kind().label(), e);
        }
        Path log = settings.out().resolve(name + ".log");
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<String> command = new ArrayList<>();
        for (String variable : List.of("JAVA_OPTS", "JVM_ARGS", "HTTP_PORT")) {
            if (builder.environment().containsKey(variable)) {
                command.add(variable + "='" + builder.environment().get(variable) + "'");
            }
        }
        command.addAll(builder.command());
        return new ServerProcess(process, command, log, settings);
    }

    /** @return the exact command line */
    List<String> command() {
        return command;
    }

    /** @return the server's process id */
    long pid() {
        return process.pid();
    }

    /** @return true when the server log reports that the WAR did not deploy */
    boolean deploymentFailed() {
        return ServerLaunch.deploymentFailed(settings, log);
    }

    /** @return true while the process runs */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Asks the server and every process it started (WildFly's and Liberty's scripts start the JVM) to stop. */
    private List<ProcessHandle> destroyTree() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        return tree;
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> tree = destroyTree();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ProcessHandle member : tree) {
            while (member.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (member.isAlive()) {
                member.destroyForcibly();
            }
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running already
        }
    }
}
