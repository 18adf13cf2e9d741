package io.keycloakguard.authenticators.notify;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmailLinksTest {

    @Test
    void aConfiguredHostnameOrFrontendUrlMakesLinksSafe() {
        assertTrue(EmailLinks.configured("https://id.example.com", null));
        assertTrue(EmailLinks.configured("id.example.com", ""));
        assertTrue(EmailLinks.configured(null, "https://login.example.com"));
    }

    @Test
    void aDynamicHostnameDoesNot() {
        assertFalse(EmailLinks.configured(null, null));
        assertFalse(EmailLinks.configured(" ", " "));
    }
}
