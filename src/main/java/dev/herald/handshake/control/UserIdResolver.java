package dev.herald.handshake.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Maps the authenticated handshake principal to Herald's user id. Identity never comes from the URL.
 *
 * <p>Default: the id listed for the principal's exact name in {@code herald.user-ids}
 * ({@code alice=1,bob=2}); otherwise the name itself when it is a positive long in canonical form
 * ({@code 1}, never {@code 01}, {@code +1} or {@code " 1"}) and {@code herald.user-ids.numeric} is
 * true (the default); otherwise the principal is rejected. Names are compared as they are, never
 * trimmed or case-folded, so two distinct login names never share a user id. Turn numeric names off
 * where users choose their own login names: otherwise one who registers {@code 42} is user 42.
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
    HandshakeConfig config = new HandshakeConfig();

    /** A positive number without sign, leading zeros or blanks: at most 19 digits (Long.MAX_VALUE). */
    private static final Pattern CANONICAL = Pattern.compile("[1-9][0-9]{0,18}");

    private volatile Map<String, Long> mapping;

    /** Creates the bean; CDI injects the settings ({@code herald.user-ids}, {@code herald.user-ids.numeric}). */
    public UserIdResolver() {
    }

    /**
     * A resolver outside a container (unit tests).
     *
     * @param userIds      the {@code herald.user-ids} value, or null
     * @param numericNames whether a canonical positive number is a user id by itself
     */
    public UserIdResolver(String userIds, boolean numericNames) {
        this.config = new HandshakeConfig(userIds, numericNames);
    }

    /**
     * @param principal the principal of the authenticated upgrade request, or null
     * @return the user id, or empty when the principal is missing or not a Herald user
     */
    public OptionalLong resolve(Principal principal) {
        if (principal == null || principal.getName() == null) {
            return OptionalLong.empty();
        }
        String name = principal.getName();
        Long listed = mapping().get(name);
        if (listed != null) {
            return OptionalLong.of(listed);
        }
        if (config.userIdsNumeric() && CANONICAL.matcher(name).matches()) {
            try {
                return OptionalLong.of(Long.parseLong(name));
            } catch (NumberFormatException overflow) {
                // 19 digits beyond Long.MAX_VALUE: nobody
            }
        }
        return OptionalLong.empty();
    }

    private Map<String, Long> mapping() {
        Map<String, Long> current = mapping;
        if (current == null) {
            current = parse(config.userIds().orElse(""));
            mapping = current;
        }
        return current;
    }

    /**
     * Parses {@code name=id,name=id}; entries without a positive numeric id are skipped. Blanks around
     * an entry are the property's formatting and dropped; the name is otherwise taken as written.
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
