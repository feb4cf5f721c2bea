package dev.herald.connections.entity;

/**
 * CDI event fired once when a registered session is removed, whoever closed it.
 *
 * @param userId    the user
 * @param sessionId the container's session id
 * @param code      the close code (from the client, or the one Herald closed with)
 * @param reason    the close reason phrase, possibly empty
 */
public record SessionClosed(long userId, String sessionId, int code, String reason) {
}
