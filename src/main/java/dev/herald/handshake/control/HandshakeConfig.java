package dev.herald.handshake.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Handshake security settings (origins, user ids), read from MicroProfile Config; they have no range
 * to check. Listed in docs/configuration.md.
 */
@ApplicationScoped
public class HandshakeConfig {

    // each default once, for the annotation and the field (code without CDI)
    private static final String D_USER_IDS_NUMERIC = "true";

    /** Absent: same origin as the handshake's Host header only. */
    @Inject
    @ConfigProperty(name = "herald.allowed-origins")
    Optional<String> allowedOrigins = Optional.empty();

    @Inject
    @ConfigProperty(name = "herald.user-ids")
    Optional<String> userIds = Optional.empty();

    @Inject
    @ConfigProperty(name = "herald.user-ids.numeric", defaultValue = D_USER_IDS_NUMERIC)
    boolean userIdsNumeric = Boolean.parseBoolean(D_USER_IDS_NUMERIC);

    /** Creates the bean with the defaults; CDI fills the fields. */
    public HandshakeConfig() {
    }

    /**
     * Settings outside a container (unit tests).
     *
     * @param userIds        the {@code herald.user-ids} value, or null
     * @param userIdsNumeric the {@code herald.user-ids.numeric} value
     */
    HandshakeConfig(String userIds, boolean userIdsNumeric) {
        this.userIds = Optional.ofNullable(userIds);
        this.userIdsNumeric = userIdsNumeric;
    }

    /**
     * @return {@code herald.allowed-origins}: comma-separated origins ({@code https://app.example}) or
     *         {@code *}; empty means only the origin of the handshake's Host header (the default)
     */
    public Optional<String> allowedOrigins() {
        return allowedOrigins == null ? Optional.empty() : allowedOrigins;
    }

    /** @return {@code herald.user-ids}: {@code name=id,…}, principal names and their user ids; empty: none listed */
    public Optional<String> userIds() {
        return userIds == null ? Optional.empty() : userIds;
    }

    /** @return {@code herald.user-ids.numeric}: whether a canonical positive number names that user id (default true) */
    public boolean userIdsNumeric() {
        return userIdsNumeric;
    }
}
