package dev.herald.api.boundary;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletRegistration;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which servlet registrations {@link MountCheck} lets a deployment start with. */
class MountCheckTest {

    /** A host application on Herald's path that the REST runtime could not map (it lost the toss). */
    @ApplicationPath("/herald/api/")
    public static class Clash extends Application {
    }

    @Test
    void heraldAloneOrBesideOtherPathsStarts() {
        assertDoesNotThrow(() -> start(Map.of(HeraldApi.class.getName(), List.of("/herald/api/*"))));
        assertDoesNotThrow(() -> start(Map.of(HeraldApi.class.getName(), List.of("/api/*"), "host", List.of("/rest/*", "/app/*"),
                "default", List.of("/"), "catchAll", List.of("/*"), "ws", List.of("/ws", "/herald/ws/*"))));
    }

    @Test
    void anotherServletOnHeraldsRestPathFails() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> start(Map.of(HeraldApi.class.getName(), List.of("/api/*"), "com.shop.Api", List.of("/api/*"))));
        assertTrue(failure.getMessage().contains("Herald cannot start in /shop"), failure.getMessage());
        assertTrue(failure.getMessage().contains("/api/* (com.shop.Api)"), failure.getMessage());
    }

    @Test
    void anApplicationThatLostTheTossIsFoundByItsAnnotation() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> start(Map.of(HeraldApi.class.getName(), List.of("/herald/api/*"), Clash.class.getName(), List.of())));
        assertTrue(failure.getMessage().contains("/herald/api/* (" + Clash.class.getName() + ")"), failure.getMessage());
    }

    @Test
    void heraldThatLostTheTossFails() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> start(Map.of(HeraldApi.class.getName(), List.of(), "com.shop.Api", List.of("/herald/api/*"))));
        assertTrue(failure.getMessage().contains("(com.shop.Api)"), failure.getMessage());
    }

    private static void start(Map<String, List<String>> mappings) {
        Map<String, ServletRegistration> registrations = new LinkedHashMap<>();
        mappings.forEach((name, patterns) -> registrations.put(name, proxy(ServletRegistration.class, method -> switch (method) {
            case "getMappings" -> patterns;
            case "getName" -> name;
            default -> null;
        })));
        ServletContext context = proxy(ServletContext.class, method -> switch (method) {
            case "getServletRegistrations" -> registrations;
            case "getContextPath" -> "/shop";
            case "getClassLoader" -> MountCheckTest.class.getClassLoader();
            default -> null;
        });
        new MountCheck().contextInitialized(new ServletContextEvent(context));
    }

    private interface Answer {
        Object apply(String method);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> answer.apply(method.getName())));
    }
}
