package dev.herald.platform;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Renders every {@link WebApplicationException} (Herald's own and the runtime's 404, 405, 415…) as
 * problem+json. An exception that implements {@link Coded} adds its {@code code}.
 */
public class ProblemMapper implements ExceptionMapper<WebApplicationException> {

    /** An exception with a machine-readable problem code. */
    public interface Coded {
        /** @return the code, e.g. {@code MFA_REQUIRED} */
        String code();
    }

    /** Creates the mapper. */
    public ProblemMapper() {
    }

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        int status = original.getStatus();
        String code = exception instanceof Coded coded ? coded.code() : null;
        Response.ResponseBuilder problem = Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.json(status, exception.getMessage(), code));
        original.getHeaders().forEach((name, values) -> {
            if (!"Content-Type".equalsIgnoreCase(name)) {
                values.forEach(value -> problem.header(name, value));
            }
        });
        return problem.build();
    }
}
