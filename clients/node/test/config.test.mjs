// Configuration names shared by every language's package, from options and from KEYCLOAK_GUARD_* variables.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { KeycloakGuard, VERSION, realmOf, settingsFromEnv } from "../dist/index.js";
import { quiet } from "./support.mjs";

const ENV = {
  KEYCLOAK_GUARD_ISSUER: "https://sso.example.com/realms/shop",
  KEYCLOAK_GUARD_AUDIENCE: "orders-api, billing-api",
  KEYCLOAK_GUARD_REDIS_URL: "redis://redis:6379/2",
  KEYCLOAK_GUARD_KEY_PREFIX: "kcguard-prod:",
  KEYCLOAK_GUARD_STALE_AFTER: "15",
  KEYCLOAK_GUARD_FAIL_CLOSED: "true",
  KEYCLOAK_GUARD_LEEWAY: "5",
};

describe("configuration", () => {
  it("reads every KEYCLOAK_GUARD_* variable", () => {
    const settings = settingsFromEnv({ ...ENV, KEYCLOAK_GUARD_REALM: "shop2", KEYCLOAK_GUARD_JWKS_URL: "http://kc:8080/certs",
      KEYCLOAK_GUARD_READY_TIMEOUT: "3", KEYCLOAK_GUARD_ACCEPT_SENDER_CONSTRAINED: "no" });
    assert.deepEqual(settings, {
      issuer: "https://sso.example.com/realms/shop", realm: "shop2", audience: ["orders-api", "billing-api"],
      redisUrl: "redis://redis:6379/2", keyPrefix: "kcguard-prod:", staleAfter: 15, failClosed: true,
      jwksUrl: "http://kc:8080/certs", leeway: 5, readyTimeout: 3, acceptSenderConstrained: false,
    });
  });

  it("lets options win over the environment", () => {
    assert.equal(settingsFromEnv(ENV, { failClosed: false }).failClosed, false);
  });

  it("builds a guard from the environment, the realm from the issuer", async () => {
    const guard = KeycloakGuard.fromEnv({ logger: quiet }, ENV);
    assert.equal(guard.realm, "shop");
    assert.equal(guard.revocations.keys.records, "kcguard-prod:rev:v1:{shop}:records");
    assert.equal(guard.revocations.staleAfterMs, 15_000);
    assert.equal(guard.revocations.failClosed, true);
    assert.deepEqual(guard.verifier.audience, ["orders-api", "billing-api"]);
    assert.equal(guard.verifier.keys.url.href, "https://sso.example.com/realms/shop/protocol/openid-connect/certs");
    await guard.stop();
  });

  it("names the variable that is wrong", () => {
    assert.throws(() => settingsFromEnv({ ...ENV, KEYCLOAK_GUARD_STALE_AFTER: "ten" }), /KEYCLOAK_GUARD_STALE_AFTER/);
    assert.throws(() => settingsFromEnv({ ...ENV, KEYCLOAK_GUARD_FAIL_CLOSED: "maybe" }), /KEYCLOAK_GUARD_FAIL_CLOSED/);
    assert.throws(() => settingsFromEnv({}), /KEYCLOAK_GUARD_ISSUER/);
    assert.throws(() => KeycloakGuard.fromEnv({ logger: quiet }, { KEYCLOAK_GUARD_ISSUER: "https://sso.example.com/realms/shop" }),
      /KEYCLOAK_GUARD_REDIS_URL/);
    assert.throws(() => KeycloakGuard.fromEnv({ logger: quiet }, { ...ENV, KEYCLOAK_GUARD_ISSUER: "https://sso.example.com/" }),
      /KEYCLOAK_GUARD_REALM/);
    assert.throws(() => KeycloakGuard.fromEnv({ logger: quiet, staleAfter: 0 }, ENV), /staleAfter/);
  });

  it("reads the realm from an issuer", () => {
    assert.equal(realmOf("https://sso.example.com/auth/realms/my%20realm/"), "my realm");
    assert.equal(realmOf("https://sso.example.com/"), null);
  });

  it("says its version, the one in package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    assert.equal(VERSION, pkg.version);
  });
});
