// KeycloakJwtVerifier with a local JWKS server: the checks Keycloak's adapters make, and the key fetch rules (an
// unknown key id never triggers more than one fetch per cooldown, failed fetches included).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { SignJWT, UnsecuredJWT } from "jose";
import { InvalidTokenError, KeycloakJwtVerifier, KeysUnavailableError } from "../dist/index.js";
import { ISSUER, JwksServer, accessToken, nowSeconds, quiet } from "./support.mjs";

let jwks;

before(async () => {
  jwks = await JwksServer.start();
});

after(async () => {
  await jwks.close();
});

function verifier(options = {}) {
  return new KeycloakJwtVerifier({ issuer: ISSUER, audience: "my-api", jwksUrl: jwks.url, logger: quiet, ...options });
}

async function refused(v, token, pattern) {
  await assert.rejects(v.verify(token), (e) => {
    assert.ok(e instanceof InvalidTokenError, `expected InvalidTokenError, got ${e}`);
    assert.match(e.message, pattern);
    assert.ok(token === "" || !e.message.includes(token), "the message never contains the token");
    return true;
  });
}

describe("KeycloakJwtVerifier", () => {
  it("accepts a Keycloak access token and returns its claims", async () => {
    const v = verifier();
    const { payload } = await v.verify(await accessToken(jwks, { sub: "alice" }));
    assert.equal(payload.sub, "alice");
    assert.equal(payload.typ, "Bearer");
  });

  it("refuses what Keycloak's adapters refuse", async () => {
    const v = verifier();
    const now = nowSeconds();
    await refused(v, await accessToken(jwks, { iss: "http://127.0.0.1:9/realms/other" }), /iss/);
    await refused(v, await accessToken(jwks, { aud: "another-api" }), /aud/);
    await refused(v, await accessToken(jwks, { exp: now - 120, iat: now - 420 }), /expired/);
    await refused(v, await accessToken(jwks, { nbf: now + 120 }), /nbf/);
    await refused(v, await accessToken(jwks, { typ: "ID" }), /not an access token/);
    await refused(v, await accessToken(jwks, { typ: "Refresh" }), /not an access token/);
    await refused(v, await accessToken(jwks, { typ: undefined }), /typ/);
    await refused(v, await accessToken(jwks, { sub: undefined }), /sub/);
    await refused(v, await accessToken(jwks, { cnf: { jkt: "thumbprint" } }), /sender-constrained/);
    await refused(v, "not.a.jwt", /./);
    await refused(v, "", /./);
    const token = await accessToken(jwks);
    await refused(v, token.slice(0, -4) + "AAAA", /signature/);
    // Symmetric and unsigned tokens: whatever key they claim, never accepted.
    const hs = await new SignJWT({ iss: ISSUER, sub: "x", aud: "my-api", typ: "Bearer", iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: "HS256", kid: jwks.keys[0].kid }).sign(new TextEncoder().encode("k".repeat(32)));
    await refused(v, hs, /alg/);
    const none = new UnsecuredJWT({ iss: ISSUER, sub: "x", aud: "my-api", typ: "Bearer", iat: now, exp: now + 60 }).encode();
    await refused(v, none, /./);
  });

  it("accepts a token within the leeway after its exp", async () => {
    const now = nowSeconds();
    const token = await accessToken(jwks, { exp: now - 30, iat: now - 330 });
    await verifier({ leeway: 60 }).verify(token);
    await refused(verifier({ leeway: 5 }), token, /expired/);
  });

  it("accepts sender-constrained tokens only when the application validates the binding", async () => {
    const token = await accessToken(jwks, { cnf: { jkt: "thumbprint" }, typ: "DPoP" });
    await refused(verifier(), token, /typ|sender-constrained/);
    const { payload } = await verifier({ acceptSenderConstrained: true }).verify(token);
    assert.deepEqual(payload.cnf, { jkt: "thumbprint" });
  });

  it("accepts any audience when none is configured, and says so", async () => {
    const warnings = [];
    const v = verifier({ audience: undefined, logger: { warn: (m) => warnings.push(m), info() {} } });
    await v.verify(await accessToken(jwks, { aud: "whatever" }));
    assert.match(warnings.join(), /no audience configured/);
  });

  it("fetches the keys once and never more than once per cooldown, whatever key ids tokens name", async () => {
    let clock = Date.now();
    const v = verifier({ now: () => clock, jwksCooldown: 10 });
    const before = jwks.requests;
    await v.verify(await accessToken(jwks));
    await v.verify(await accessToken(jwks));
    assert.equal(jwks.requests - before, 1, "one fetch for the first token, none for the second");

    clock += 11_000;
    const made_up = await Promise.all(Array.from({ length: 20 }, async () => accessToken(jwks, {}, { kid: randomUUID() })));
    for (const token of made_up) {
      await refused(v, token, /no matching key/);
    }
    await Promise.all(made_up.map((token) => v.verify(token).catch(() => undefined)));
    assert.equal(jwks.requests - before, 2, "20 unknown key ids within the cooldown: one fetch");

    clock += 5_000;
    await refused(v, made_up[0], /no matching key/);
    assert.equal(jwks.requests - before, 2, "still within the cooldown");
    clock += 6_000;
    await refused(v, made_up[0], /no matching key/);
    assert.equal(jwks.requests - before, 3, "after the cooldown, one more");
    assert.equal(v.keys.fetches, 3);
  });

  it("picks up a rotated key with one fetch", async () => {
    let clock = Date.now();
    const v = verifier({ now: () => clock });
    await v.verify(await accessToken(jwks));
    const rotated = await jwks.addKey();
    clock += 11_000;
    const before = jwks.requests;
    await v.verify(await accessToken(jwks, {}, { key: rotated }));
    await v.verify(await accessToken(jwks, {}, { key: rotated }));
    assert.equal(jwks.requests - before, 1);
  });

  it("keeps serving with cached keys while Keycloak is down; failed fetches count against the cooldown", async () => {
    let clock = Date.now();
    const v = verifier({ now: () => clock, jwksMaxAge: 60 });
    await v.verify(await accessToken(jwks));
    jwks.failing = true;
    try {
      clock += 120_000; // past maxAge: a background refresh is due, and fails
      const before = jwks.requests;
      for (let i = 0; i < 5; i++) {
        await v.verify(await accessToken(jwks));
      }
      await refused(v, await accessToken(jwks, {}, { kid: randomUUID() }), /no matching key/);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(jwks.requests - before, 1, "one refresh attempt, not one per token");
      assert.match(v.keys.lastError ?? "", /200/);
    } finally {
      jwks.failing = false;
    }
  });

  it("answers 'keys unavailable' (not 'invalid') when it has no keys and cannot fetch them", async () => {
    jwks.failing = true;
    let clock = Date.now();
    try {
      const v = verifier({ now: () => clock });
      const token = await accessToken(jwks);
      const before = jwks.requests;
      await assert.rejects(v.verify(token), KeysUnavailableError);
      await assert.rejects(v.verify(token), KeysUnavailableError);
      assert.equal(jwks.requests - before, 1, "no second fetch within the cooldown");
      jwks.failing = false;
      clock += 11_000;
      await v.verify(token);
    } finally {
      jwks.failing = false;
    }
  });

  it("verifies EC-signed tokens too", async () => {
    const ec = await jwks.addKey("ES256");
    await verifier().verify(await accessToken(jwks, {}, { key: ec }));
  });
});
