package io.keycloakguard.authenticators.notify;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NotMeLinkTest {

    @Test
    void theRealmsOverrideForTheActionWins() {
        assertEquals(3600, NotMeLink.lifespanSeconds(3600, 43200));
    }

    @Test
    void otherwiseTheAdminInitiatedLifespan() {
        assertEquals(43200, NotMeLink.lifespanSeconds(null, 43200));
        assertEquals(86400, NotMeLink.lifespanSeconds(0, 86400));
    }

    @Test
    void neverZero() {
        assertEquals(12 * 3600, NotMeLink.lifespanSeconds(null, 0));
    }
}
