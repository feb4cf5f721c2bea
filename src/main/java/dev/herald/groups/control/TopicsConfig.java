package dev.herald.groups.control;

import static dev.herald.platform.Ranges.atLeast;

import dev.herald.messages.entity.StreamKey;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Limits of the topics a client may subscribe to, read from MicroProfile Config and checked when the
 * application starts: a value out of range fails the deployment, naming the property and its range.
 * Listed in docs/configuration.md.
 */
@ApplicationScoped
public class TopicsConfig {

    // each default once, for the annotation and the field (code without CDI)
    private static final String D_PER_SESSION = "100";
    private static final String D_MAX_NAME_LENGTH = "100";

    @Inject
    @ConfigProperty(name = "herald.topics.per-session", defaultValue = D_PER_SESSION)
    int perSession = Integer.parseInt(D_PER_SESSION);

    @Inject
    @ConfigProperty(name = "herald.topics.max-name-length", defaultValue = D_MAX_NAME_LENGTH)
    int maxNameLength = Integer.parseInt(D_MAX_NAME_LENGTH);

    /** Creates the bean with the defaults; CDI fills the fields. */
    public TopicsConfig() {
    }

    /**
     * Outside a container (unit tests).
     *
     * @param perSession    topics per session
     * @param maxNameLength longest topic name
     */
    public TopicsConfig(int perSession, int maxNameLength) {
        this.perSession = perSession;
        this.maxNameLength = maxNameLength;
        validate();
    }

    /**
     * Checks every setting once CDI filled them.
     *
     * @throws IllegalArgumentException naming the first property out of range, its value and the range
     */
    @PostConstruct
    void validate() {
        atLeast("herald.topics.per-session", perSession, 1);
        atLeast("herald.topics.max-name-length", maxNameLength, 1);
        if (maxNameLength > StreamKey.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("herald.topics.max-name-length is " + maxNameLength + ": it must be at most "
                    + StreamKey.MAX_NAME_LENGTH);
        }
    }

    /**
     * Creates the bean, and so checks the settings, when the application starts.
     *
     * @param event the application context's start
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // @PostConstruct validates
    }

    /** @return {@code herald.topics.per-session}: topics one session may be subscribed to at once (default 100) */
    public int perSession() {
        return perSession;
    }

    /** @return {@code herald.topics.max-name-length}: the longest topic name a client may ask for (default 100, at most 200) */
    public int maxNameLength() {
        return maxNameLength;
    }
}
