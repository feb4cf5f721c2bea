package dev.herald.bench.peers.control;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the benchmark reports about the server process: JVM, heap after a full GC, resident set size,
 * open file descriptors and their limit (Linux {@code /proc}).
 */
public final class ProcessFacts {

    private ProcessFacts() {
    }

    /** @return JVM version, flags, heap limit, cores and the clock used for latencies */
    public static JsonObjectBuilder jvm() {
        var runtime = ManagementFactory.getRuntimeMXBean();
        var flags = Json.createArrayBuilder();
        runtime.getInputArguments().forEach(flags::add);
        return Json.createObjectBuilder()
                .add("javaVersion", System.getProperty("java.vm.name") + " " + Runtime.version())
                .add("jvmFlags", flags)
                .add("maxHeapBytes", Runtime.getRuntime().maxMemory())
                .add("cores", Runtime.getRuntime().availableProcessors())
                .add("pid", ProcessHandle.current().pid())
                .add("nanoTime", System.nanoTime());
    }

    /**
     * @param gc run a full GC first (twice), so that heap use counts live objects only
     * @return heap in use, RSS, open file descriptors, their limit and live threads
     */
    public static JsonObjectBuilder memory(boolean gc) {
        if (gc) {
            System.gc();
            System.gc();
        }
        return Json.createObjectBuilder()
                .add("heapUsedBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed())
                .add("rssBytes", rssBytes())
                .add("openFiles", openFiles())
                .add("maxOpenFiles", maxOpenFiles())
                .add("threads", ManagementFactory.getThreadMXBean().getThreadCount())
                .add("cpuTimeNanos", cpuTimeNanos());
    }

    /**
     * @return CPU time this process has used so far, or -1 where the JVM cannot tell ({@code /proc/self/stat}
     *         where WildFly's modules hide {@code com.sun.management} from the deployment)
     */
    public static long cpuTimeNanos() {
        try {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : -1;
        } catch (LinkageError hidden) {
            return procCpuTimeNanos();
        }
    }

    private static long procCpuTimeNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** @return this process's resident set size, or -1 where /proc is missing */
    public static long rssBytes() {
        return statusKb("VmRSS:") * 1024;
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** @return open file descriptors of this process, or -1 */
    public static long openFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** @return the soft limit on open files ({@code ulimit -n}), or -1 */
    public static long maxOpenFiles() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/limits"));
            for (String line : lines) {
                if (line.startsWith("Max open files")) {
                    String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                    return "unlimited".equals(parts[0]) ? Long.MAX_VALUE : Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
