package dev.herald.platform;

import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.ws.rs.BadRequestException;

/** Validation of REST input, failing with 400 problems that say what was wrong. */
public final class JsonBodies {

    private JsonBodies() {
    }

    /**
     * @param body a request body
     * @return the JSON value it holds
     * @throws BadRequestException when it is empty, not one JSON value, or beyond {@link JsonLimits}
     */
    public static JsonValue parse(String body) {
        if (body == null || body.isBlank()) {
            throw new BadRequestException("Request body must be JSON; it was empty");
        }
        try {
            return JsonLimits.parse(body);
        } catch (JsonException e) {
            throw new BadRequestException("Request body is not valid JSON: " + e.getMessage());
        }
    }

    /**
     * @param raw a path parameter
     * @return the user id it holds
     * @throws BadRequestException when it is not a positive number
     */
    public static long userId(String raw) {
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadRequestException("User id must be a positive number");
    }
}
