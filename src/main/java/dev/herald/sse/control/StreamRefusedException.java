package dev.herald.sse.control;

import dev.herald.platform.ProblemMapper;
import jakarta.ws.rs.WebApplicationException;

/** An SSE stream refused before it started: answered as problem+json with a status and a code. */
public final class StreamRefusedException extends WebApplicationException implements ProblemMapper.Coded {

    private static final long serialVersionUID = 1L;

    private final String code;

    /**
     * @param status the HTTP status
     * @param detail what went wrong, for a human; never a ticket
     * @param code   the problem's machine-readable code
     */
    public StreamRefusedException(int status, String detail, String code) {
        super(detail, status);
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
