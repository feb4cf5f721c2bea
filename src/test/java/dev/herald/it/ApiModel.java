package dev.herald.it;

import dev.herald.api.boundary.HeraldApi;
import dev.herald.api.control.ApiAccess;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Every resource method of Herald's REST application, read from the application's own model
 * ({@link HeraldApi#getClasses()} and the Jakarta REST annotations), never from a hand-kept list. A
 * resource that serves Server-Sent Events is a transport, not an API call: its stream is admitted like a
 * WebSocket handshake (container login or a ticket) and its message POST is bound to the stream by the
 * stream's secret id, so its access is {@code SseIT}'s, not this model's.
 */
final class ApiModel {

    /**
     * One resource method.
     *
     * @param method   the HTTP method
     * @param path     the path below the API root, path parameters filled with {@code 1}
     * @param sender   whether it is for role {@code herald-sender} ({@code @RolesAllowed}); otherwise for
     *                 any authenticated caller with a user id
     * @param json     whether it takes a request body (a parameter without annotations)
     * @param resource the resource method, for messages
     */
    record Endpoint(String method, String path, boolean sender, boolean json, String resource) {

        /** @return whether the call changes state (and so must refuse cross-site requests) */
        boolean stateChanging() {
            return !"GET".equals(method) && !"HEAD".equals(method);
        }

        @Override
        public String toString() {
            return method + " " + path + " (" + resource + ")";
        }
    }

    private ApiModel() {
    }

    /** @return every resource method of Herald's application, at least one */
    static List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Class<?> type : new HeraldApi().getClasses()) {
            Path root = type.getAnnotation(Path.class);
            if (root == null) {
                continue; // a provider
            }
            if (servesEvents(type)) {
                continue; // the SSE transport (see the class comment)
            }
            for (Method method : type.getMethods()) {
                String http = httpMethod(method);
                if (http == null) {
                    continue;
                }
                Path sub = method.getAnnotation(Path.class);
                String path = fill(join(root.value(), sub == null ? "" : sub.value()));
                RolesAllowed roles = method.getAnnotation(RolesAllowed.class);
                boolean sender = roles != null && Arrays.asList(roles.value()).contains(ApiAccess.SENDER_ROLE);
                boolean json = Arrays.stream(method.getParameters()).anyMatch(ApiModel::isEntity);
                endpoints.add(new Endpoint(http, path, sender, json, type.getSimpleName() + "." + method.getName()));
            }
        }
        endpoints.sort(Comparator.comparing(Endpoint::toString));
        if (endpoints.isEmpty()) {
            throw new IllegalStateException("no resource methods found in " + HeraldApi.class.getName());
        }
        return endpoints;
    }

    private static boolean servesEvents(Class<?> type) {
        return Arrays.stream(type.getMethods()).map(m -> m.getAnnotation(Produces.class))
                .anyMatch(produces -> produces != null && Arrays.asList(produces.value()).contains(MediaType.SERVER_SENT_EVENTS));
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static boolean isEntity(Parameter parameter) {
        return parameter.getAnnotations().length == 0;
    }

    private static String join(String root, String sub) {
        String path = (strip(root) + "/" + strip(sub));
        return strip(path);
    }

    private static String strip(String path) {
        return path.replaceAll("^/+|/+$", "");
    }

    private static String fill(String template) {
        return template.replaceAll("\\{[^}]*}", "1");
    }
}
