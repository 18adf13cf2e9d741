package io.keycloakguard.it.harness;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * Keycloak's own account REST API ({@code /realms/{realm}/account/…}), to compare the pack's account endpoints
 * with, and clients whose tokens carry less than full account access.
 */
public final class AccountApi {

    private AccountApi() {
    }

    /**
     * A public client (direct grant on) that was given no account access: full scope off and no scope mappings, so
     * its tokens carry no {@code account} role. With {@code accountAudience} an audience mapper still puts
     * {@code account} in their audience. Returns its client id.
     */
    public static String lowTrustClient(KeycloakAdmin admin, String realm, boolean accountAudience) {
        String clientId = (accountAudience ? "aud-only-" : "low-trust-") + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> client = new HashMap<>(Map.of("clientId", clientId, "publicClient", true,
                "directAccessGrantsEnabled", true, "standardFlowEnabled", false, "fullScopeAllowed", false));
        if (accountAudience) {
            client.put("protocolMappers", List.of(Map.of("name", "account-audience", "protocol", "openid-connect",
                    "protocolMapper", "oidc-audience-mapper", "config", Map.of("included.client.audience", "account",
                            "access.token.claim", "true", "id.token.claim", "false"))));
        }
        admin.request().body(client).post("/admin/realms/{realm}/clients", realm).then().statusCode(201);
        return clientId;
    }

    /** A call to Keycloak's account API with a bearer token, as the account console makes it (JSON). */
    public static Response call(String baseUrl, String realm, String method, String path, String token) {
        return given().auth().oauth2(token).accept(ContentType.JSON).contentType(ContentType.JSON)
                .request(method, baseUrl + "/realms/" + realm + "/account" + path);
    }
}
