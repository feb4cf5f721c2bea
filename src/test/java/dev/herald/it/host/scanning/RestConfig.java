package dev.herald.it.host.scanning;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The usual host setup: an application that lists nothing, so the runtime scans the whole WAR (Herald's jar too). */
@ApplicationPath("rest")
public class RestConfig extends Application {
}
