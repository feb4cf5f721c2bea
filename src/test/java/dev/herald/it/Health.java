package dev.herald.it;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The server's MicroProfile Health endpoints and Herald's check in them: on the application's port
 * for Payara Micro and Open Liberty, on the management port (10090 in the tests) for WildFly.
 */
final class Health {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** Herald's checks' name (ReadinessCheck.NAME). */
    static final String CHECK = "herald";

    private Health() {
    }

    /**
     * @param base the application URL
     * @param kind {@code ready} or {@code live}
     * @return the endpoint
     */
    static URI endpoint(URL base, String kind) {
        String server = System.getProperty("arquillian.launch", "payara-micro");
        String root = "wildfly".equals(server) ? "http://" + base.getHost() + ":10090" : base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
        return URI.create(root + "/health/" + kind);
    }

    /**
     * @param base the application URL
     * @param kind {@code ready} or {@code live}
     * @return the answer (200 UP, 503 DOWN)
     * @throws Exception on I/O failure
     */
    static HttpResponse<String> get(URL base, String kind) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(endpoint(base, kind)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * @param answer a health answer
     * @return Herald's check in it, if any
     */
    static Optional<JsonObject> heraldCheck(HttpResponse<String> answer) {
        JsonObject body = ItSupport.json(answer.body());
        return body.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(check -> CHECK.equals(check.getString("name"))).findFirst();
    }

    /**
     * @param base the application URL
     * @param kind {@code ready} or {@code live}
     * @return Herald's check there now, if any
     * @throws Exception on I/O failure
     */
    static Optional<JsonObject> heraldCheck(URL base, String kind) throws Exception {
        return heraldCheck(get(base, kind));
    }

    /**
     * @param check a check
     * @return its {@code data.reason}, or empty
     */
    static String reason(JsonObject check) {
        JsonObject data = check.getJsonObject("data");
        return data == null || !data.containsKey("reason") ? "" : data.getString("reason");
    }
}
