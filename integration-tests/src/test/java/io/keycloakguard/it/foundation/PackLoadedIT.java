package io.keycloakguard.it.foundation;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class PackLoadedIT {

    @Test
    @SuppressWarnings("unchecked")
    void serverInfoListsThePacksProviders(GuardEnvironment env) {
        Map<String, Object> providers = env.admin().request().get("/admin/serverinfo")
                .then().statusCode(200).extract().path("providers");

        Map<String, Object> redisSpi = (Map<String, Object>) providers.get("guard-redis");
        assertNotNull(redisSpi, "guard-redis SPI missing from serverinfo: " + providers.keySet());
        Map<String, Object> redisProvider = (Map<String, Object>) ((Map<String, Object>) redisSpi.get("providers")).get("default");
        assertNotNull(redisProvider);
        Map<String, String> info = (Map<String, String>) redisProvider.get("operationalInfo");
        assertEquals(env.keyPrefix(), info.get("keyPrefix"));
        assertTrue(info.get("target").contains(":" + env.redis().port()), info.toString());

        Map<String, Object> adminExtensions = (Map<String, Object>) ((Map<String, Object>)
                providers.get("admin-realm-restapi-extension")).get("providers");
        assertTrue(adminExtensions.containsKey("guard"), adminExtensions.keySet().toString());
    }

    @Test
    void demoRealmWasImported(GuardEnvironment env) {
        String realm = env.admin().request().get("/admin/realms/guard-demo").then().statusCode(200).extract().path("realm");
        assertEquals("guard-demo", realm);
    }
}
