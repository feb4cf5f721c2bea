package dev.herald.demo;

import dev.herald.groups.control.TopicDecision;
import dev.herald.groups.control.TopicPolicy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.security.Principal;

/**
 * The demo's topic policy (demo WAR only; herald.war keeps the default, which refuses every topic): any
 * signed-in user may join the topics under {@code demo.}, such as the page's {@code demo.lobby}.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class DemoTopics implements TopicPolicy {

    /** Creates the bean. */
    public DemoTopics() {
    }

    @Override
    public TopicDecision decide(long userId, Principal principal, String topic) {
        return topic.startsWith("demo.") ? TopicDecision.allow() : TopicDecision.deny("demo-topics-only");
    }
}
