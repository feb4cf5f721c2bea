package dev.herald.metrics.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.platform.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code GET /api/metrics}: Herald's metrics in the Prometheus text format, for role
 * {@code herald-sender} (checked by the method itself, {@link ApiAccess}), the same numbers as
 * {@code /api/stats} plus the send latency histogram.
 */
@Path("metrics")
public class MetricsResource {

    /** The Prometheus text exposition format. */
    public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    @Inject
    Metrics metrics;
    @Inject
    ApiAccess access;
    @Context
    Configuration configuration;
    @Context
    SecurityContext security;

    /** Creates the resource. */
    public MetricsResource() {
    }

    /**
     * @return every metric as Prometheus text; 404 problem+json when Micrometer is not on the
     *         application's class path
     */
    @GET
    @Produces(TEXT_FORMAT)
    @RolesAllowed(ApiAccess.SENDER_ROLE)
    public Response metrics() {
        access.read(configuration, security);
        return metrics.scrape()
                .map(text -> Response.ok(text, TEXT_FORMAT).build())
                .orElseGet(() -> Problem.response(404,
                        "No metrics: Micrometer's Prometheus registry (io.micrometer:micrometer-registry-prometheus) is not on the class path",
                        "METRICS_UNAVAILABLE"));
    }
}
