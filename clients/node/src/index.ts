export {
  ALL_USERS,
  CONTRACT_REVISION,
  CONTRACT_VERSION,
  type Heartbeat,
  MalformedRevocationError,
  type Revocation,
  RevocationKeys,
  type RevocationKind,
  ZERO_ID,
  compareStreamIds,
  heartbeatFromFields,
  isStreamId,
  revocationFromFields,
  revocationFromJson,
} from "./contract.js";
export { FeedState, type Logger, type RevocationClaims, RevocationSet } from "./state.js";
export { type FeedHealth, type FollowerRedisOptions, RevocationClient, type RevocationClientOptions } from "./client.js";
export { KeysUnavailableError, RealmKeys, type RealmKeysOptions } from "./keys.js";
export {
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  DPOP_ACCESS_TOKEN_TYPE,
  InvalidTokenError,
  KEYCLOAK_ALGORITHMS,
  KeycloakJwtVerifier,
  type VerifierOptions,
} from "./verifier.js";
export { type KeycloakGuardOptions, realmOf, settingsFromEnv } from "./config.js";
export { type CheckResult, type GuardHealth, KeycloakGuard, type Outcome } from "./guard.js";
export { type AuthenticatedRequest, type GuardMiddleware, type HealthHandler, type MiddlewareOptions, claimsOf } from "./http.js";
export { type FastifyPluginLike, type FastifyPluginOptions } from "./fastify.js";
export { type PromClientLike, registerMetrics } from "./metrics.js";
export { VERSION } from "./version.js";
