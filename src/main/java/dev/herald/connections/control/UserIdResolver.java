package dev.herald.connections.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Maps the authenticated handshake principal to Herald's user id. Identity never comes from the URL.
 *
 * <p>Default: the principal's name when it is a positive long; otherwise the id listed for that
 * name in {@code herald.user-ids} ({@code alice=1,bob=2}); otherwise the principal is rejected.
 * An application with its own user table replaces this bean with a CDI alternative:
 * <pre>{@code
 * @Alternative @Priority(1) @ApplicationScoped
 * public class AccountIds extends UserIdResolver {
 *     @Inject Accounts accounts;
 *     @Override public OptionalLong resolve(Principal p) { return accounts.idOf(p.getName()); }
 * }}</pre>
 */
@ApplicationScoped
public class UserIdResolver {

    @Inject
    @ConfigProperty(name = "herald.user-ids")
    Optional<String> userIds;

    private volatile Map<String, Long> mapping;

    /** Creates the bean; CDI injects the optional name-to-id mapping. */
    public UserIdResolver() {
    }

    /**
     * @param principal the principal of the authenticated upgrade request, or null
     * @return the user id, or empty when the principal is missing or not a Herald user
     */
    public OptionalLong resolve(Principal principal) {
        if (principal == null || principal.getName() == null) {
            return OptionalLong.empty();
        }
        String name = principal.getName().trim();
        try {
            long id = Long.parseLong(name);
            return id > 0 ? OptionalLong.of(id) : OptionalLong.empty();
        } catch (NumberFormatException notNumeric) {
            Long id = mapping().get(name);
            return id == null ? OptionalLong.empty() : OptionalLong.of(id);
        }
    }

    private Map<String, Long> mapping() {
        Map<String, Long> current = mapping;
        if (current == null) {
            current = parse(userIds == null ? "" : userIds.orElse(""));
            mapping = current;
        }
        return current;
    }

    /**
     * Parses {@code name=id,name=id}; entries without a positive numeric id are skipped.
     *
     * @param spec the property value
     * @return name to id
     */
    static Map<String, Long> parse(String spec) {
        Map<String, Long> parsed = new HashMap<>();
        for (String entry : spec.split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                long id = Long.parseLong(entry.substring(eq + 1).trim());
                if (id > 0) {
                    parsed.put(entry.substring(0, eq).trim(), id);
                }
            } catch (NumberFormatException skipped) {
                // a malformed entry maps nobody
            }
        }
        return Map.copyOf(parsed);
    }
}
