package dev.herald.platform;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Anything a resource did not expect: logged once at SEVERE with an incident id, answered as a 500
 * problem that carries the id but no internals.
 */
public class UnexpectedErrorMapper implements ExceptionMapper<RuntimeException> {

    private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class.getName());

    /** Creates the mapper. */
    public UnexpectedErrorMapper() {
    }

    @Override
    public Response toResponse(RuntimeException exception) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Unexpected error, incident " + incident, exception);
        return Problem.response(500, "Unexpected error; incident " + incident, null);
    }
}
