package dev.herald.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * An application the test puts into the Arquillian-managed Open Liberty server's {@code dropins}
 * itself, reading the outcome from {@code messages.log}: for a deployment that must fail, which the
 * Liberty adapter only reports after its {@code appDeployTimeout} (a web application whose listener
 * throws is "not started", CWWKZ0012I, and the adapter waits out the timeout, then reports it INSTALLED). Deleted from
 * dropins on close.
 */
final class LibertyDropin implements AutoCloseable {

    private final Path war;
    private final Path messages;
    private final long from;

    private LibertyDropin(Path war, Path messages, long from) {
        this.war = war;
        this.messages = messages;
        this.from = from;
    }

    /**
     * @param name the application's name (its context root)
     * @param app  the archive
     * @return the application, being started by Liberty
     * @throws IOException when the archive cannot be written
     */
    static LibertyDropin deploy(String name, WebArchive app) throws IOException {
        Path server = Path.of(System.getProperty("liberty.server", Path.of(System.getProperty("herald.war", "target/herald.war"))
                .toAbsolutePath().getParent().resolve("wlp/usr/servers/herald").toString()));
        Path messages = server.resolve("logs/messages.log");
        long from = Files.size(messages);
        Path dropins = Files.createDirectories(server.resolve("dropins"));
        Path staged = dropins.getParent().resolve(name + ".war.tmp");
        app.as(ZipExporter.class).exportTo(staged.toFile(), true);
        Path war = Files.move(staged, dropins.resolve(name + ".war")); // whole, or not at all, for the dropins monitor
        return new LibertyDropin(war, messages, from);
    }

    /**
     * Waits until Liberty has started the application or given up on it.
     *
     * @param name the application's name
     * @return what Liberty logged since {@link #deploy}
     * @throws Exception when Liberty says neither within 120 s
     */
    String awaitOutcome(String name) throws Exception {
        Pattern outcome = Pattern.compile("CWWKZ0001I: Application " + name + " started|CWWKZ0002E: .* " + name + "\\b|CWWKZ0012I: The application "
                + name + " was not started");
        String[] log = {""};
        ItSupport.waitFor(() -> outcome.matcher(log[0] = since()).find(), 120_000);
        return log[0];
    }

    private String since() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(messages.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(war);
    }
}
