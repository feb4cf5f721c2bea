package dev.herald.groups.control;

import java.security.Principal;
import java.util.Set;

/**
 * Decides the groups a user belongs to when one of their sessions connects (the server decides
 * group membership; clients never ask for it). Asked once per registration, during the handshake, on
 * the container's handshake thread, before any stream lock is taken. The default ({@link NoGroups})
 * answers none. An application replaces it with a CDI alternative, which works the same on Payara,
 * WildFly and Open Liberty (GroupsIT deploys one on each):
 * <pre>{@code
 * @Alternative @Priority(1) @ApplicationScoped
 * public class TenantGroups implements GroupResolver {
 *     @Inject Accounts accounts;
 *     @Override public Set<String> groupsOf(long userId, Principal principal) {
 *         return Set.of("tenant:" + accounts.tenantOf(userId));
 *     }
 * }}</pre>
 * Names that are not valid group names ({@code StreamKey.Named}) are left out and logged.
 */
public interface GroupResolver {

    /**
     * @param userId    the user, from the handshake principal or ticket
     * @param principal the handshake's principal; null when the session was admitted by a connect ticket
     * @return the user's groups (never null)
     */
    Set<String> groupsOf(long userId, Principal principal);
}
