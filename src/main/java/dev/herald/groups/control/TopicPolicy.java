package dev.herald.groups.control;

import java.security.Principal;

/**
 * Decides whether a session may subscribe to a topic (a {@code herald.subscribe} frame). The default
 * ({@link DenyAllTopics}) refuses every topic: an application that uses topics replaces it with a CDI
 * alternative ({@code @Alternative @Priority(1) @ApplicationScoped}), as for {@link GroupResolver}.
 * Asked on the thread that read the frame, once per subscribe; the name is already checked against
 * the charset and {@code herald.topics.max-name-length}, and the limit of topics per session is
 * applied after an allow.
 */
public interface TopicPolicy {

    /**
     * @param userId    the session's user
     * @param principal the handshake's principal; null when the session was admitted by a connect ticket
     * @param topic     the topic's name
     * @return allow, or deny with a reason the client is told
     */
    TopicDecision decide(long userId, Principal principal, String topic);
}
