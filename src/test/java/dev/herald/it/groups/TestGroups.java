package dev.herald.it.groups;

import dev.herald.groups.control.GroupResolver;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.security.Principal;
import java.util.Set;

/** The test deployment's resolver, as an application's would be: alice (1) and bob (2) are in team:a, the others in none. */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestGroups implements GroupResolver {

    @Override
    public Set<String> groupsOf(long userId, Principal principal) {
        return userId == 1 || userId == 2 ? Set.of("team:a") : Set.of();
    }
}
