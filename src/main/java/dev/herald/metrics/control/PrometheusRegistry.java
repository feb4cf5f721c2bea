package dev.herald.metrics.control;

import dev.herald.stats.control.HeraldStats;
import dev.herald.stats.control.Reading;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Herald's numbers in Micrometer's Prometheus registry: each {@link Reading} as a counter or gauge
 * read when scraped, and the send latency (queued to written) as a histogram recorded by
 * {@link HeraldStats}. The only class that touches Micrometer; created only when it is present.
 */
public final class PrometheusRegistry implements Scrape {

    /** The send latency histogram's bucket bounds. */
    static final List<Duration> LATENCY_BUCKETS = List.of(Duration.ofNanos(100_000), Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HeraldStats stats;
    private final List<Reading> readings; // the registry holds its gauges' suppliers weakly: keep them here

    private PrometheusRegistry(HeraldStats stats, List<Reading> readings) {
        this.stats = stats;
        this.readings = List.copyOf(readings);
    }

    /**
     * Registers every reading and starts recording the send latency.
     *
     * @param stats    where the send latencies come from
     * @param readings the counters and gauges to expose
     * @return the registry
     */
    public static Scrape create(HeraldStats stats, List<Reading> readings) {
        PrometheusRegistry created = new PrometheusRegistry(stats, readings);
        created.register();
        return created;
    }

    private void register() {
        for (Reading reading : readings) {
            LongSupplier value = reading.value();
            if (reading.counter()) {
                FunctionCounter.builder(reading.metric(), value, LongSupplier::getAsLong)
                        .description(reading.help()).baseUnit(reading.unit()).register(registry);
            } else {
                Gauge.builder(reading.metric(), value, LongSupplier::getAsLong)
                        .description(reading.help()).baseUnit(reading.unit()).strongReference(true).register(registry);
            }
        }
        Timer latency = Timer.builder("herald.send.latency")
                .description("Time from queuing a message for a session until its write completed")
                .serviceLevelObjectives(LATENCY_BUCKETS.toArray(Duration[]::new))
                .register(registry);
        stats.recordSendLatency(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
    }

    @Override
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        stats.recordSendLatency(null);
        registry.close();
    }
}
