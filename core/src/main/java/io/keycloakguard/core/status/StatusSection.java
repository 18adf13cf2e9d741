package io.keycloakguard.core.status;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * A provider factory of the pack that adds a section of its own to {@code GET /admin/realms/{realm}/guard/status}
 * (e.g. the per-IP rate limit: its Redis and how many addresses it tracks). Factories live outside core, so the
 * status finds them among the providers Keycloak loaded.
 */
public interface StatusSection {

    /** The key of the section in the status JSON. */
    String statusSection();

    /** The section's content for this realm; never throws (an {@code error} field instead). */
    Object status(KeycloakSession session, RealmModel realm);
}
