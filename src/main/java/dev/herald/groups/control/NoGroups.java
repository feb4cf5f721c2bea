package dev.herald.groups.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.Principal;
import java.util.Set;

/** The default {@link GroupResolver}: nobody is in a group until the application calls {@code join}. */
@ApplicationScoped
public class NoGroups implements GroupResolver {

    /** Creates the bean. */
    public NoGroups() {
    }

    @Override
    public Set<String> groupsOf(long userId, Principal principal) {
        return Set.of();
    }
}
