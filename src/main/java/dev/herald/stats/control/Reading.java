package dev.herald.stats.control;

import java.util.function.LongSupplier;

/**
 * One number Herald reports, defined once for both {@code GET /api/stats} and {@code GET /api/metrics}.
 *
 * @param key     its key in {@code /api/stats}
 * @param metric  its Micrometer name (dotted; the Prometheus registry writes it in snake case)
 * @param help    its description
 * @param unit    its base unit ({@code "bytes"}), or null
 * @param counter true when it only goes up (a counter), false for a gauge
 * @param value   reads it now
 */
public record Reading(String key, String metric, String help, String unit, boolean counter, LongSupplier value) {

    /**
     * @param counter a counter of {@link HeraldStats}
     * @param stats   where it is kept
     * @return the counter as a reading
     */
    public static Reading of(HeraldCounter counter, HeraldStats stats) {
        String unit = counter.metric().endsWith(".bytes") ? "bytes" : null;
        return new Reading(counter.key(), counter.metric(), counter.help(), unit, true, () -> stats.get(counter));
    }

    /**
     * @param key    its key in {@code /api/stats}
     * @param metric its Micrometer name
     * @param help   its description
     * @param unit   its base unit, or null
     * @param value  reads it now
     * @return a gauge
     */
    public static Reading gauge(String key, String metric, String help, String unit, LongSupplier value) {
        return new Reading(key, metric, help, unit, false, value);
    }
}
