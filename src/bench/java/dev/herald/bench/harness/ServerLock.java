package dev.herald.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The machine's lock for servers on fixed ports ({@code flock /tmp/herald-servers.lock}, the one the
 * WildFly and Liberty ITs run under), held while WildFly or Open Liberty runs. Java's own file locks
 * are not {@code flock(2)} locks, so a {@code flock} process holds it: it prints once it has the lock
 * and keeps it until its input closes, also when the harness dies.
 */
final class ServerLock implements AutoCloseable {

    private final Process holder;

    private ServerLock(Process holder) {
        this.holder = holder;
    }

    /**
     * Waits for the lock.
     *
     * @param file the lock file
     * @return the held lock
     * @throws IOException when {@code flock} is missing or ended without the lock
     */
    static ServerLock acquire(Path file) throws IOException {
        System.out.println("Waiting for " + file + " (servers on fixed ports) ...");
        Process holder = new ProcessBuilder("flock", file.toString(), "-c", "echo locked; exec cat")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"locked".equals(line)) {
            holder.destroy();
            throw new IOException("flock " + file + " ended without the lock");
        }
        return new ServerLock(holder);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        holder.getOutputStream().close();
        if (!holder.waitFor(10, TimeUnit.SECONDS)) {
            holder.descendants().forEach(ProcessHandle::destroy);
            holder.destroy();
        }
    }
}
