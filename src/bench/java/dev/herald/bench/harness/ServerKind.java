package dev.herald.bench.harness;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The servers P1–P3 run on, each on a port of its own that no integration test uses (the ITs take
 * 8180/10090 for WildFly and 9180 for Liberty), with the distributions the ITs use.
 */
enum ServerKind {
    /** Payara Micro, the demo's runtime (its port is {@code bench.port}, 8095). */
    PAYARA("Payara Micro", 8095),
    /** WildFly: HTTP 8280, management 10190 (port offset 200). */
    WILDFLY("WildFly", 8280),
    /** Open Liberty: HTTP 9280, HTTPS 9643. */
    LIBERTY("Open Liberty", 9280);

    private final String label;
    private final int defaultPort;

    ServerKind(String label, int defaultPort) {
        this.label = label;
        this.defaultPort = defaultPort;
    }

    /** @return the server's name in the table */
    String label() {
        return label;
    }

    /** @return the HTTP port it listens on unless {@code bench.<kind>.port} says otherwise */
    int defaultPort() {
        return defaultPort;
    }

    /** @return the lower-case name used in properties, file names and {@code results.json} */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return true for the servers on fixed ports, started under the servers' lock */
    boolean fixedPorts() {
        return this != PAYARA;
    }

    /**
     * @param list comma-separated names, e.g. {@code payara,wildfly,liberty}
     * @return the servers in that order
     */
    static List<ServerKind> parse(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> valueOf(s.toUpperCase(Locale.ROOT))).toList();
    }
}
