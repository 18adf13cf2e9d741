// Benchmark (not a test): the cost of RevocationClient.isRevoked with 100,000 live records in memory.
// Starts a private redis-server, writes 100,000 records of every kind to the snapshot plus a heartbeat, lets a
// RevocationClient load them, then times isRevoked on a mix of tokens (revoked and not), fail-open and fail-closed.
// Goal (issue 23): median <= 1 µs. Run: npm run build && node bench/is-revoked.mjs  [records]  (needs redis-server on PATH)
import { randomUUID } from "node:crypto";
import { RevocationClient } from "../dist/index.js";
import { Publisher, RedisServer, nowSeconds, quiet } from "../test/support.mjs";

const RECORDS = Number(process.argv[2] ?? 100_000);
const BATCH = 1_000;
const BATCHES = 3_000;

const redis = await RedisServer.start();
const realm = "bench";
const publisher = new Publisher(redis.url, "bench:", realm);
const now = nowSeconds();
const kinds = ["session", "user", "token", "client-grant", "client"];
const subjects = { session: [], user: [], token: [], "client-grant": [], client: [] };
let pipeline = publisher.redis.pipeline();
for (let i = 0; i < RECORDS; i++) {
  const kind = kinds[i % kinds.length];
  const subject = randomUUID();
  const client = kind === "client-grant" ? `app-${i % 50}` : null;
  subjects[kind].push(subject);
  const record = { v: 1, id: randomUUID(), realm, kind, subject, ...(client ? { client } : {}), time: now - 10, exp: now + 3600, reason: "bench" };
  pipeline.hset(publisher.keys.records, client ? `${kind}:${subject}:${client}` : `${kind}:${subject}`, JSON.stringify(record));
  if (i % 5_000 === 4_999) {
    await pipeline.exec();
    pipeline = publisher.redis.pipeline();
  }
}
await pipeline.exec();
await publisher.heartbeat();

async function bench(failClosed) {
  // A long stale bound: the timed loop blocks the event loop, so no heartbeat is read while it runs.
  const revocations = new RevocationClient({ redisUrl: redis.url, realm, keyPrefix: "bench:", failClosed, staleAfter: 3600,
    logger: quiet }).start();
  if (!(await revocations.waitReady(60))) {
    throw new Error("snapshot did not load");
  }
  await new Promise((resolve) => setTimeout(resolve, 300)); // the heartbeat
  // Token claims as a resource server sees them: 1 in 10 revoked (by session, user or token), the rest not.
  const claims = Array.from({ length: 4096 }, (_, i) => {
    const pick = (kind) => subjects[kind][(i * 7919) % subjects[kind].length];
    const c = { jti: randomUUID(), sid: randomUUID(), sub: randomUUID(), azp: "app-1", iat: now - 5 };
    if (i % 30 === 0) c.sid = pick("session");
    if (i % 30 === 10) c.sub = pick("user");
    if (i % 30 === 20) c.jti = pick("token");
    return c;
  });
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += revocations.isRevoked(claims[i & 4095]) ? 1 : 0; // warm-up
  // Per batch: wall time, and the process's CPU time (the machine may be shared: CPU time leaves out the time the
  // process waited for a core).
  const wall = [];
  const cpu = [];
  for (let b = 0; b < BATCHES; b++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) {
      sink += revocations.isRevoked(claims[(b * BATCH + i) & 4095]) ? 1 : 0;
    }
    wall.push(Number(process.hrtime.bigint() - start) / BATCH);
    const used = process.cpuUsage(cpuStart);
    cpu.push(((used.user + used.system) * 1000) / BATCH);
  }
  const q = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))];
  console.log(`isRevoked, ${revocations.liveRevocations} live records, ${failClosed ? "fail-closed" : "fail-open"}: `
    + `median ${q(wall, 0.5).toFixed(0)} ns (CPU ${q(cpu, 0.5).toFixed(0)} ns), p90 ${q(wall, 0.9).toFixed(0)} ns, `
    + `p99 ${q(wall, 0.99).toFixed(0)} ns per call (${BATCHES} batches of ${BATCH}; ${sink} revoked answers)`);
  await revocations.stop();
  return q(wall, 0.5);
}

try {
  const open = await bench(false);
  const closed = await bench(true);
  console.log(`node ${process.version}; goal: median <= 1000 ns: ${Math.max(open, closed) <= 1000 ? "met" : "NOT met"}`);
} finally {
  await publisher.close();
  await redis.close();
}
