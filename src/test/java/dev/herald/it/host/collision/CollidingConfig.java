package dev.herald.it.host.collision;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** A host application on Herald's own REST path: the deployment must fail with Herald's message. */
@ApplicationPath("herald/api")
public class CollidingConfig extends Application {
}
