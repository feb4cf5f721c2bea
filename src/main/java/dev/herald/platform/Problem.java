package dev.herald.platform;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem detail ({@code application/problem+json}), Herald's one error format for REST
 * and for the container's own 401/403 pages.
 */
public final class Problem {

    /** The problem media type. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private Problem() {
    }

    /**
     * @param status the HTTP status
     * @param detail what went wrong, for a human; never credentials or tickets
     * @param code   a machine-readable code (e.g. {@code MFA_REQUIRED}), or null
     * @return the problem as JSON text
     */
    public static String json(int status, String detail, String code) {
        Response.Status known = Response.Status.fromStatusCode(status);
        JsonObjectBuilder problem = Json.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", known != null ? known.getReasonPhrase() : "HTTP " + status)
                .add("status", status);
        if (detail != null) {
            problem.add("detail", detail);
        }
        if (code != null) {
            problem.add("code", code);
        }
        return problem.build().toString();
    }

    /**
     * @param status the HTTP status
     * @param detail what went wrong
     * @param code   a machine-readable code, or null
     * @return a response carrying the problem
     */
    public static Response response(int status, String detail, String code) {
        return Response.status(status).type(MEDIA_TYPE).entity(json(status, detail, code)).build();
    }
}
