// Test fixtures: a private redis-server on a free loopback port (never a mock), a publisher that writes the feed
// with the pack's own scripts (core/src/main/java/io/keycloakguard/core/revocation/RevocationPublisher.java), a local
// JWKS server and signed test tokens.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { SignJWT, exportJWK, generateKeyPair } from "jose";

export const quiet = { warn() {}, info() {} };

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export async function until(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(20);
  }
}

/** A private redis-server from PATH, keeping nothing on disk: a restart comes back empty. */
export class RedisServer {
  static async start() {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  constructor(port) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.dir = mkdtempSync(path.join(tmpdir(), "kcguard-redis-"));
    this.process = null;
  }

  async start() {
    if (this.process !== null) {
      return;
    }
    this.process = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "",
      "--appendonly", "no", "--dir", this.dir], { stdio: "ignore" });
    const started = this.process;
    started.once("exit", () => {
      if (this.process === started) {
        this.process = null;
      }
    });
    await until(() => listening(this.port), 10_000, `redis-server on ${this.port}`);
  }

  async stop() {
    const running = this.process;
    if (running === null) {
      return;
    }
    this.process = null;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
    await until(async () => !(await listening(this.port)), 10_000, `redis-server on ${this.port} to stop`);
  }

  async close() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const PUBLISH = `
local exp = tonumber(ARGV[5])
local now = tonumber(ARGV[6])
if exp <= now then return 0 end
if not redis.call('SET', KEYS[4], '1', 'NX', 'EX', exp - now) then
  redis.call('EXPIRE', KEYS[4], exp - now)
  return 0
end
local incoming = cjson.decode(ARGV[3])
local winner = incoming
local current = redis.call('HGET', KEYS[1], ARGV[2])
if current then
  local c = cjson.decode(current)
  if tonumber(c['time']) > tonumber(incoming['time']) then winner = c end
  if tonumber(c['exp']) > exp then exp = tonumber(c['exp']) end
end
winner['exp'] = exp
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode(winner))
redis.call('ZADD', KEYS[2], exp, ARGV[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*',
  'v', '1', 'id', ARGV[1], 'realm', incoming['realm'], 'kind', incoming['kind'],
  'subject', incoming['subject'], 'client', ARGV[8], 'time', ARGV[4], 'exp', ARGV[5],
  'reason', incoming['reason'])
return 1`;

const HEARTBEAT = `
local current = redis.call('HGET', KEYS[1], 'drained_to')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local id = '0-0'
if newest[1] then id = newest[1][1] end
redis.call('HSET', KEYS[1], 'drained_to', ARGV[1], 'stream', id, 'written', ARGV[2], 'node', ARGV[3], 'rev', ARGV[4])
return 1`;

/** Writes one realm's feed the way the pack does. */
export class Publisher {
  constructor(url, prefix, realm) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
    this.redis.on("error", () => {});
    this.prefix = prefix;
    this.realm = realm;
    const base = `${prefix}rev:v1:{${realm}}:`;
    this.keys = { records: base + "records", expiry: base + "expiry", stream: base + "stream", heartbeat: base + "heartbeat" };
    this.seen = (id) => `${base}seen:${id}`;
  }

  /** kind, subject, client?, time?, exp? (epoch seconds); returns the revocation. */
  async publish({ kind, subject, client = null, time = nowSeconds(), exp = nowSeconds() + 600, reason = "test", id = randomUUID() }) {
    const record = { v: 1, id, realm: this.realm, kind, subject, ...(client ? { client } : {}), time, exp, reason };
    const key = kind === "client-grant" ? `${kind}:${subject}:${client}` : `${kind}:${subject}`;
    await this.redis.eval(PUBLISH, 4, this.keys.records, this.keys.expiry, this.keys.stream, this.seen(id),
      id, key, JSON.stringify(record), String(time), String(exp), String(nowSeconds()), "100000", client ?? "");
    return record;
  }

  async heartbeat(drainedTo = Date.now(), rev = 2) {
    await this.redis.eval(HEARTBEAT, 2, this.keys.heartbeat, this.keys.stream, String(drainedTo), String(Date.now()), "test-node", String(rev));
  }

  /** Heartbeats every `ms` until stopped, as every Keycloak node does (every 2 s by default). */
  heartbeats(ms = 200) {
    let running = true;
    const loop = (async () => {
      while (running) {
        await this.heartbeat().catch(() => {});
        await sleep(ms);
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  }

  async close() {
    this.redis.disconnect();
  }
}

export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** A realm's signing keys served as a JWKS by a local HTTP server that counts its requests. */
export class JwksServer {
  static async start(options = {}) {
    const server = new JwksServer(options);
    await server.listen();
    return server;
  }

  constructor({ alg = "RS256" } = {}) {
    this.alg = alg;
    this.requests = 0;
    this.failing = false;
    this.keys = [];
    this.server = createServer((req, res) => {
      this.requests++;
      if (this.failing) {
        res.writeHead(500).end("down");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: this.keys.map((k) => k.jwk).concat(this.encryptionKey ? [this.encryptionKey] : []) }));
    });
  }

  async listen() {
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}/realms/test/protocol/openid-connect/certs`;
    await this.addKey();
    // Keycloak also lists an encryption key (RSA-OAEP, use=enc): it must not get in the way.
    const { publicKey } = await generateKeyPair("RSA-OAEP", { extractable: true });
    this.encryptionKey = { ...(await exportJWK(publicKey)), kid: "enc-key", use: "enc", alg: "RSA-OAEP" };
  }

  async addKey(alg = this.alg) {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const kid = randomUUID();
    const key = { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
    this.keys.push(key);
    return key;
  }

  async close() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export const ISSUER = "http://127.0.0.1:9/realms/test";

/** An access token as Keycloak issues it, signed with `key` (default: the server's first key). */
export async function accessToken(jwks, claims = {}, { key = jwks.keys[0], kid = key.kid, header = {} } = {}) {
  const now = nowSeconds();
  const payload = {
    iss: ISSUER, sub: randomUUID(), aud: "my-api", typ: "Bearer", azp: "app", sid: randomUUID(), jti: randomUUID(),
    iat: now, exp: now + 300, scope: "openid profile", ...claims,
  };
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined) {
      delete payload[name];
    }
  }
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid, typ: "JWT", ...header }).sign(key.privateKey);
}
