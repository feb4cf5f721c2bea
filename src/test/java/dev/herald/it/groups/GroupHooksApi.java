package dev.herald.it.groups;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** Test-only REST application for {@link GroupHooks}, added to GroupsIT's deployment, never to herald.war. */
@ApplicationPath("test-groups")
public class GroupHooksApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(GroupHooks.class);
    }
}
