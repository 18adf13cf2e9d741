package io.keycloakguard.authenticators.devices.flow;

import org.junit.jupiter.api.Test;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticatorFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NewDeviceConditionFactoryTest {

    /** The shared step base must not hide the category Keycloak gives every condition. */
    @Test
    void isInKeycloaksConditionCategory() {
        assertEquals(ConditionalAuthenticatorFactory.REFERENCE_CATEGORY, new NewDeviceConditionFactory().getReferenceCategory());
    }
}
