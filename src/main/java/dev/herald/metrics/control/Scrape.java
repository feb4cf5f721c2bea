package dev.herald.metrics.control;

/**
 * A metrics registry as Herald's CDI beans see it: no Micrometer type appears here, so the beans load
 * whether or not Micrometer is on the class path.
 */
public interface Scrape {

    /** @return every metric in the Prometheus text exposition format (version 0.0.4) */
    String scrape();

    /** Stops recording and releases the registry. */
    void close();
}
