package dev.herald.it.host.scanning;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The most common host path, {@code /api}, scanning the whole WAR: it must stay the host's. */
@ApplicationPath("api")
public class ApiConfig extends Application {
}
