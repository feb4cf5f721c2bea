package dev.herald.bench.harness;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Payara Micro process under test (the same runtime as the demo), started by the harness with the
 * benchmark WAR and stopped at the end, also when the harness is interrupted.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final List<String> command;
    private final Path log;
    private final Thread hook;

    private ServerProcess(Process process, List<String> command, Path log) {
        this.process = process;
        this.command = command;
        this.log = log;
        this.hook = new Thread(process::destroy, "bench-server-stop");
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
            throw new IOException("port " + settings.port() + " is in use: pass -Dbench.port=<free port>", taken);
        }
        for (Path required : List.of(settings.microJar(), settings.war())) {
            if (!Files.isRegularFile(required)) {
                throw new IOException(required + " is missing: build with mvn package -Pbench");
            }
        }
        Files.createDirectories(settings.out());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(settings.serverJvm());
        if (settings.jfr()) {
            command.add("-XX:StartFlightRecording=filename=" + settings.out().resolve(name + ".jfr").toAbsolutePath()
                    + ",settings=profile,dumponexit=true");
        }
        command.addAll(List.of("-jar", settings.microJar().toAbsolutePath().toString(),
                "--nocluster", "--port", Integer.toString(settings.port()),
                "--contextroot", "herald", "--deploy", settings.war().toAbsolutePath().toString()));
        Path log = settings.out().resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ServerProcess(process, command, log);
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
        try {
            return Files.readString(log).contains("Exception while deploying");
        } catch (IOException | java.io.UncheckedIOException unreadable) {
            return false;
        }
    }

    /** @return true while the process runs */
    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
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
