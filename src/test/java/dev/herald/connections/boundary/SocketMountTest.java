package dev.herald.connections.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where {@link SocketMount} puts the endpoint, and which servlet mappings it refuses to share it with. */
class SocketMountTest {

    private static final ServletContext SHOP = (ServletContext) Proxy.newProxyInstance(ServletContext.class.getClassLoader(),
            new Class<?>[] {ServletContext.class}, (self, method, args) -> "getContextPath".equals(method.getName()) ? "/shop" : null);

    @Test
    void configWinsOverTheInitParamWhichWinsOverTheHostDefault() {
        assertEquals("/live/socket", SocketMount.path(SHOP, Optional.of(" /live/socket "), "/ws"));
        assertEquals("/ws", SocketMount.path(SHOP, Optional.empty(), "/ws"));
        assertEquals("/herald/ws", SocketMount.path(SHOP, Optional.empty(), null));
    }

    @Test
    void aPathThatIsNoPlainPathFailsNamingTheProperty() {
        for (String bad : List.of("ws", "/ws/", "/ws/*", "/{user}", "/a b", "/ws?x=1", "/", "")) {
            IllegalStateException failure = assertThrows(IllegalStateException.class, () -> SocketMount.path(SHOP, Optional.of(bad), null), bad);
            assertTrue(failure.getMessage().contains("Herald cannot start in /shop: its WebSocket path " + bad.trim() + " (herald.websocket.path)"),
                    failure.getMessage());
        }
    }

    @Test
    void onlyAServletOnThePathOrThePathAndBelowClaimsIt() {
        Map<String, ServletRegistration> registrations = new LinkedHashMap<>();
        registrations.put("default", servlet("/"));
        registrations.put("all", servlet("/*"));
        registrations.put("near", servlet("/herald/wsx/*", "/herald/*", "/ws"));
        assertEquals(List.of(), SocketMount.claims(registrations, "/herald/ws"));
        registrations.put("sockets", servlet("/herald/ws"));
        registrations.put("tree", servlet("/other", "/herald/ws/*"));
        assertEquals(List.of("/herald/ws (sockets)", "/herald/ws/* (tree)"), SocketMount.claims(registrations, "/herald/ws"));
        assertEquals(List.of("/ws (near)"), SocketMount.claims(registrations, "/ws"));
    }

    private static ServletRegistration servlet(String... patterns) {
        return (ServletRegistration) Proxy.newProxyInstance(ServletRegistration.class.getClassLoader(), new Class<?>[] {ServletRegistration.class},
                (self, method, args) -> "getMappings".equals(method.getName()) ? List.of(patterns) : null);
    }
}
