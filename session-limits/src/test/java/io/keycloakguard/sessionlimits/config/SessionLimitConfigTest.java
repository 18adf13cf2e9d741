package io.keycloakguard.sessionlimits.config;

import io.keycloakguard.core.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionLimitConfigTest {

    @Test
    void emptyConfigLimitsNothingAndDenies() {
        SessionLimitConfig config = SessionLimitConfig.parse(Map.of());
        assertTrue(config.realmLimit().isEmpty());
        assertEquals(ExceedAction.DENY, config.onExceed());
        assertEquals("guard.maxSessions", config.userAttribute());
        assertFalse(config.countOfflineSessions());
    }

    @Test
    void parsesMultivaluedRules() {
        SessionLimitConfig config = SessionLimitConfig.parse(Map.of(
                SessionLimitConfig.REALM_LIMIT, "3",
                SessionLimitConfig.ROLE_LIMITS, "premium=10##admin=0",
                SessionLimitConfig.GROUP_LIMITS, "/staff=5##/staff/support = 2",
                SessionLimitConfig.CLIENT_LIMITS, "kiosk=1",
                SessionLimitConfig.ON_EXCEED, "end-oldest",
                SessionLimitConfig.COUNT_OFFLINE_SESSIONS, "true"));
        assertEquals(3, config.realmLimit().getAsInt());
        assertEquals(Map.of("premium", 10, "admin", 0), config.roleLimits());
        assertEquals(Map.of("/staff", 5, "/staff/support", 2), config.groupLimits());
        assertEquals(Map.of("kiosk", 1), config.clientLimits());
        assertEquals(ExceedAction.END_OLDEST, config.onExceed());
        assertTrue(config.countOfflineSessions());
    }

    @Test
    void reportsEveryProblemNamingFieldAndValue() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                SessionLimitConfig.parse(Map.of(
                        SessionLimitConfig.REALM_LIMIT, "-1",
                        SessionLimitConfig.ROLE_LIMITS, "premium=ten##admin",
                        SessionLimitConfig.GROUP_LIMITS, "staff=2",
                        SessionLimitConfig.ON_EXCEED, "kick-everyone")));
        String message = e.getMessage();
        assertTrue(message.contains("Realm limit: '-1'"), message);
        assertTrue(message.contains("'ten' is not a whole number"), message);
        assertTrue(message.contains("'admin' must look like name=limit"), message);
        assertTrue(message.contains("'staff' must be a group path"), message);
        assertTrue(message.contains("'kick-everyone'"), message);
    }

    @Test
    void refusesDuplicateAndEmptyRules() {
        assertThrows(InvalidConfigurationException.class,
                () -> SessionLimitConfig.parse(Map.of(SessionLimitConfig.ROLE_LIMITS, "a=1##a=2")));
        assertThrows(InvalidConfigurationException.class,
                () -> SessionLimitConfig.parse(Map.of(SessionLimitConfig.CLIENT_LIMITS, "kiosk=")));
    }

    /** The console's key/value rows (MAP_TYPE) store a JSON list; the readable choice labels are stored as shown. */
    @Test
    void parsesTheConsolesKeyValueRowsAndChoiceLabels() {
        SessionLimitConfig config = SessionLimitConfig.parse(Map.of(
                SessionLimitConfig.CLIENT_LIMITS, "[{\"key\":\"kiosk\",\"value\":\"1\"}]",
                SessionLimitConfig.GROUP_LIMITS, "[{\"key\":\"/staff\",\"value\":\"5\"},{\"key\":\"/staff/support\",\"value\":\"2\"}]",
                SessionLimitConfig.ON_EXCEED, "End the oldest session"));
        assertEquals(Map.of("kiosk", 1), config.clientLimits());
        assertEquals(Map.of("/staff", 5, "/staff/support", 2), config.groupLimits());
        assertEquals(ExceedAction.END_OLDEST, config.onExceed());
        for (ExceedAction action : ExceedAction.values()) {
            assertEquals(action, ExceedAction.fromValue(action.label()).orElseThrow());
            assertEquals(action, ExceedAction.fromValue(action.value()).orElseThrow(), "old stored ids keep working");
        }
    }

    @Test
    void reportsBadKeyValueRows() {
        String message = assertThrows(InvalidConfigurationException.class, () -> SessionLimitConfig.parse(Map.of(
                SessionLimitConfig.ROLE_LIMITS, "[{\"key\":\"premium\",\"value\":\"ten\"},{\"key\":\"gold\",\"value\":\"\"}]",
                SessionLimitConfig.CLIENT_LIMITS, "[{\"key\":"))).getMessage();
        assertTrue(message.contains("'ten' is not a whole number"), message);
        assertTrue(message.contains("'gold=' has no limit"), message);
        assertTrue(message.contains("Client limits: '[{\"key\":' is neither key/value rows nor name=limit lines"), message);
    }
}
