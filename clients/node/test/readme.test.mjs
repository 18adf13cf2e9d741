// The README's Express quick start and Fastify example, exactly as printed, run as programs configured by
// KEYCLOAK_GUARD_* variables against a private redis-server and a local JWKS server.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ISSUER, JwksServer, Publisher, RedisServer, accessToken, freePort, until } from "./support.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The first ```js block after a heading. */
export function codeAfter(markdown, heading) {
  const at = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(at >= 0, `no "## ${heading}" in the README`);
  const block = /```js\n([\s\S]*?)```/.exec(markdown.slice(at));
  assert.ok(block, `no js block under "## ${heading}"`);
  return block[1];
}

let redis;
let jwks;
let publisher;
let stopHeartbeats;

before(async () => {
  redis = await RedisServer.start();
  jwks = await JwksServer.start();
  publisher = new Publisher(redis.url, "readme:", "test");
  stopHeartbeats = publisher.heartbeats(200);
});

after(async () => {
  await stopHeartbeats();
  await publisher.close();
  await jwks.close();
  await redis.close();
});

async function runExample(name, code) {
  // Inside the package directory, so that "@keycloak-guard/revocation" resolves to this package (self-reference).
  const dir = path.join(ROOT, ".ci", "readme");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  const port = await freePort();
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", KEYCLOAK_GUARD_ISSUER: ISSUER,
      KEYCLOAK_GUARD_AUDIENCE: "my-api", KEYCLOAK_GUARD_REDIS_URL: redis.url, KEYCLOAK_GUARD_KEY_PREFIX: "readme:",
      KEYCLOAK_GUARD_JWKS_URL: jwks.url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${base}/health`).catch(() => null))?.status === 200, 20_000,
    `${name} to serve (output: ${output})`);
  return { base, child, output: () => output };
}

async function stop({ child }) {
  if (child.exitCode !== null) {
    return child.exitCode;
  }
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  child.kill("SIGTERM");
  return exited;
}

async function scenario(app) {
  const me = (token) => fetch(`${app.base}/api/me`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const token = await accessToken(jwks, { preferred_username: "alice", sid: `s-${Date.now()}-${Math.random()}` });
  const response = await me(token);
  assert.equal(response.status, 200, app.output());
  assert.deepEqual(await response.json(), { user: "alice" });
  assert.equal((await me()).status, 401);
  const { sid } = JSON.parse(Buffer.from(token.split(".")[1], "base64url"));
  await publisher.publish({ kind: "session", subject: sid });
  await until(async () => (await me(token)).status === 401, 5000, "the logout to be rejected");
  assert.match((await me(token)).headers.get("www-authenticate"), /error_description="token revoked"/);
  assert.equal((await me(await accessToken(jwks))).status, 200, "an untouched user stays accepted");
}

describe("README", () => {
  it("the Express quick start runs as printed", async () => {
    const app = await runExample("quick-start", codeAfter(README, "Quick start (Express)"));
    try {
      await scenario(app);
      assert.equal((await (await fetch(`${app.base}/health`)).json()).status, "ok");
    } finally {
      assert.equal(await stop(app), 0, `exits cleanly on SIGTERM: ${app.output()}`);
    }
  });

  it("docs/app-integration.md shows the same quick start", () => {
    const docs = readFileSync(path.join(ROOT, "..", "..", "docs", "app-integration.md"), "utf8");
    const at = docs.indexOf("\n### Node (Express / Fastify)\n");
    assert.ok(at >= 0, "no Node section in docs/app-integration.md");
    const block = /```js\n([\s\S]*?)```/.exec(docs.slice(at));
    assert.equal(block?.[1], codeAfter(README, "Quick start (Express)"));
  });

  it("the Fastify example runs as printed", async () => {
    const app = await runExample("fastify", codeAfter(README, "Fastify"));
    try {
      await scenario(app);
    } finally {
      await stop(app);
    }
  });
});
