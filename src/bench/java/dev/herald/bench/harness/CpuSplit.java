package dev.herald.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * P4 with the sending side and the receiving side on CPUs of their own ({@code bench.p4.cpus}, e.g.
 * {@code 0/1}: node A and P4's Redis on CPU 0; node B, this harness with its clients and
 * {@code redis-benchmark} on CPU 1), as if they ran on different machines. Pins with
 * {@code taskset -a -p -c}: every thread of a process; threads that a pinned thread starts later
 * inherit its CPUs. Empty: nothing is pinned (the default).
 */
record CpuSplit(String sending, String receiving) {

    private static final Pattern CPUS = Pattern.compile("[0-9]+([-,][0-9]+)*");

    /** No pinning. */
    static final CpuSplit NONE = new CpuSplit("", "");

    /**
     * @param value {@code <sending cpus>/<receiving cpus>} in taskset's list form, or empty
     * @return the split
     * @throws IllegalArgumentException when the value is not of that form
     */
    static CpuSplit parse(String value) {
        if (value.isBlank()) {
            return NONE;
        }
        String[] sides = value.trim().split("/");
        if (sides.length != 2 || !CPUS.matcher(sides[0]).matches() || !CPUS.matcher(sides[1]).matches()) {
            throw new IllegalArgumentException("bench.p4.cpus is " + value + ": it must be <cpus>/<cpus>, e.g. 0/1");
        }
        return new CpuSplit(sides[0], sides[1]);
    }

    /** @return true when the sides are pinned */
    boolean active() {
        return !sending.isEmpty();
    }

    /** @return what the table says about it */
    String describe() {
        return active() ? "node A and Redis on CPU " + sending + ", node B and the clients on CPU " + receiving : "";
    }

    /**
     * @param pid  a process
     * @param cpus the CPUs its threads may run on
     * @throws IOException when taskset fails
     */
    static void pin(long pid, String cpus) throws IOException, InterruptedException {
        Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid)).redirectErrorStream(true).start();
        String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (taskset.waitFor() != 0) {
            throw new IOException("taskset -a -p -c " + cpus + " " + pid + " failed: " + output.trim());
        }
    }

    /** @return every CPU of this machine, in taskset's list form */
    static String all() {
        return "0-" + (Runtime.getRuntime().availableProcessors() - 1);
    }
}
