package io.keycloakguard.core.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The admin-event paths of Keycloak 26.4 to 26.7's authentication resource, as the config check reads them. */
class SavedTest {

    @Test
    void aConfigUpdatedNamesTheConfig() {
        assertEquals(new Saved(Saved.Kind.CONFIG, "c1"), Saved.of(true, "authentication/config/c1"));
    }

    @Test
    void aConfigCreatedNamesTheExecutionItBelongsTo() {
        assertEquals(new Saved(Saved.Kind.EXECUTION, "e1"), Saved.of(true, "authentication/executions/e1/config"));
    }

    @Test
    void aStepAddedOrSwitchedOnNamesTheFlow() {
        assertEquals(new Saved(Saved.Kind.FLOW, "guard browser forms"),
                Saved.of(false, "authentication/flows/guard browser forms/executions/execution"));
        assertEquals(new Saved(Saved.Kind.FLOW, "a b"), Saved.of(false, "authentication/flows/a%20b/executions"));
        assertEquals(new Saved(Saved.Kind.EXECUTION, "e2"), Saved.of(false, "authentication/executions/e2"));
        assertNull(Saved.of(false, "authentication"));
    }
}
