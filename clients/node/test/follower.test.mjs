// RevocationClient against a real private redis-server: snapshot + stream, reconnect and resume, a Redis that lost its
// data, a trimmed stream, entries it cannot apply, expiry, staleness from the heartbeat, fail-closed, stop().
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { RevocationClient } from "../dist/index.js";
import { Publisher, RedisServer, nowSeconds, quiet, until } from "./support.mjs";

let redis;
let admin;

before(async () => {
  redis = await RedisServer.start();
  admin = new Redis(redis.url);
  admin.on("error", () => {});
});

after(async () => {
  admin.disconnect();
  await redis.close();
});

/** A realm of its own per test: nothing one test publishes is seen by another. */
function realm() {
  const name = `r-${randomUUID().slice(0, 8)}`;
  return { name, publisher: new Publisher(redis.url, "test:", name) };
}

function client(realmName, options = {}) {
  return new RevocationClient({ redisUrl: redis.url, realm: realmName, keyPrefix: "test:", pollBlock: 0.2, logger: quiet, ...options }).start();
}

const user = (sub, iat = nowSeconds() - 5) => ({ sub, sid: randomUUID(), jti: randomUUID(), azp: "app", iat });

describe("RevocationClient", () => {
  it("loads the snapshot, then follows the stream", async () => {
    const { name, publisher } = realm();
    await publisher.publish({ kind: "session", subject: "s-before" });
    const revocations = client(name);
    try {
      assert.equal(await revocations.waitReady(5), true);
      assert.equal(revocations.isRevoked({ sid: "s-before" }), true, "from the snapshot");
      assert.equal(revocations.isRevoked({ sid: "s-other" }), false);

      await publisher.publish({ kind: "user", subject: "u1" });
      await until(() => revocations.isRevoked(user("u1")), 5000, "the stream entry");
      assert.equal(revocations.isRevoked(user("u1", nowSeconds() + 10)), false, "a token issued later is fine");
      await publisher.publish({ kind: "client-grant", subject: "u2", client: "app" });
      await publisher.publish({ kind: "client", subject: "other-app" });
      await publisher.publish({ kind: "token", subject: "jti-1" });
      await until(() => revocations.isRevoked({ jti: "jti-1" }), 5000, "the token entry");
      assert.equal(revocations.isRevoked(user("u2")), true, "client-grant");
      assert.equal(revocations.isRevoked({ ...user("u3"), azp: "other-app" }), true, "client");
      assert.equal(revocations.liveRevocations, 5);
      const health = revocations.health();
      assert.equal(health.ready, true);
      assert.equal(health.connected, true);
      assert.equal(health.snapshotLoads, 1);
      assert.equal(health.skippedEntries, 0);
    } finally {
      await revocations.stop();
      await publisher.close();
    }
  });

  it("is stale until a heartbeat it has reached, fresh after, and fail-closed rejects while stale", async () => {
    const { name, publisher } = realm();
    const failOpen = client(name);
    const failClosed = client(name, { failClosed: true, staleAfter: 2 });
    try {
      assert.equal(failClosed.isRevoked(user("u")), true, "fail-closed before the first snapshot: nothing is vouched for");
      await failOpen.waitReady(5);
      await failClosed.waitReady(5);
      assert.equal(failOpen.isStale(), true, "no heartbeat yet");
      assert.equal(failOpen.health().stalenessSeconds, null);
      assert.equal(failOpen.isRevoked(user("u")), false, "fail-open answers from memory");
      assert.equal(failClosed.isRevoked(user("u")), true, "fail-closed: stale means revoked");

      await publisher.publish({ kind: "session", subject: "s1" });
      await publisher.heartbeat();
      await until(() => !failClosed.isStale(), 5000, "the heartbeat");
      assert.equal(failClosed.isRevoked(user("u")), false);
      assert.equal(failClosed.isRevoked({ sid: "s1" }), true);
      assert.ok(failOpen.health().stalenessSeconds < 2);
    } finally {
      await failOpen.stop();
      await failClosed.stop();
      await publisher.close();
    }
  });

  it("skips and counts entries it cannot apply and goes on", async () => {
    const { name, publisher } = realm();
    const revocations = client(name);
    try {
      await revocations.waitReady(5);
      await admin.xadd(publisher.keys.stream, "*", "v", "1", "id", "x", "realm", name, "kind", "realm", "subject", name,
        "client", "", "time", "1", "exp", String(nowSeconds() + 60), "reason", "from a newer publisher");
      await admin.xadd(publisher.keys.stream, "*", "v", "1", "kind", "session");
      await admin.hset(publisher.keys.records, "bad", "not json");
      await publisher.publish({ kind: "session", subject: "after-the-bad-ones" });
      await until(() => revocations.isRevoked({ sid: "after-the-bad-ones" }), 5000, "the entry after the bad ones");
      assert.equal(revocations.skippedEntries, 2);
      assert.equal(revocations.health().outdated, false);
      await publisher.heartbeat(Date.now(), 3);
      await until(() => revocations.health().outdated, 5000, "a heartbeat of revision 3 marks the reader outdated");
    } finally {
      await revocations.stop();
      await publisher.close();
    }
  });

  it("forgets a record once its exp has passed", async () => {
    const { name, publisher } = realm();
    let offset = 0;
    const revocations = client(name, { now: () => Date.now() + offset });
    try {
      await revocations.waitReady(5);
      await publisher.publish({ kind: "session", subject: "short", exp: nowSeconds() + 30 });
      await publisher.publish({ kind: "session", subject: "long", exp: nowSeconds() + 3600 });
      await until(() => revocations.liveRevocations === 2, 5000, "both records");
      offset = 120_000;
      await until(() => revocations.liveRevocations === 1, 5000, "the expired record to be dropped");
      assert.equal(revocations.isRevoked({ sid: "short" }), false);
      assert.equal(revocations.isRevoked({ sid: "long" }), true);
    } finally {
      await revocations.stop();
      await publisher.close();
    }
  });

  it("resumes after its connection was dropped, from the last entry it applied", async () => {
    const { name, publisher } = realm();
    const revocations = client(name);
    try {
      await revocations.waitReady(5);
      await publisher.publish({ kind: "session", subject: "s1" });
      await until(() => revocations.isRevoked({ sid: "s1" }), 5000, "s1");
      await admin.client("KILL", "TYPE", "normal", "SKIPME", "yes");
      await publisher.publish({ kind: "session", subject: "s2" });
      await until(() => revocations.isRevoked({ sid: "s2" }), 5000, "the entry published while it reconnected");
      assert.equal(revocations.snapshotLoads, 1, "resumed from the stream, no new snapshot");
    } finally {
      await revocations.stop();
      await publisher.close();
    }
  });

  it("reloads the snapshot when the stream was trimmed past it, and keeps what it knew", async () => {
    const { name, publisher } = realm();
    const revocations = client(name);
    try {
      await revocations.waitReady(5);
      await publisher.publish({ kind: "session", subject: "known" });
      await until(() => revocations.isRevoked({ sid: "known" }), 5000, "known");
      await revocations.stop();

      await publisher.publish({ kind: "session", subject: "missed-1" });
      await publisher.publish({ kind: "session", subject: "missed-2" });
      await publisher.publish({ kind: "session", subject: "newest" });
      await admin.xtrim(publisher.keys.stream, "MAXLEN", 1);
      await admin.hdel(publisher.keys.records, "session:known");

      revocations.start();
      await until(() => revocations.isRevoked({ sid: "missed-1" }) && revocations.isRevoked({ sid: "missed-2" }), 5000,
        "the entries trimmed from the stream, from the snapshot");
      assert.equal(revocations.snapshotLoads, 2);
      assert.equal(revocations.isRevoked({ sid: "known" }), true, "merged, never replaced");
    } finally {
      await revocations.stop();
      await publisher.close();
    }
  });

  it("survives Redis going away and coming back empty, and is current again as soon as Redis answers", async (t) => {
    const { name, publisher } = realm();
    const stopHeartbeats = publisher.heartbeats(100);
    const failClosed = client(name, { failClosed: true, staleAfter: 1 });
    const failOpen = client(name);
    try {
      await failClosed.waitReady(5);
      await publisher.publish({ kind: "session", subject: "before" });
      await until(() => failClosed.isRevoked({ sid: "before" }) && !failClosed.isStale(), 5000, "fresh");

      await redis.stop();
      await until(() => !failOpen.connected, 5000, "the follower notices");
      assert.equal(failOpen.isRevoked({ sid: "before" }), true, "answers from memory");
      await until(() => failClosed.isStale(), 5000, "stale after 1 s without a heartbeat");
      assert.equal(failClosed.isRevoked(user("bystander")), true, "fail-closed rejects every token while stale");
      assert.equal(failOpen.isRevoked(user("bystander")), false, "fail-open accepts what it does not know to be revoked");
      assert.match(failOpen.health().lastError ?? "", /\S/);

      await redis.start(); // empty: the pack republishes what is live
      const back = Date.now();
      await publisher.publish({ kind: "session", subject: "during" });
      await until(() => failOpen.isRevoked({ sid: "during" }) && failClosed.isRevoked({ sid: "during" }), 10_000,
        "the revocation published once Redis is back");
      const delay = Date.now() - back;
      t.diagnostic(`follower current again ${delay} ms after Redis answered`);
      await until(() => !failClosed.isStale(), 5000, "fresh again");
      assert.equal(failClosed.isRevoked(user("bystander")), false);
      assert.equal(failOpen.isRevoked({ sid: "before" }), true, "kept what it knew");
      // The flag is set once a whole pass (stream, heartbeat) succeeded; a late error of the dropped connection can
      // clear it while the follower already reads again (seen once in CI), so wait for the next pass, bounded.
      await until(() => failOpen.connected, 5000, "connected again");
    } finally {
      await stopHeartbeats();
      await failClosed.stop();
      await failOpen.stop();
      await publisher.close();
      await redis.start();
    }
  });

  it("becomes ready once Redis answers, when Redis was down at start", async () => {
    const { name, publisher } = realm();
    await redis.stop();
    const revocations = client(name);
    try {
      assert.equal(await revocations.waitReady(0.5), false);
      assert.equal(revocations.ready, false);
      assert.equal(revocations.health().connected, false);
      await redis.start();
      assert.equal(await revocations.waitReady(5), true);
    } finally {
      await revocations.stop();
      await publisher.close();
      await redis.start();
    }
  });

  it("stops promptly, in the middle of a blocking read", async () => {
    const { name, publisher } = realm();
    await publisher.close();
    const revocations = client(name, { pollBlock: 10 });
    await revocations.waitReady(5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await revocations.stop();
    assert.ok(Date.now() - started < 2000, `stop() took ${Date.now() - started} ms`);
  });

  it("is usable as express-jwt's isRevoked hook", async () => {
    const { name, publisher } = realm();
    const revocations = client(name);
    try {
      await revocations.waitReady(5);
      await publisher.publish({ kind: "session", subject: "s-hook" });
      await until(() => revocations.isRevoked({ sid: "s-hook" }), 5000, "s-hook");
      assert.equal(await revocations.expressJwtIsRevoked({}, { header: {}, payload: { sid: "s-hook" } }), true);
      assert.equal(await revocations.expressJwtIsRevoked({}, { header: {}, payload: { sid: "s-other" } }), false);
      assert.equal(await revocations.expressJwtIsRevoked({}, undefined), true);
    } finally {
      await revocations.stop();
      await publisher.close();
    }
  });
});
