// RevocationSet details the conformance cases do not reach: pruning of every kind, and the size it reports.
import assert from "node:assert/strict";
import { it } from "node:test";
import { RevocationSet } from "../dist/index.js";

const r = (kind, subject, exp, client = null, time = 100) => ({ id: "x", realm: "r", kind, subject, client, time, exp, reason: "" });

it("prunes every kind, client grants and the every-user entry included", () => {
  const set = new RevocationSet();
  set.apply(r("client-grant", "u1", 200, "app"));
  set.apply(r("client-grant", "u1", 300, "other"));
  set.apply(r("client-grant", "u1", 250, "app"));
  set.apply(r("user", "*", 200));
  set.apply(r("client", "app", 200));
  set.apply(r("session", "s", 400));
  assert.equal(set.size, 5);
  assert.equal(set.isRevoked({ sub: "u1", azp: "app", iat: 100 }), true);
  assert.equal(set.isRevoked({ sub: "u9", azp: "web", iat: 50 }), true, "every user");
  set.removeExpired(201);
  assert.equal(set.size, 3, "the grant for app was extended to 250; * and the client expired");
  assert.equal(set.isRevoked({ sub: "u9", azp: "web", iat: 50 }), false);
  assert.equal(set.isRevoked({ sub: "u1", azp: "app", iat: 100 }), true);
  set.removeExpired(301);
  assert.equal(set.size, 1);
  assert.equal(set.isRevoked({ sub: "u1", azp: "other", iat: 100 }), false);
  assert.equal(set.isRevoked({ sid: "s" }), true);
});
