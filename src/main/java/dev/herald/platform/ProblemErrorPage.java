package dev.herald.platform;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The error page for what the container answers by itself (401 without credentials, 403 without the
 * role): the same problem+json as the REST API. Declared in the WAR's web.xml.
 */
public class ProblemErrorPage extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Creates the servlet. */
    public ProblemErrorPage() {
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : response.getStatus();
        String detail = switch (status) {
            case 401 -> "Authentication required";
            case 403 -> "The authenticated user lacks the role this resource requires";
            default -> null;
        };
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(Problem.json(status, detail, null));
    }
}
