package dev.herald.it;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls Herald's REST API as a given user. */
public final class Rest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Rest() {
    }

    /**
     * @param base the application URL
     * @param user Basic user (password = name), or null for none
     * @param path below {@code api/}
     * @param json the body
     * @return the response
     * @throws Exception on I/O failure
     */
    public static HttpResponse<String> post(URL base, String user, String path, String json) throws Exception {
        return send(request(base, user, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /**
     * @param base the application URL
     * @param user Basic user, or null
     * @param path below {@code api/}
     * @return the response
     * @throws Exception on I/O failure
     */
    public static HttpResponse<String> get(URL base, String user, String path) throws Exception {
        return send(request(base, user, path).GET());
    }

    /**
     * @param base the application URL
     * @param user Basic user, or null
     * @param path below {@code api/}
     * @return the response
     * @throws Exception on I/O failure
     */
    public static HttpResponse<String> delete(URL base, String user, String path) throws Exception {
        return send(request(base, user, path).DELETE());
    }

    private static HttpRequest.Builder request(URL base, String user, String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + "api/" + path)).timeout(Duration.ofSeconds(30));
        if (user != null) {
            builder.header("Authorization", WsClient.basic(user, user));
        }
        return builder;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
