// Compiled (never run) by `npm run typecheck` against the shipped declarations in dist/: the package's types fit
// Express's, Fastify's, express-jwt's and prom-client's own as an application uses them.
import express from "express";
import { expressjwt } from "express-jwt";
import Fastify from "fastify";
import client from "prom-client";
import {
  type AccessTokenClaims,
  type CheckResult,
  type GuardHealth,
  KeycloakGuard,
  RevocationClient,
  claimsOf,
  registerMetrics,
} from "@keycloak-guard/revocation";

const guard = KeycloakGuard.fromEnv({ audience: ["my-api"], staleAfter: 10, failClosed: false });
const ready: boolean = await guard.start();

const app = express();
app.get("/health", guard.healthHandler());
app.use("/api", guard.express());
app.get("/api/orders", guard.express({ scope: "orders:read" }), (req, res) => {
  const claims: AccessTokenClaims | undefined = claimsOf(req);
  res.json({ user: claims?.sub, ready });
});

app.use(expressjwt({ secret: "unused", algorithms: ["RS256"], isRevoked: guard.revocations.expressJwtIsRevoked }));

const fastify = Fastify();
await fastify.register(async (api) => {
  await api.register(guard.fastify(), { scope: "orders:read" });
  api.get("/me", async (request) => ({ user: claimsOf(request)?.sub }));
}, { prefix: "/api" });

registerMetrics(guard, client);
registerMetrics(guard, client, new client.Registry());

const result: CheckResult = await guard.check("Bearer x");
const health: GuardHealth = guard.health();
const revocations = new RevocationClient({ redisUrl: "redis://localhost:6379", realm: "r", staleAfter: 10 }).start();
const revoked: boolean = revocations.isRevoked({ sub: "u", iat: 1 });
await revocations.waitReady(10);
void [result, health, revoked];
await guard.stop();
