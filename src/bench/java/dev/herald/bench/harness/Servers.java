package dev.herald.bench.harness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One server under test (Payara Micro, WildFly or Open Liberty) across its part of the run: one process
 * for P1 and P2, and a fresh one for each P3 climb, so that heap and RSS growth are measured from a
 * server that has served nothing.
 */
final class Servers implements AutoCloseable {

    private final Settings settings;
    private final ServerControl control;
    private final List<String> commands = new ArrayList<>();
    private ServerProcess current;

    Servers(Settings settings) {
        this.settings = settings;
        this.control = new ServerControl(settings.port());
    }

    /**
     * Stops the running server, if any, and starts a fresh one.
     *
     * @param name names its log and flight recording in the output directory
     * @return the control API of the new server, ready
     * @throws Exception when it does not start
     */
    ServerControl fresh(String name) throws Exception {
        close();
        current = ServerProcess.start(settings, name);
        String command = String.join(" ", current.command());
        commands.add(name + ": " + command);
        System.out.println("Starting " + settings.kind().label() + " (" + name + ") on port " + settings.port() + ": " + command);
        control.awaitReady(current, 300_000);
        return control;
    }

    /** @return the control API of the running server */
    ServerControl control() {
        return control;
    }

    /** @return every server command line of the run, by name */
    List<String> commands() {
        return commands;
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            try {
                current.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            current = null;
        }
    }
}
