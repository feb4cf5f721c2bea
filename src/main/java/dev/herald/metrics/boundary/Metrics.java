package dev.herald.metrics.boundary;

import dev.herald.platform.ClusterStatus;
import dev.herald.metrics.control.PrometheusRegistry;
import dev.herald.metrics.control.Scrape;
import dev.herald.stats.boundary.Readings;
import dev.herald.stats.control.HeraldStats;
import dev.herald.stats.control.Reading;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Herald's metrics registry, set up when the application starts: every {@link Readings} number, in
 * cluster mode {@code herald.redis.up} and {@code herald.redis.subscribed} (1 or 0), and the send
 * latency histogram. It needs Micrometer's Prometheus registry on the class path (herald.war bundles
 * it); without it (herald-classes.jar in a host that does not add it) there are no metrics and
 * {@code /api/metrics} answers 404, everything else works. No Micrometer type appears in this class.
 */
@ApplicationScoped
public class Metrics {

    private static final Logger LOG = Logger.getLogger(Metrics.class.getName());
    /** A class of each library the registry needs: Micrometer's Prometheus registry, Prometheus' text format. */
    private static final List<String> NEEDED = List.of("io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
            "io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter");

    @Inject
    HeraldStats stats;
    @Inject
    Readings readings;
    @Inject
    ClusterStatus cluster;

    private Scrape registry;

    /** Creates the bean; CDI injects its collaborators. */
    public Metrics() {
    }

    @PostConstruct
    void start() {
        Optional<String> missing = NEEDED.stream().filter(name -> !present(name)).findFirst();
        if (missing.isPresent()) {
            LOG.info(() -> "Herald's metrics are off: " + missing.get() + " is not on the class path"
                    + " (add io.micrometer:micrometer-registry-prometheus to the application for GET /herald/api/metrics)");
            return;
        }
        List<Reading> all = new ArrayList<>(readings.all());
        if (cluster.isEnabled()) {
            all.add(Reading.gauge("redisUp", "herald.redis.up", "1 while Redis is reachable", null, () -> cluster.isRedisDown() ? 0 : 1));
            all.add(Reading.gauge("subscribed", "herald.redis.subscribed", "1 while this node receives the other nodes' messages", null,
                    () -> cluster.isSubscribed() ? 1 : 0));
        }
        registry = PrometheusRegistry.create(stats, all);
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, Metrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Sets the registry up with the application, so the latency histogram records from the first send.
     *
     * @param event the application context's start
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // creating the bean is enough: @PostConstruct registers
    }

    /** @return every metric in the Prometheus text format; empty when Micrometer is not on the class path */
    public Optional<String> scrape() {
        Scrape current = registry;
        return current == null ? Optional.empty() : Optional.of(current.scrape());
    }

    @PreDestroy
    void stop() {
        if (registry != null) {
            registry.close();
        }
    }
}
