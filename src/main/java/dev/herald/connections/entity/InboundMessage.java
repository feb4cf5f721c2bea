package dev.herald.connections.entity;

import jakarta.json.JsonValue;

/**
 * CDI event fired for every inbound text frame that is valid JSON.
 *
 * @param userId    the sender, captured from the handshake principal when the session opened
 * @param sessionId the container's session id
 * @param payload   the parsed JSON
 */
public record InboundMessage(long userId, String sessionId, JsonValue payload) {
}
