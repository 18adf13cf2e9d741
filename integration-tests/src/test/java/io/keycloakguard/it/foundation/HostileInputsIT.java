package io.keycloakguard.it.foundation;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every query parameter, path segment, bearer token and form field of the pack's endpoints, with inputs chosen to
 * break parsers and databases (numbers beyond every range, negative and non-numeric ones, very long strings,
 * control characters, bad UUIDs): none gets a 500. Each answer is a 4xx, or a 2xx where the input is harmless.
 */
@ExtendWith(KeycloakGuardExtension.class)
class HostileInputsIT {

    static final String PASSWORD = "Correct-horse-42";

    static GuardEnvironment env;
    static String realm;
    static String userId;
    static String userToken;

    static List<String> hostile() {
        return List.of("3000000000", "99999999999999999999999999", "-1", "-9223372036854775809", "abc", "1e9",
                "0x7fffffff", "", " ", "a".repeat(300), "b".repeat(5000), "00000000-0000-0000-0000-000000000000",
                "not-a-uuid", "\u0000", "a\u0000b", "line\nbreak", "%", "%00", "😀", "../../../etc/passwd",
                "' OR '1'='1", "{\"$gt\":\"\"}", "null", "true");
    }

    @BeforeAll
    static void setUp(GuardEnvironment environment) {
        env = environment;
        KeycloakAdmin admin = env.admin();
        realm = "guard-hostile-" + UUID.randomUUID().toString().substring(0, 6);
        admin.request().body(Map.of("realm", realm, "enabled", true, "sslRequired", "none",
                        "eventsListeners", List.of("jboss-logging", "guard-audit")))
                .post("/admin/realms").then().statusCode(201);
        new AuthFlows(admin, realm).createClient("hostile-app", "http://127.0.0.1:9/cb", null, null, Map.of());
        String username = KeycloakAdmin.uniqueUsername("hostile");
        userId = admin.createUser(realm, username, PASSWORD);
        userToken = (String) Tokens.passwordGrant(env.baseUrl(), realm, "hostile-app", username, PASSWORD)
                .get("access_token");
    }

    private record Call(String name, Function<String, Response> send) {
    }

    private static RequestSpecification asAdmin() {
        return env.admin().request();
    }

    private static String admin(String path) {
        return "/admin/realms/" + realm + path;
    }

    private static List<Call> calls() {
        List<Call> calls = new ArrayList<>();
        for (String param : List.of("user", "type", "from", "to", "first", "max")) {
            calls.add(new Call("GET guard-audit/records?" + param, v -> asAdmin().queryParam(param, v)
                    .get(admin("/guard-audit/records"))));
        }
        calls.add(new Call("GET guard-audit/users/{id}/revocations", v -> asAdmin().pathParam("id", v)
                .get(admin("/guard-audit/users/{id}/revocations"))));
        calls.add(new Call("GET guard-audit/chain?x", v -> asAdmin().queryParam("x", v).get(admin("/guard-audit/chain"))));
        calls.add(new Call("GET guard/status?x", v -> asAdmin().queryParam("x", v).get(admin("/guard/status"))));
        calls.add(new Call("GET guard-devices/users/{id}/devices", v -> asAdmin().pathParam("id", v)
                .get(admin("/guard-devices/users/{id}/devices"))));
        calls.add(new Call("GET guard-devices/users/{id}/logins", v -> asAdmin().pathParam("id", v)
                .get(admin("/guard-devices/users/{id}/logins"))));
        calls.add(new Call("GET guard-devices/users/{user}/logins?max", v -> asAdmin().queryParam("max", v)
                .get(admin("/guard-devices/users/" + userId + "/logins"))));
        calls.add(new Call("DELETE guard-devices/users/{user}/devices/{id}", v -> asAdmin().pathParam("id", v)
                .delete(admin("/guard-devices/users/" + userId + "/devices/{id}"))));
        calls.add(new Call("DELETE guard-devices/users/{id}/devices/{id}", v -> asAdmin().pathParam("id", v)
                .delete(admin("/guard-devices/users/{id}/devices/{id}"))));

        String account = env.baseUrl() + "/realms/" + realm;
        calls.add(new Call("DELETE guard-account/sessions/{id}", v -> given().auth().oauth2(userToken).pathParam("id", v)
                .delete(account + "/guard-account/sessions/{id}")));
        calls.add(new Call("DELETE guard-devices/devices/{id}", v -> given().auth().oauth2(userToken).pathParam("id", v)
                .delete(account + "/guard-devices/devices/{id}")));
        calls.add(new Call("GET guard-account/sessions with the value as bearer token",
                v -> given().header("Authorization", "Bearer " + printable(v)).get(account + "/guard-account/sessions")));
        calls.add(new Call("GET guard-devices/devices with the value as bearer token",
                v -> given().header("Authorization", "Bearer " + printable(v)).get(account + "/guard-devices/devices")));
        calls.add(new Call("POST guard-broker-logout logout_token", v -> given().formParam("logout_token", v)
                .post(account + "/guard-broker-logout")));
        calls.add(new Call("POST guard-broker-logout as JSON", v -> given().contentType("application/json")
                .body("{\"logout_token\":\"" + printable(v).replace("\"", "") + "\"}").post(account + "/guard-broker-logout")));
        return calls;
    }

    /** Headers cannot carry control characters at all; the HTTP client would refuse to send them. */
    private static String printable(String v) {
        return v.replaceAll("\\p{Cntrl}", "?");
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void noPackEndpointAnswersAHostileInputWith500(String value) {
        List<String> failures = new ArrayList<>();
        for (Call call : calls()) {
            Response response;
            try {
                response = call.send().apply(value);
            } catch (RuntimeException e) {
                // The client could not even send it (e.g. an invalid URI): nothing reached Keycloak.
                continue;
            }
            if (response.statusCode() >= 500) {
                failures.add(call.name() + " -> " + response.statusCode() + " " + abbreviate(response.asString()));
            }
        }
        assertEquals(List.of(), failures, "answers of 5xx to " + abbreviate(value.replace("\u0000", "\\0")));
    }

    /** The first page beyond the int range: once a 500 (an overflow to a negative offset). */
    @Test
    void anAuditPageBeyondTheIntRangeIsABadRequest() {
        Response response = asAdmin().queryParam("first", "3000000000").get(admin("/guard-audit/records"));
        assertEquals(400, response.statusCode(), response.asString());
        assertEquals(200, asAdmin().queryParam("first", "2147483647").get(admin("/guard-audit/records")).statusCode());
    }

    private static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }
}
