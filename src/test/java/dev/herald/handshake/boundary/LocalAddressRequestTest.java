package dev.herald.handshake.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/** The handshake request handed to the upgrade never asks the container for the local name. */
class LocalAddressRequestTest {

    /** A request whose getLocalName() fails, as a stand-in for a reverse DNS lookup that must not happen. */
    private static HttpServletRequest request() {
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[]{HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getLocalAddr" -> "192.0.2.2";
                    case "getLocalPort" -> 8080;
                    case "getHeader" -> "value of " + args[0];
                    default -> throw new AssertionError(method.getName() + " was called");
                });
    }

    @Test
    void theLocalNameIsTheLocalAddressWithoutAskingTheContainer() {
        assertEquals("192.0.2.2", new LocalAddressRequest(request()).getLocalName());
    }

    @Test
    void everythingElseIsTheContainersRequest() {
        LocalAddressRequest request = new LocalAddressRequest(request());
        assertEquals(8080, request.getLocalPort());
        assertEquals("value of Upgrade", request.getHeader("Upgrade"));
    }
}
