package dev.herald.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.stats.control.HeraldCounter;
import dev.herald.stats.control.HeraldStats;
import dev.herald.stats.control.Reading;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrometheusRegistryTest {

    private final HeraldStats stats = new HeraldStats();

    @Test
    void everyReadingIsExposedUnderItsConventionalName() {
        stats.sessionOpened();
        stats.slowConsumerClosed();
        stats.sent(100, TimeUnit.MILLISECONDS.toNanos(2));
        Scrape registry = PrometheusRegistry.create(stats, stats.readings());
        Map<String, Double> samples = PrometheusText.parse(registry.scrape());
        assertEquals(1.0, samples.get("herald_sessions_open"));
        assertEquals(1.0, samples.get("herald_messages_sent_total"), "counted before the registry existed");
        assertEquals(0.0, samples.get("herald_send_latency_seconds_count"), "but not in the histogram");
        stats.sent(50, TimeUnit.MILLISECONDS.toNanos(3));
        samples = PrometheusText.parse(registry.scrape());
        assertEquals(2.0, samples.get("herald_messages_sent_total"));
        assertEquals(150.0, samples.get("herald_sent_bytes_total"));
        assertEquals(1.0, samples.get("herald_slow_consumer_closes_total"));
        assertEquals(1.0, samples.get("herald_send_latency_seconds_count"), "recorded since the registry exists");
        assertEquals(0.0, samples.get("herald_send_latency_seconds_bucket{le=\"0.001\"}"));
        assertEquals(1.0, samples.get("herald_send_latency_seconds_bucket{le=\"0.005\"}"));
        assertEquals(1.0, samples.get("herald_send_latency_seconds_bucket{le=\"+Inf\"}"));
        for (HeraldCounter counter : HeraldCounter.values()) {
            String name = counter.metric().replace('.', '_') + "_total";
            assertTrue(samples.containsKey(name), name + " in " + samples.keySet());
        }
        registry.close();
    }

    @Test
    void closingStopsRecording() {
        Scrape registry = PrometheusRegistry.create(stats, stats.readings());
        stats.sent(1, 1);
        registry.close();
        stats.sent(1, 1);
        assertEquals(1.0, PrometheusText.parse(registry.scrape()).get("herald_send_latency_seconds_count"), "nothing recorded after the close");
        assertEquals(2, stats.messagesSent());
    }

    @Test
    void gaugesAndCountersReadTheirSuppliers() {
        long[] value = {7};
        List<Reading> readings = List.of(Reading.gauge("g", "herald.test.gauge", "a gauge", null, () -> value[0]),
                new Reading("c", "herald.test.count", "a counter", null, true, () -> value[0] * 2));
        Scrape registry = PrometheusRegistry.create(stats, readings);
        value[0] = 9;
        Map<String, Double> samples = PrometheusText.parse(registry.scrape());
        assertEquals(9.0, samples.get("herald_test_gauge"));
        assertEquals(18.0, samples.get("herald_test_count_total"));
        registry.close();
    }
}
