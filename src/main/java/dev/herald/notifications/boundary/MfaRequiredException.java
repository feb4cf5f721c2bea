package dev.herald.notifications.boundary;

import dev.herald.platform.Problem;
import dev.herald.platform.ProblemMapper;
import jakarta.ejb.ApplicationException;
import jakarta.ws.rs.WebApplicationException;

/**
 * Thrown by {@link NotificationService#notifyFrontend} when an {@code MFA_REQUIRED} message is sent
 * to a user with no live session: the user cannot be asked for the code. It renders as 400
 * problem+json with {@code code: "MFA_REQUIRED"} in any Jakarta REST application, and reaches
 * callers of the {@code @Stateless} bean unwrapped (it is an {@link ApplicationException}).
 */
@ApplicationException
public class MfaRequiredException extends WebApplicationException implements ProblemMapper.Coded {

    private static final long serialVersionUID = 1L;

    /** The problem code. */
    public static final String CODE = "MFA_REQUIRED";

    private final long userId;

    /**
     * @param userId the user who has no live session
     */
    public MfaRequiredException(long userId) {
        this(userId, "No active WebSocket connection for user " + userId);
    }

    private MfaRequiredException(long userId, String detail) {
        super(detail, Problem.response(400, detail, CODE));
        this.userId = userId;
    }

    /** @return the user who has no live session */
    public long userId() {
        return userId;
    }

    @Override
    public String code() {
        return CODE;
    }
}
