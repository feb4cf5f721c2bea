package dev.herald.bench.peers.control;

import dev.herald.groups.control.GroupResolver;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.security.Principal;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Benchmark-only group membership (never in herald.war; the bench WAR's {@code dev.herald.bench.peers}
 * classes only): every connecting user is in the groups named by the server's system property
 * {@value #PROPERTY} (comma-separated; P5 starts its nodes with {@code bench:all}). Without the property
 * it answers none, as Herald's default {@code NoGroups} does, so P1–P4 measure what they did before.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class BenchGroups implements GroupResolver {

    /** The system property that names every user's groups. */
    public static final String PROPERTY = "bench.groups";

    private final Set<String> groups = Arrays.stream(System.getProperty(PROPERTY, "").split(","))
            .map(String::trim).filter(name -> !name.isEmpty()).collect(Collectors.toUnmodifiableSet());

    /** Creates the resolver. */
    public BenchGroups() {
    }

    @Override
    public Set<String> groupsOf(long userId, Principal principal) {
        return groups;
    }
}
