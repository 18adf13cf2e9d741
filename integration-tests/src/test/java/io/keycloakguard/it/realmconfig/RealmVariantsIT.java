package io.keycloakguard.it.realmconfig;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.RealmEnvironment;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.it.harness.UpstreamIdentityProvider;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.util.EnumMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every shipped realm variant, as Keycloak's {@code --import-realm} imported it at the harness start (with the
 * harness's {@code GUARD_*} variables), works end to end: OTP set-up and sign-in through the pack's browser
 * flow, the session limit, refresh-token rotation, network binding, logout, the clients and the policies.
 */
@ExtendWith(KeycloakGuardExtension.class)
class RealmVariantsIT {

    private static final String PASSWORD = "violet-staple-orbit-42";
    private static final Map<Variant, Map<String, Object>> IMPORTED = new EnumMap<>(Variant.class);

    /**
     * Keeps each realm as imported, then lets the tests act as clients on public addresses (X-Forwarded-For from
     * the trusted 127.0.0.1) over plain HTTP, which sslRequired external/all refuses.
     */
    @BeforeAll
    static void relaxTransportForTests(GuardEnvironment env) {
        for (Variant v : Variant.values()) {
            Map<String, Object> realm = env.admin().request().get("/admin/realms/{realm}", v.realm)
                    .then().statusCode(200).extract().as(Map.class);
            IMPORTED.put(v, realm);
            env.admin().request().body(Map.of("sslRequired", "none")).put("/admin/realms/{realm}", v.realm)
                    .then().statusCode(204);
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void realmIsImportedWithItsVariantsSettings(Variant v, GuardEnvironment env) {
        Map<String, Object> realm = IMPORTED.get(v);
        assertEquals(v.sslRequired, realm.get("sslRequired"));
        assertEquals(900, realm.get("accessTokenLifespan"));
        assertEquals(1800, realm.get("ssoSessionIdleTimeout"));
        assertEquals(36000, realm.get("ssoSessionMaxLifespan"));
        assertEquals(true, realm.get("revokeRefreshToken"));
        assertEquals(0, realm.get("refreshTokenMaxReuse"));
        assertEquals(true, realm.get("offlineSessionMaxLifespanEnabled"));
        assertEquals("length(" + v.minPasswordLength + ") and maxLength(128) and notUsername(undefined) and notEmail(undefined)"
                + " and passwordHistory(5) and passwordBlacklist(guard-common-passwords.txt)", realm.get("passwordPolicy"));
        assertEquals(true, realm.get("bruteForceProtected"));
        // Temporary lockouts only: a permanent one disables the account, which anyone knowing the username could do.
        assertEquals(false, realm.get("permanentLockout"));
        assertEquals("MULTIPLE", realm.get("bruteForceStrategy"));
        assertEquals(10, realm.get("failureFactor"));
        assertEquals(900, realm.get("maxFailureWaitSeconds"));
        assertEquals("totp", realm.get("otpPolicyType"));
        assertEquals("HmacSHA1", realm.get("otpPolicyAlgorithm"));
        assertEquals(6, realm.get("otpPolicyDigits"));
        assertEquals(30, realm.get("otpPolicyPeriod"));
        assertEquals(Set.of("jboss-logging", "guard-revocation", "guard-audit"), Set.copyOf((List<?>) realm.get("eventsListeners")));
        assertEquals(true, realm.get("eventsEnabled"));
        assertEquals(true, realm.get("adminEventsEnabled"));
        assertEquals("guard browser", realm.get("browserFlow"));
        assertEquals("guard direct grant", realm.get("directGrantFlow"));
        Map<String, Object> recoveryAction = env.admin().request()
                .get("/admin/realms/{realm}/authentication/required-actions/CONFIGURE_RECOVERY_AUTHN_CODES", v.realm)
                .then().statusCode(200).extract().as(Map.class);
        assertEquals(true, recoveryAction.get("enabled"), "recovery codes can be set up: " + recoveryAction);

        KeycloakAdmin admin = env.admin();
        // Placeholders: the URL from the harness's environment, the session limit from the file's default.
        Map<String, Object> spa = client(admin, v, "app-spa");
        // Exact URIs (RealmFilesTest: no wildcard anywhere); the paths from the files' defaults.
        assertEquals(List.of(RealmEnvironment.APP_URL + "/callback"), spa.get("redirectUris"));
        assertEquals(RealmEnvironment.APP_URL + "/", ((Map<?, ?>) spa.get("attributes")).get("post.logout.redirect.uris"));
        assertEquals(List.of(RealmEnvironment.APP_URL), spa.get("webOrigins"));
        assertEquals(true, spa.get("publicClient"));
        assertEquals("S256", ((Map<?, ?>) spa.get("attributes")).get("pkce.code.challenge.method"));
        Map<String, Object> api = client(admin, v, "app-api");
        assertEquals(List.of(RealmEnvironment.API_URL + "/callback"), api.get("redirectUris"));
        assertEquals(RealmEnvironment.API_URL + "/", ((Map<?, ?>) api.get("attributes")).get("post.logout.redirect.uris"));
        String secret = admin.request().get("/admin/realms/{realm}/clients/{id}/client-secret", v.realm, api.get("id"))
                .then().statusCode(200).extract().path("value");
        assertTrue(secret != null && secret.length() >= 32 && !secret.contains("$"), "a generated secret: " + secret);
        assertEquals(v.hasCli, admin.request().get("/admin/realms/{realm}/clients?clientId=app-cli", v.realm)
                .then().statusCode(200).extract().jsonPath().getList("").size() == 1);

        List<Map<String, Object>> configs = admin.request()
                .get("/admin/realms/{realm}/authentication/flows/{flow}/executions", v.realm, "guard browser")
                .then().statusCode(200).extract().jsonPath().getList("");
        Map<String, Object> limiter = configs.stream().filter(e -> "guard-session-limit".equals(e.get("providerId")))
                .findFirst().orElseThrow();
        Map<String, Object> limiterConfig = admin.request()
                .get("/admin/realms/{realm}/authentication/config/{id}", v.realm, limiter.get("authenticationConfig"))
                .then().statusCode(200).extract().path("config");
        assertEquals(String.valueOf(v.sessionLimit), limiterConfig.get("realmLimit"));
        Map<String, Object> ipPolicy = configs.stream().filter(e -> "guard-ip-policy".equals(e.get("providerId")))
                .findFirst().orElseThrow();
        Map<String, Object> ipConfig = admin.request()
                .get("/admin/realms/{realm}/authentication/config/{id}", v.realm, ipPolicy.get("authenticationConfig"))
                .then().statusCode(200).extract().path("config");
        // The empty defaults: Keycloak stores an empty config value as no value (any network, none denied).
        assertNull(ipConfig.get("realmAllow"));
        assertNull(ipConfig.get("realmDeny"));
        String mode = admin.request().get("/admin/realms/{realm}/client-policies/profiles", v.realm).then().statusCode(200)
                .extract().path("profiles.find { it.name == 'guard-network-bound' }.executors[0].configuration.mode");
        assertEquals(v.bindingMode, mode);
        // Nothing the pack validates at first use is wrong.
        List<?> invalid = admin.request().get("/admin/realms/{realm}/guard/status", v.realm).then().statusCode(200)
                .extract().path("invalidConfigs");
        assertTrue(invalid == null || invalid.isEmpty(), "invalid configs: " + invalid);
        // Every realm has its own keys, generated at import: the device cookie needs the HS512 one.
        List<String> algorithms = admin.request().get("/admin/realms/{realm}/keys", v.realm).then().statusCode(200)
                .extract().path("keys.findAll { it.status == 'ACTIVE' }.algorithm");
        assertTrue(algorithms.containsAll(List.of("RS256", "RSA-OAEP", "HS512", "AES")), "keys: " + algorithms);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void passwordPolicyFollowsNist(Variant v, GuardEnvironment env) {
        KeycloakAdmin admin = env.admin();
        String longEnough = "kq7-zebra-lamp-".repeat(2).substring(0, v.minPasswordLength);
        String tooShort = longEnough.substring(0, v.minPasswordLength - 1);
        assertEquals(400, createUser(admin, v, tooShort).statusCode(), "shorter than " + v.minPasswordLength);
        assertEquals(400, createUser(admin, v, v.minPasswordLength > 8 ? "passwordpassword" : "password1").statusCode(),
                "on the blocklist");
        assertEquals(201, createUser(admin, v, longEnough).statusCode(), "no composition rules, just the length");
        assertEquals(201, createUser(admin, v, "a".repeat(20) + " ünïcödé and spaces " + "z".repeat(30)).statusCode(),
                "long passphrases with spaces and Unicode (NIST: at least 64 allowed)");
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void otpSignInSessionLimitRefreshAndLogout(Variant v, GuardEnvironment env) {
        KeycloakAdmin admin = env.admin();
        String username = KeycloakAdmin.uniqueUsername("app-user");
        String userId = admin.createUser(v.realm, username, PASSWORD);
        AppSignIn app = new AppSignIn(env.baseUrl(), v.realm, username, PASSWORD);
        String home = "203.0.113." + (10 + v.ordinal());

        // First sign-in: a new device, so everyone sets up OTP (prod: always).
        BrowserSession first = app.browser(home);
        AppSignIn.Result signIn = assertSetUpSecondFactor(app.signIn(first));
        Map<String, Object> tokens = first.exchangeCode(signIn.page(), signIn.end().code());

        // Refresh: the new refresh token works; the SPA's origin gets CORS, another origin is refused.
        Response refreshed = refresh(env, v, tokens.get("refresh_token"), home, RealmEnvironment.APP_URL);
        assertEquals(200, refreshed.statusCode(), refreshed.asString());
        assertEquals(RealmEnvironment.APP_URL, refreshed.header("Access-Control-Allow-Origin"));
        String refreshToken = refreshed.path("refresh_token");
        // Keycloak refuses a token request from an origin the client does not list, before it uses the token.
        Response otherOrigin = refresh(env, v, refreshToken, home, "https://evil.example");
        assertEquals(403, otherOrigin.statusCode(), otherOrigin.asString());
        assertNull(otherOrigin.header("Access-Control-Allow-Origin"), "no CORS for an origin the client does not list");

        // Rotation: the first refresh token was used once; using it again is refused, and Keycloak then ends the
        // client session, so the token issued in its place is refused as well.
        Response reused = refresh(env, v, tokens.get("refresh_token"), home, null);
        assertEquals(400, reused.statusCode(), "a used refresh token is refused: " + reused.asString());
        assertEquals("invalid_grant", reused.path("error"));
        assertEquals(400, refresh(env, v, refreshToken, home, null).statusCode(), "the family is revoked");

        // Further sign-ins from the same device and network: OTP only where it is always required.
        String lastRefresh = null;
        String secondRefresh = null;
        for (int i = 2; i <= v.sessionLimit; i++) {
            BrowserSession again = app.sameDevice(first, home);
            AppSignIn.Result next = app.signIn(again);
            assertTrue(next.atApp(), "sign-in " + i + " at the app: " + next.end().status() + " " + next.end().body());
            assertEquals(v.otpAlways, next.otpAsked(), "OTP asked on a known device: sign-in " + i);
            lastRefresh = (String) again.exchangeCode(next.page(), next.end().code()).get("refresh_token");
            secondRefresh = secondRefresh == null ? lastRefresh : secondRefresh;
        }

        // Network binding: a refresh from another network is refused (staging, prod) or only logged (dev).
        Response elsewhere = refresh(env, v, secondRefresh, "198.51.100.9", null);
        if ("reject".equals(v.bindingMode)) {
            assertEquals(400, elsewhere.statusCode(), elsewhere.asString());
            assertEquals("The session was created from another network", elsewhere.path("error_description"));
        } else {
            assertEquals(200, elsewhere.statusCode(), elsewhere.asString());
        }
        assertEquals(v.sessionLimit, sessions(admin, v, userId));

        // One more: the limit is reached, the user is shown the chooser and the sign-in does not reach the app.
        AppSignIn.Result over = app.signIn(app.sameDevice(first, home));
        assertFalse(over.atApp(), "the sign-in beyond the limit does not reach the app");
        assertTrue(over.end().body().contains("guard-session-chooser"), "the session chooser: " + over.end().body());
        assertEquals(v.sessionLimit, sessions(admin, v, userId));

        // Logout ends the session: its refresh token is refused afterwards.
        Tokens.logout(env.baseUrl(), v.realm, AppSignIn.CLIENT, lastRefresh);
        Response afterLogout = refresh(env, v, lastRefresh, home, null);
        assertEquals(400, afterLogout.statusCode(), afterLogout.asString());
        assertEquals(v.sessionLimit - 1, sessions(admin, v, userId));
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void recoveryCodesStandInForALostAuthenticatorApp(Variant v, GuardEnvironment env) {
        KeycloakAdmin admin = env.admin();
        String username = KeycloakAdmin.uniqueUsername("app-user");
        String userId = admin.createUser(v.realm, username, PASSWORD);
        AppSignIn app = new AppSignIn(env.baseUrl(), v.realm, username, PASSWORD);
        String home = "203.0.113." + (50 + v.ordinal());

        // A brand-new user's first sign-in: OTP set-up, then the recovery codes, then the app.
        BrowserSession first = app.browser(home);
        AppSignIn.Result signIn = assertSetUpSecondFactor(app.signIn(first));
        assertEquals(12, app.recoveryCodes().size(), "Keycloak's 12 codes: " + app.recoveryCodes());
        assertEquals(12, Set.copyOf(app.recoveryCodes()).size(), "all different");
        List<String> types = admin.request().get("/admin/realms/{realm}/users/{id}/credentials", v.realm, userId)
                .then().statusCode(200).extract().path("type");
        assertEquals(Set.of("password", "otp", "recovery-authn-codes"), Set.copyOf(types));

        // Where the variant asks for a second factor (prod: always; dev/staging: on a new network), the phone is
        // gone: "Try another way", then the recovery code Keycloak asks for.
        String away = v.otpAlways ? home : "192.0.2." + (50 + v.ordinal());
        AppSignIn.Result withCode = app.signInWithRecoveryCode(app.sameDevice(first, away), null);
        assertTrue(withCode.otpAsked(), "the OTP form comes first: the user has OTP");
        assertEquals(1, withCode.recoveryCodeNumber(), "the first code is asked for first");
        assertTrue(withCode.atApp(), "a recovery code signs in: " + withCode.end().status() + " " + withCode.end().body());

        // A code works once: the next sign-in (from yet another network: the last one is known now) asks for
        // code #2 and refuses #1 there.
        String elsewhere = v.otpAlways ? home : "198.51.100." + (60 + v.ordinal());
        AppSignIn.Result reused = app.signInWithRecoveryCode(app.sameDevice(first, elsewhere), app.recoveryCodes().get(0));
        assertEquals(2, reused.recoveryCodeNumber(), "the next code is asked for: " + reused.end().body());
        assertFalse(reused.atApp(), "a spent code does not sign in");
        assertEquals(200, reused.end().status());
        assertTrue(reused.end().body().contains("Invalid recovery authentication code"), reused.end().body());

        // OTP still works after codes were used (the refused sign-in did not make that network known).
        AppSignIn.Result withOtp = app.signIn(app.sameDevice(first, elsewhere));
        assertTrue(withOtp.otpAsked());
        assertTrue(withOtp.atApp(), withOtp.end().body());
    }

    /**
     * A user who signs in through an identity provider (another realm as OIDC IdP, bound with the variant's
     * post-broker-login flow as an operator would) meets the same second factor and session limit as a
     * password user.
     */
    @ParameterizedTest
    @EnumSource(Variant.class)
    void brokeredSignInsGoThroughThePostBrokerFlow(Variant v, GuardEnvironment env) {
        KeycloakAdmin admin = env.admin();
        UpstreamIdentityProvider idp = UpstreamIdentityProvider.create(admin, env.baseUrl(), v.realm,
                "guard post broker login", false);
        // The upstream realm sees the same forwarded public addresses over plain HTTP.
        admin.request().body(Map.of("sslRequired", "none")).put("/admin/realms/{realm}", idp.upstreamRealm())
                .then().statusCode(204);
        AppSignIn app = new AppSignIn(env.baseUrl(), v.realm, null, null);
        String home = "203.0.113." + (60 + v.ordinal());

        // First brokered sign-in: a new user on a new device, so OTP and recovery codes are set up (prod: always).
        BrowserSession first = app.browser(home);
        AppSignIn.Result signIn = assertSetUpSecondFactor(app.brokeredSignIn(first, idp));
        Map<String, Object> tokens = first.exchangeCode(signIn.page(), signIn.end().code());
        assertEquals(idp.username(), Tokens.claims((String) tokens.get("access_token")).get("preferred_username"));
        String userId = admin.request().get("/admin/realms/{realm}/users?exact=true&username={u}", v.realm, idp.username())
                .then().statusCode(200).extract().path("[0].id");
        List<String> providers = admin.request().get("/admin/realms/{realm}/users/{id}/federated-identity", v.realm, userId)
                .then().statusCode(200).extract().path("identityProvider");
        assertEquals(List.of(idp.alias()), providers, "a brokered user");

        // Known device and network: OTP only where every sign-in asks for it; a new network: OTP everywhere.
        for (int i = 2; i < v.sessionLimit; i++) {
            AppSignIn.Result again = app.brokeredSignIn(app.sameDevice(first, home), idp);
            assertTrue(again.atApp(), "brokered sign-in " + i + ": " + again.end().status() + " " + again.end().body());
            assertEquals(v.otpAlways, again.otpAsked(), "OTP on a known device, sign-in " + i);
        }
        AppSignIn.Result travelling = app.brokeredSignIn(app.sameDevice(first, "192.0.2." + (80 + v.ordinal())), idp);
        assertTrue(travelling.otpAsked(), "a new network asks for OTP after the broker login too");
        assertTrue(travelling.atApp(), travelling.end().body());
        // The device recorder of the post-broker flow put every brokered sign-in into the login history.
        List<?> logins = admin.request().get("/admin/realms/{realm}/guard-devices/users/{id}/logins", v.realm, userId)
                .then().statusCode(200).extract().jsonPath().getList("");
        assertEquals(v.sessionLimit, logins.size());
        assertEquals(v.sessionLimit, sessions(admin, v, userId));

        // At the limit, the next brokered sign-in is shown the session chooser, not the app.
        AppSignIn.Result over = app.brokeredSignIn(app.sameDevice(first, home), idp);
        assertFalse(over.atApp(), "beyond the limit");
        assertTrue(over.end().body().contains("guard-session-chooser"), "the session chooser: " + over.end().body());
        assertEquals(v.sessionLimit, sessions(admin, v, userId));
    }

    /** The variants where OTP depends on role and network; in the others every sign-in asks for it (see the other test). */
    static Stream<Variant> variantsWithConditionalOtp() {
        return Arrays.stream(Variant.values()).filter(v -> !v.otpAlways);
    }

    @ParameterizedTest
    @MethodSource("variantsWithConditionalOtp")
    void adminsAlwaysAndEveryoneOnANewNetworkGiveASecondFactor(Variant v, GuardEnvironment env) {
        KeycloakAdmin admin = env.admin();
        String home = "203.0.113." + (20 + v.ordinal());

        String adminName = KeycloakAdmin.uniqueUsername("app-admin");
        String adminId = admin.createUser(v.realm, adminName, PASSWORD);
        Map<String, Object> adminRole = admin.request().get("/admin/realms/{realm}/roles/admin", v.realm)
                .then().statusCode(200).extract().as(Map.class);
        admin.request().body(List.of(adminRole)).post("/admin/realms/{realm}/users/{id}/role-mappings/realm", v.realm, adminId)
                .then().statusCode(204);
        AppSignIn adminApp = new AppSignIn(env.baseUrl(), v.realm, adminName, PASSWORD);
        BrowserSession adminBrowser = adminApp.browser(home);
        assertTrue(adminApp.signIn(adminBrowser).otpSetUp(), "the admin sets up OTP");
        AppSignIn.Result adminAgain = adminApp.signIn(adminApp.sameDevice(adminBrowser, home));
        assertTrue(adminAgain.otpAsked(), "an admin gives OTP even on a known device and network");
        assertTrue(adminAgain.atApp());

        String userName = KeycloakAdmin.uniqueUsername("app-user");
        admin.createUser(v.realm, userName, PASSWORD);
        AppSignIn userApp = new AppSignIn(env.baseUrl(), v.realm, userName, PASSWORD);
        BrowserSession userBrowser = userApp.browser(home);
        assertTrue(userApp.signIn(userBrowser).otpSetUp(), "a new device: the user sets up OTP");
        AppSignIn.Result known = userApp.signIn(userApp.sameDevice(userBrowser, home));
        assertFalse(known.otpAsked(), "a known device and network: password only");
        assertTrue(known.atApp());
        AppSignIn.Result travelling = userApp.signIn(userApp.sameDevice(userBrowser, "192.0.2." + (30 + v.ordinal())));
        assertTrue(travelling.otpAsked(), "a known device on a new network: OTP");
        assertTrue(travelling.atApp());
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void machineToMachineClientAndSecurityHeaders(Variant v, GuardEnvironment env) {
        KeycloakAdmin admin = env.admin();
        Map<String, Object> m2m = client(admin, v, "app-m2m");
        String secret = admin.request().get("/admin/realms/{realm}/clients/{id}/client-secret", v.realm, m2m.get("id"))
                .then().statusCode(200).extract().path("value");
        Response granted = given().formParam("grant_type", "client_credentials").formParam("client_id", "app-m2m")
                .formParam("client_secret", secret).post(Tokens.tokenEndpoint(env.baseUrl(), v.realm));
        assertEquals(200, granted.statusCode(), granted.asString());
        assertEquals("app-m2m", Tokens.claims(granted.path("access_token")).get("azp"));
        assertNull(granted.path("refresh_token"), "client credentials get no refresh token");
        Response wrong = given().formParam("grant_type", "client_credentials").formParam("client_id", "app-m2m")
                .formParam("client_secret", secret + "x").post(Tokens.tokenEndpoint(env.baseUrl(), v.realm));
        assertEquals(401, wrong.statusCode());

        HttpResponse<String> loginPage = new BrowserSession(env.baseUrl()).get(env.baseUrl() + "/realms/" + v.realm
                + "/protocol/openid-connect/auth?client_id=app-spa&response_type=code&scope=openid&redirect_uri="
                + RealmEnvironment.APP_URL + "/callback&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                + "&code_challenge_method=S256");
        assertEquals(200, loginPage.statusCode(), loginPage.body());
        assertEquals("SAMEORIGIN", loginPage.headers().firstValue("X-Frame-Options").orElse(null));
        assertEquals("nosniff", loginPage.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("no-referrer", loginPage.headers().firstValue("Referrer-Policy").orElse(null));
        assertTrue(loginPage.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'self'"));
        assertEquals(v == Variant.DEV ? "max-age=0" : "max-age=31536000; includeSubDomains",
                loginPage.headers().firstValue("Strict-Transport-Security").orElse(null));

        // A public client without PKCE is refused.
        HttpResponse<String> noPkce = new BrowserSession(env.baseUrl()).get(env.baseUrl() + "/realms/" + v.realm
                + "/protocol/openid-connect/auth?client_id=app-spa&response_type=code&scope=openid&redirect_uri="
                + RealmEnvironment.APP_URL + "/callback");
        String location = noPkce.headers().firstValue("Location").orElse("");
        assertTrue(location.startsWith(RealmEnvironment.APP_URL) && location.contains("error=invalid_request"),
                "no PKCE: " + noPkce.statusCode() + " " + location);
    }

    /** Only the dev variant ships a password-grant client. */
    static Stream<Variant> variantsWithPasswordGrantClient() {
        return Arrays.stream(Variant.values()).filter(v -> v.hasCli);
    }

    @ParameterizedTest
    @MethodSource("variantsWithPasswordGrantClient")
    void passwordGrantGoesThroughThePackAndItsSessionLimit(Variant v, GuardEnvironment env) {
        String username = KeycloakAdmin.uniqueUsername("cli-user");
        String userId = env.admin().createUser(v.realm, username, PASSWORD);
        for (int i = 0; i < v.sessionLimit; i++) {
            Response ok = given().header("X-Forwarded-For", "203.0.113.40")
                    .formParam("grant_type", "password").formParam("client_id", "app-cli")
                    .formParam("username", username).formParam("password", PASSWORD)
                    .post(Tokens.tokenEndpoint(env.baseUrl(), v.realm));
            assertEquals(200, ok.statusCode(), ok.asString());
        }
        Response over = given().header("X-Forwarded-For", "203.0.113.40")
                .formParam("grant_type", "password").formParam("client_id", "app-cli")
                .formParam("username", username).formParam("password", PASSWORD)
                .post(Tokens.tokenEndpoint(env.baseUrl(), v.realm));
        assertEquals(400, over.statusCode(), over.asString());
        String description = over.path("error_description");
        assertTrue(description != null && description.startsWith("Session limit reached"), over.asString());
        assertEquals(v.sessionLimit, sessions(env.admin(), v, userId));
        // The device recorder put the grants into the login history.
        List<?> logins = env.admin().request().get("/admin/realms/{realm}/guard-devices/users/{id}/logins", v.realm, userId)
                .then().statusCode(200).extract().jsonPath().getList("");
        assertEquals(v.sessionLimit, logins.size());
    }

    private static Response refresh(GuardEnvironment env, Variant v, Object refreshToken, String clientAddress, String origin) {
        var request = given().header("X-Forwarded-For", clientAddress)
                .formParam("grant_type", "refresh_token").formParam("client_id", AppSignIn.CLIENT)
                .formParam("refresh_token", refreshToken);
        if (origin != null) {
            request = request.header("Origin", origin);
        }
        return request.post(Tokens.tokenEndpoint(env.baseUrl(), v.realm));
    }

    private static Response createUser(KeycloakAdmin admin, Variant v, String password) {
        return admin.request().body(Map.of("username", KeycloakAdmin.uniqueUsername("pw"), "enabled", true,
                        "credentials", List.of(Map.of("type", "password", "value", password, "temporary", false))))
                .post("/admin/realms/{realm}/users", v.realm);
    }

    private static Map<String, Object> client(KeycloakAdmin admin, Variant v, String clientId) {
        List<Map<String, Object>> found = admin.request().get("/admin/realms/{realm}/clients?clientId={c}", v.realm, clientId)
                .then().statusCode(200).extract().jsonPath().getList("");
        assertEquals(1, found.size(), clientId + " in " + v.realm);
        assertNotNull(found.get(0).get("id"));
        return found.get(0);
    }

    private static int sessions(KeycloakAdmin admin, Variant v, String userId) {
        return admin.request().get("/admin/realms/{realm}/users/{id}/sessions", v.realm, userId).then().statusCode(200)
                .extract().jsonPath().getList("").size();
    }

    /** A brand-new user's first sign-in: OTP set up, then the recovery codes, then the app. */
    private static AppSignIn.Result assertSetUpSecondFactor(AppSignIn.Result signIn) {
        assertTrue(signIn.otpSetUp(), "OTP set-up on the first sign-in: " + signIn.end().status() + " " + signIn.end().body());
        assertTrue(signIn.recoveryCodesSetUp(), "recovery codes after the OTP set-up: " + signIn.end().body());
        assertTrue(signIn.atApp(), "at the app: " + signIn.end().status() + " " + signIn.end().body());
        return signIn;
    }
}
