package dev.herald.handshake.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.Principal;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The default principal-to-user-id mapping gives every user id to one principal name only. */
class UserIdResolverTest {

    private static OptionalLong resolve(UserIdResolver resolver, String name) {
        Principal principal = () -> name;
        return resolver.resolve(principal);
    }

    @Test
    void aCanonicalNumberIsItsUserId() {
        UserIdResolver resolver = new UserIdResolver(null, true);
        assertEquals(OptionalLong.of(1), resolve(resolver, "1"));
        assertEquals(OptionalLong.of(Long.MAX_VALUE), resolve(resolver, Long.toString(Long.MAX_VALUE)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "+1", " 1", "1 ", "0", "-1", "1.0", "1e0", "١", "9223372036854775808", "99999999999999999999", ""})
    void otherSpellingsOfANumberAreNobody(String name) {
        assertEquals(OptionalLong.empty(), resolve(new UserIdResolver(null, true), name));
    }

    @Test
    void listedNamesMatchExactly() {
        UserIdResolver resolver = new UserIdResolver(" alice=1, bob=2 ,Carol=3", true);
        assertEquals(OptionalLong.of(1), resolve(resolver, "alice"));
        assertEquals(OptionalLong.of(2), resolve(resolver, "bob"));
        assertEquals(OptionalLong.empty(), resolve(resolver, "alice "));
        assertEquals(OptionalLong.empty(), resolve(resolver, " alice"));
        assertEquals(OptionalLong.empty(), resolve(resolver, "Alice"));
        assertEquals(OptionalLong.empty(), resolve(resolver, "carol"));
        assertEquals(OptionalLong.of(3), resolve(resolver, "Carol"));
    }

    @Test
    void numericNamesCanBeTurnedOff() {
        UserIdResolver resolver = new UserIdResolver("alice=1,7=70", false);
        assertEquals(OptionalLong.empty(), resolve(resolver, "1"));
        assertEquals(OptionalLong.of(1), resolve(resolver, "alice"));
        assertEquals(OptionalLong.of(70), resolve(resolver, "7"), "a listed name wins, numeric or not");
    }

    @Test
    void noPrincipalIsNobody() {
        assertEquals(OptionalLong.empty(), new UserIdResolver(null, true).resolve(null));
        assertEquals(OptionalLong.empty(), resolve(new UserIdResolver(null, true), null));
    }
}
