package dev.herald.api.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.handshake.control.OriginPolicy;
import dev.herald.stats.control.HeraldStats;
import org.junit.jupiter.api.Test;

/** The cross-site decision of state-changing REST calls (the other checks are proven over HTTP, ApiAccessIT). */
class ApiAccessTest {

    private static final String HOST = "app.example:8443";
    private final HeraldStats stats = new HeraldStats();
    private final ApiAccess sameOrigin = new ApiAccess(new OriginPolicy(null), stats);
    private final ApiAccess listed = new ApiAccess(new OriginPolicy("https://admin.example"), stats);

    @Test
    void requestsWithoutBrowserHeadersPass() {
        assertTrue(sameOrigin.allowsSite(null, null, HOST));
    }

    @Test
    void sameOriginBrowserRequestsPass() {
        assertTrue(sameOrigin.allowsSite("https://app.example:8443", "same-origin", HOST));
        assertTrue(sameOrigin.allowsSite("https://app.example:8443", null, HOST));
        assertTrue(sameOrigin.allowsSite(null, "same-origin", HOST));
        assertTrue(sameOrigin.allowsSite(null, "none", HOST));
    }

    @Test
    void crossSiteBrowserRequestsAreRefused() {
        assertFalse(sameOrigin.allowsSite("https://evil.example", "cross-site", HOST));
        assertFalse(sameOrigin.allowsSite("https://evil.example", null, HOST));
        assertFalse(sameOrigin.allowsSite("null", "cross-site", HOST));
        assertFalse(sameOrigin.allowsSite(null, "cross-site", HOST), "no Origin, but the browser says cross-site");
        assertFalse(sameOrigin.allowsSite(null, "Same-Site", HOST));
    }

    @Test
    void theBrowsersVerdictBeatsAHostHeaderThatMatches() {
        assertFalse(sameOrigin.allowsSite("https://app.example:8443", "cross-site", HOST));
    }

    @Test
    void listedOriginsPassEvenCrossSite() {
        assertTrue(listed.allowsSite("https://admin.example", "cross-site", HOST));
        assertFalse(listed.allowsSite("https://app.example:8443", "same-origin", HOST), "the list replaces the Host rule, as for the handshake");
        assertTrue(new ApiAccess(new OriginPolicy("*"), stats).allowsSite("https://any.example", "cross-site", HOST));
    }
}
