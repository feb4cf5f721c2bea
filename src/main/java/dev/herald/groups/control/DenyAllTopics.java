package dev.herald.groups.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.Principal;

/** The default {@link TopicPolicy}: deny by default, every topic is refused as {@code forbidden}. */
@ApplicationScoped
public class DenyAllTopics implements TopicPolicy {

    /** Creates the bean. */
    public DenyAllTopics() {
    }

    @Override
    public TopicDecision decide(long userId, Principal principal, String topic) {
        return TopicDecision.deny(TopicDecision.FORBIDDEN);
    }
}
