package dev.herald.handshake.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy sameOrigin = new OriginPolicy(null);

    @Test
    void withoutAnOriginHeaderEveryHandshakeIsAllowed() {
        assertTrue(sameOrigin.allows(null, "app.example"));
        assertTrue(new OriginPolicy("https://app.example").allows(null, "other.example"));
    }

    @Test
    void byDefaultOnlyTheHostsOwnOriginIsAllowed() {
        assertTrue(sameOrigin.allows("http://localhost:8080", "localhost:8080"));
        assertTrue(sameOrigin.allows("https://App.Example", "app.example"));
        assertTrue(sameOrigin.allows("https://app.example", "app.example:443"));
        assertTrue(sameOrigin.allows("http://app.example", "app.example"), "TLS may end at a proxy: the scheme is not compared");
        assertTrue(sameOrigin.allows("http://[::1]:8080", "[::1]:8080"));

        assertFalse(sameOrigin.allows("https://evil.example", "app.example"));
        assertFalse(sameOrigin.allows("http://localhost:8081", "localhost:8080"), "another port is another origin");
        assertFalse(sameOrigin.allows("https://app.example", "app.example:8443"));
        assertFalse(sameOrigin.allows("https://app.example.evil.example", "app.example"));
        assertFalse(sameOrigin.allows("https://evil.example/app.example", "app.example"));
        assertFalse(sameOrigin.allows("null", "app.example"), "sandboxed frames and file: pages send null");
        assertFalse(sameOrigin.allows("", "app.example"));
        assertFalse(sameOrigin.allows("not a url", "app.example"));
        assertFalse(sameOrigin.allows("https://app.example", null), "no Host header, nothing to compare with");
        assertFalse(sameOrigin.allows("https://app.example", "user@app.example"));
    }

    @Test
    void aConfiguredListReplacesTheSameOriginRule() {
        OriginPolicy listed = new OriginPolicy(" https://app.example , http://admin.example:8080/,HTTPS://CAPS.EXAMPLE:443 ");
        assertTrue(listed.allows("https://app.example", "api.example"));
        assertTrue(listed.allows("https://app.example:443", "api.example"), "default port is the same origin");
        assertTrue(listed.allows("http://admin.example:8080", "api.example"));
        assertTrue(listed.allows("https://caps.example", "api.example"));

        assertFalse(listed.allows("http://app.example", "api.example"), "the scheme is part of a listed origin");
        assertFalse(listed.allows("https://app.example:8443", "api.example"));
        assertFalse(listed.allows("http://api.example", "api.example"), "same origin is no longer implied");
        assertFalse(listed.allows("https://evil.example", "api.example"));
        assertFalse(listed.allows("null", "api.example"));
    }

    @Test
    void aStarAllowsEveryOriginButOnlyWhenConfigured() {
        OriginPolicy any = new OriginPolicy("*");
        assertTrue(any.allows("https://evil.example", "app.example"));
        assertTrue(any.allows("null", "app.example"));
        assertFalse(new OriginPolicy("https://*.example").allows("https://evil.example", "app.example"), "no wildcards inside origins");
    }

    @Test
    void blankSettingsMeanSameOrigin() {
        OriginPolicy blank = new OriginPolicy(" , ");
        assertTrue(blank.allows("http://localhost:8080", "localhost:8080"));
        assertFalse(blank.allows("https://evil.example", "localhost:8080"));
        assertEquals("the origin of the Host header", blank.describe());
    }

    @Test
    void normalizesSchemeHostAndDefaultPorts() {
        assertEquals("https://app.example:443", OriginPolicy.normalize("HTTPS://App.Example"));
        assertEquals("http://app.example:80", OriginPolicy.normalize("http://app.example:80/"));
        assertEquals("null", OriginPolicy.normalize("null"));
        assertEquals("https://app.example/path", OriginPolicy.normalize("https://app.example/path"), "not an origin: kept as text");
    }
}
