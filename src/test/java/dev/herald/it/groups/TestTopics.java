package dev.herald.it.groups;

import dev.herald.groups.control.TopicDecision;
import dev.herald.groups.control.TopicPolicy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.security.Principal;

/** The test deployment's topic policy: topics under {@code open.} are allowed, others refused as {@code closed-topic}. */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestTopics implements TopicPolicy {

    @Override
    public TopicDecision decide(long userId, Principal principal, String topic) {
        return topic.startsWith("open.") ? TopicDecision.allow() : TopicDecision.deny("closed-topic");
    }
}
