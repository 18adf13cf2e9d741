// The guard in Express and Fastify apps, with tokens signed by a test key, the feed in a real private redis-server:
// RFC 6750 answers, claims on the request, scopes, 503 before the feed has loaded, fail-closed, health, metrics, and
// express-jwt's isRevoked hook.
import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { after, before, describe, it } from "node:test";
import express from "express";
import { expressjwt } from "express-jwt";
import Fastify from "fastify";
import client from "prom-client";
import { KeycloakGuard, claimsOf, registerMetrics } from "../dist/index.js";
import { ISSUER, JwksServer, Publisher, RedisServer, accessToken, freePort, quiet, until } from "./support.mjs";

let redis;
let jwks;
let publisher;
let stopHeartbeats;
let guard;
let server;
let base;

function newGuard(options = {}) {
  return new KeycloakGuard({ issuer: ISSUER, audience: "my-api", jwksUrl: jwks.url, redisUrl: redis.url, keyPrefix: "mw:",
    logger: quiet, ...options });
}

async function listen(app) {
  const s = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => s.once("listening", resolve));
  return { server: s, base: `http://127.0.0.1:${s.address().port}` };
}

function get(url, token, scheme = "Bearer") {
  return fetch(url, { headers: token === undefined ? {} : { authorization: `${scheme} ${token}` } });
}

before(async () => {
  redis = await RedisServer.start();
  jwks = await JwksServer.start();
  publisher = new Publisher(redis.url, "mw:", "test");
  stopHeartbeats = publisher.heartbeats(200);
  guard = newGuard();
  assert.equal(await guard.start(), true);
  const app = express();
  app.get("/health", guard.healthHandler());
  app.use("/api", guard.express());
  app.get("/api/me", (req, res) => res.json({ sub: req.auth.sub, viaHelper: claimsOf(req)?.sub }));
  app.get("/api/orders", guard.express({ scope: "orders:read" }), (req, res) => res.json({ orders: [] }));
  ({ server, base } = await listen(app));
});

after(async () => {
  server.closeAllConnections();
  server.close();
  await guard.stop();
  await stopHeartbeats();
  await publisher.close();
  await jwks.close();
  await redis.close();
});

describe("Express middleware", () => {
  it("lets a valid token through with its claims on req.auth", async () => {
    const response = await get(`${base}/api/me`, await accessToken(jwks, { sub: "alice" }));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { sub: "alice", viaHelper: "alice" });
  });

  it("answers 401 with a plain Bearer challenge without a token", async () => {
    for (const response of [await get(`${base}/api/me`), await get(`${base}/api/me`, "abc", "Basic"), await get(`${base}/api/me`, "")]) {
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="test"');
      assert.equal((await response.json()).error, "unauthorized");
    }
  });

  it("answers 401 invalid_token for an invalid token", async () => {
    const response = await get(`${base}/api/me`, await accessToken(jwks, { aud: "another-api" }));
    assert.equal(response.status, 401);
    assert.match(response.headers.get("www-authenticate"), /^Bearer realm="test", error="invalid_token", error_description="[^"]*aud/);
    const garbage = await get(`${base}/api/me`, "%%%.\u00ff.x");
    assert.equal(garbage.status, 401);
  });

  it("answers 401 'token revoked' once the session is revoked, and lets others through", async () => {
    const token = await accessToken(jwks, { sid: "session-to-end" });
    const bystander = await accessToken(jwks);
    assert.equal((await get(`${base}/api/me`, token)).status, 200);
    await publisher.publish({ kind: "session", subject: "session-to-end" });
    await until(async () => (await get(`${base}/api/me`, token)).status === 401, 5000, "the revocation");
    const response = await get(`${base}/api/me`, token);
    assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="test", error="invalid_token", error_description="token revoked"');
    assert.deepEqual(await response.json(), { error: "invalid_token", error_description: "token revoked" });
    assert.equal((await get(`${base}/api/me`, bystander)).status, 200);
  });

  it("answers 403 insufficient_scope when a route asks for a scope the token lacks", async () => {
    const response = await get(`${base}/api/orders`, await accessToken(jwks, { scope: "openid" }));
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("www-authenticate"),
      'Bearer realm="test", error="insufficient_scope", error_description="missing scope orders:read", scope="orders:read"');
    assert.equal((await get(`${base}/api/orders`, await accessToken(jwks, { scope: "openid orders:read" }))).status, 200);
  });

  it("takes DPoP-bound tokens (Authorization: DPoP) only from an app that validates the binding", async () => {
    const bound = await accessToken(jwks, { typ: "DPoP", cnf: { jkt: "thumbprint" } });
    const strict = await guard.check(`DPoP ${bound}`);
    assert.equal(strict.outcome, "missing", "the DPoP scheme is not read by default");
    assert.equal((await guard.check(`Bearer ${bound}`)).outcome, "invalid", "nor is a cnf-bound token as a bearer token");
    const binding = newGuard({ acceptSenderConstrained: true });
    try {
      await binding.start();
      const accepted = await binding.check(`DPoP ${bound}`);
      assert.equal(accepted.outcome, "accepted");
      assert.deepEqual(accepted.claims.cnf, { jkt: "thumbprint" });
    } finally {
      await binding.stop();
    }
  });

  it("serves health as JSON, with counters", async () => {
    const response = await fetch(`${base}/health`);
    assert.equal(response.status, 200);
    const health = await response.json();
    assert.equal(health.status, "ok");
    assert.equal(health.realm, "test");
    assert.equal(health.feed.ready, true);
    assert.equal(health.keys.loaded, true);
    assert.ok(health.requests.accepted >= 1);
  });

  it("answers 503 until the feed has loaded (fail-open), 401 when failing closed", async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const open = newGuard({ redisUrl: nowhere, readyTimeout: 0.2 });
    const closed = newGuard({ redisUrl: nowhere, readyTimeout: 0.2, failClosed: true });
    try {
      assert.equal(await open.start(), false);
      assert.equal(await closed.start(), false);
      const token = await accessToken(jwks);
      const a = await open.check(`Bearer ${token}`);
      assert.equal(a.status, 503);
      assert.equal(a.headers["Retry-After"], "1");
      const b = await closed.check(`Bearer ${token}`);
      assert.equal(b.status, 401);
      assert.match(b.headers["WWW-Authenticate"], /feed stale/);
      assert.equal(open.health().status, "unavailable");
    } finally {
      await open.stop();
      await closed.stop();
    }
  });

  it("publishes prom-client metrics", async () => {
    const registry = new client.Registry();
    registerMetrics(guard, client, registry);
    const text = await registry.metrics();
    assert.match(text, /keycloak_guard_feed_ready\{realm="test"\} 1/);
    assert.match(text, /keycloak_guard_feed_connected\{realm="test"\} 1/);
    assert.match(text, /keycloak_guard_feed_staleness_seconds\{realm="test"\} \d/);
    assert.match(text, /keycloak_guard_feed_live_revocations\{realm="test"\} \d+/);
    assert.match(text, /keycloak_guard_feed_skipped_entries_total\{realm="test"\} 0/);
    assert.match(text, /keycloak_guard_requests_total\{realm="test",outcome="accepted"\} [1-9]/);
    assert.match(text, /keycloak_guard_requests_total\{realm="test",outcome="revoked"\} [1-9]/);
  });

  it("works as express-jwt's isRevoked hook", async () => {
    const key = jwks.keys[0];
    const app = express();
    app.use(expressjwt({
      secret: publicKeyPem(key),
      algorithms: ["RS256"],
      isRevoked: guard.revocations.expressJwtIsRevoked,
    }));
    app.get("/x", (req, res) => res.json({ sub: req.auth.sub }));
    app.use((err, req, res, _next) => res.status(err.status ?? 500).json({ code: err.code }));
    const { server: s, base: b } = await listen(app);
    try {
      const fine = await get(`${b}/x`, await accessToken(jwks, { sub: "bob" }));
      assert.equal(fine.status, 200);
      const revoked = await get(`${b}/x`, await accessToken(jwks, { sid: "session-to-end" }));
      assert.equal(revoked.status, 401);
      assert.equal((await revoked.json()).code, "revoked_token");
    } finally {
      s.closeAllConnections();
      s.close();
    }
  });
});

function publicKeyPem(key) {
  return createPublicKey({ key: key.jwk, format: "jwk" }).export({ type: "spki", format: "pem" });
}

describe("Fastify plugin", () => {
  it("verifies and checks the routes of the context it is registered in", async () => {
    const fastifyGuard = newGuard();
    const app = Fastify();
    app.get("/health", (request, reply) => {
      const health = fastifyGuard.health();
      reply.code(health.status === "unavailable" ? 503 : 200).send(health);
    });
    await app.register(async (api) => {
      await api.register(fastifyGuard.fastify());
      api.get("/me", async (request) => ({ sub: request.auth.sub }));
    }, { prefix: "/api" });
    await app.register(async (scoped) => {
      await scoped.register(fastifyGuard.fastify(), { scope: "orders:write" });
      scoped.post("/orders", async () => ({ ok: true }));
    }, { prefix: "/write" });
    await app.ready();
    try {
      assert.equal((await app.inject({ url: "/health" })).statusCode, 200, "outside the guarded context");
      const ok = await app.inject({ url: "/api/me", headers: { authorization: `Bearer ${await accessToken(jwks, { sub: "carol" })}` } });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json(), { sub: "carol" });
      const missing = await app.inject({ url: "/api/me" });
      assert.equal(missing.statusCode, 401);
      assert.equal(missing.headers["www-authenticate"], 'Bearer realm="test"');
      const revoked = await app.inject({ url: "/api/me", headers: { authorization: `Bearer ${await accessToken(jwks, { sid: "session-to-end" })}` } });
      assert.equal(revoked.statusCode, 401);
      assert.match(revoked.headers["www-authenticate"], /error_description="token revoked"/);
      const forbidden = await app.inject({ method: "POST", url: "/write/orders", headers: { authorization: `Bearer ${await accessToken(jwks)}` } });
      assert.equal(forbidden.statusCode, 403);
      assert.match(forbidden.headers["www-authenticate"], /insufficient_scope/);
    } finally {
      await app.close();
    }
    assert.equal(fastifyGuard.revocations.health().connected, false, "stopped with the app");
  });
});
