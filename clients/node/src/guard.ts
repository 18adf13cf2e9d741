import { type FeedHealth, RevocationClient } from "./client.js";
import { type KeycloakGuardOptions, realmOf, settingsFromEnv } from "./config.js";
import { KeysUnavailableError } from "./keys.js";
import type { Logger } from "./state.js";
import { type AccessTokenClaims, InvalidTokenError, KeycloakJwtVerifier } from "./verifier.js";
import { type GuardMiddleware, type HealthHandler, type MiddlewareOptions, healthHandler, middleware } from "./http.js";
import { type FastifyPluginLike, fastifyPlugin } from "./fastify.js";

/**
 * - `accepted`: verified, not revoked (and with the scopes asked for)
 * - `missing`: no `Authorization: Bearer` header: 401 with a plain `WWW-Authenticate: Bearer`
 * - `invalid`: not an acceptable access token of the realm: 401 `invalid_token`
 * - `revoked`: revoked (or the feed is stale and the guard fails closed): 401 `invalid_token`
 * - `forbidden`: valid, but without a scope the route asks for: 403 `insufficient_scope`
 * - `unavailable`: cannot decide now (the feed has not loaded yet, or Keycloak's keys cannot be fetched): 503 with
 *   `Retry-After`; the token may be fine, so no 401
 */
export type Outcome = "accepted" | "missing" | "invalid" | "revoked" | "forbidden" | "unavailable";

const OUTCOMES: readonly Outcome[] = ["accepted", "missing", "invalid", "revoked", "forbidden", "unavailable"];

export interface CheckResult {
  outcome: Outcome;
  /** The verified claims (also for `revoked` and `forbidden`), else null. */
  claims: AccessTokenClaims | null;
  /** Why not accepted; safe to log and to return (never contains the token). */
  reason: string | null;
  /** The HTTP status to answer with: 200 when accepted. */
  status: number;
  /** The response headers for a refusal: `WWW-Authenticate` (RFC 6750) or `Retry-After`. */
  headers: Record<string, string>;
}

export interface GuardHealth {
  /**
   * `ok` when the guard serves as configured; `degraded` when it serves from a stale feed (fail-open), without a
   * Redis connection, with keys it could not refresh, or from an outdated reader; `unavailable` when it answers 503
   * (feed not loaded) or, failing closed, rejects every token.
   */
  status: "ok" | "degraded" | "unavailable";
  realm: string;
  feed: FeedHealth;
  keys: { loaded: boolean; fetches: number; lastError: string | null };
  /** Checks since start, by outcome. */
  requests: Record<Outcome, number>;
}

/**
 * Verifies the bearer token of a request and checks it against the revocation feed; the framework integrations
 * (express(), fastify(), healthHandler()) turn its results into responses.
 *
 * ```js
 * const guard = KeycloakGuard.fromEnv();   // KEYCLOAK_GUARD_* variables
 * await guard.start();                     // follows the feed, waits up to readyTimeout for the first snapshot
 * app.use("/api", guard.express());        // 401/403/503 unless the token is valid and not revoked
 * ```
 */
export class KeycloakGuard {
  readonly realm: string;
  readonly verifier: KeycloakJwtVerifier;
  readonly revocations: RevocationClient;
  private readonly readyTimeout: number;
  private readonly logger: Logger;
  private readonly counts: Record<Outcome, number> = { accepted: 0, missing: 0, invalid: 0, revoked: 0, forbidden: 0, unavailable: 0 };
  private starting: Promise<boolean> | null = null;

  constructor(options: KeycloakGuardOptions) {
    if (!options.issuer) {
      throw new TypeError("issuer is required (KEYCLOAK_GUARD_ISSUER), e.g. https://sso.example.com/realms/my-realm");
    }
    const realm = options.realm || realmOf(options.issuer);
    if (!realm) {
      throw new TypeError(`realm is required (KEYCLOAK_GUARD_REALM): cannot read it from issuer ${options.issuer}`);
    }
    if (!options.redisUrl && !options.redisOptions) {
      throw new TypeError("redisUrl is required (KEYCLOAK_GUARD_REDIS_URL), e.g. redis://redis:6379");
    }
    this.realm = realm;
    this.logger = options.logger ?? console;
    this.readyTimeout = options.readyTimeout ?? 10;
    this.verifier = new KeycloakJwtVerifier({
      issuer: options.issuer,
      audience: options.audience,
      jwksUrl: options.jwksUrl,
      leeway: options.leeway,
      acceptSenderConstrained: options.acceptSenderConstrained,
      jwksCooldown: options.jwksCooldown,
      jwksMaxAge: options.jwksMaxAge,
      logger: this.logger,
    });
    this.revocations = new RevocationClient({
      redisUrl: options.redisUrl,
      redisOptions: options.redisOptions,
      realm,
      keyPrefix: options.keyPrefix,
      staleAfter: options.staleAfter,
      failClosed: options.failClosed,
      logger: this.logger,
    });
  }

  /** Configured from `KEYCLOAK_GUARD_*` variables (see KeycloakGuardOptions); `overrides` win over them. */
  static fromEnv(overrides: Partial<KeycloakGuardOptions> = {},
                 env: Readonly<Record<string, string | undefined>> = process.env): KeycloakGuard {
    return new KeycloakGuard(settingsFromEnv(env, overrides));
  }

  /**
   * Starts following the feed and fetches the realm's keys; resolves once the first snapshot has loaded (true) or
   * after `readyTimeout` seconds (false: requests get 503 — 401 when failing closed — until it has). Call it once per
   * process, before serving; calling it again returns the same promise.
   */
  start(): Promise<boolean> {
    if (this.starting === null) {
      this.revocations.start();
      this.starting = Promise.all([this.revocations.waitReady(this.readyTimeout), this.verifier.keys.prefetch()])
        .then(([ready]) => {
          if (!ready) {
            this.logger.warn(`Keycloak Guard: the revocation feed did not load within ${this.readyTimeout} s `
              + `(${this.revocations.health().lastError ?? "no answer"}); answering `
              + `${this.revocations.failClosed ? "401 (fail-closed)" : "503"} until it does`);
          }
          return ready;
        });
    }
    return this.starting;
  }

  /** Stops following the feed and closes its Redis connection. */
  async stop(): Promise<void> {
    await this.revocations.stop();
    this.starting = null;
  }

  /** The token of a `Bearer` header; of a `DPoP` one only when sender-constrained tokens are accepted. */
  tokenFromHeader(authorization: string | undefined | null): string | null {
    if (!authorization) {
      return null;
    }
    const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(authorization);
    if (match === null) {
      return null;
    }
    const scheme = match[1]!.toLowerCase();
    if (scheme === "bearer" || (scheme === "dpop" && this.verifier.acceptSenderConstrained)) {
      return match[2]!;
    }
    return null;
  }

  /**
   * The decision for an `Authorization` header, optionally requiring scopes (every one listed must be in the
   * token's `scope` claim). Never rejects: every failure is an outcome.
   */
  async check(authorization: string | undefined | null, scopes: readonly string[] = []): Promise<CheckResult> {
    const token = this.tokenFromHeader(authorization);
    if (token === null) {
      return this.count(this.result("missing", null, "no bearer token"));
    }
    let claims: AccessTokenClaims;
    try {
      claims = (await this.verifier.verify(token)).payload;
    } catch (e) {
      if (e instanceof KeysUnavailableError) {
        return this.count(this.result("unavailable", null, e.message));
      }
      return this.count(this.result("invalid", null, e instanceof InvalidTokenError ? e.message : "invalid token"));
    }
    return this.count(this.decide(claims, scopes));
  }

  /** Revocation (and scopes) for verified claims. */
  decide(claims: AccessTokenClaims, scopes: readonly string[] = []): CheckResult {
    const revocations = this.revocations;
    if (revocations.isRevoked(claims)) {
      return this.result("revoked", claims, revocations.failClosed && revocations.isStale()
        ? "revocation status unknown (feed stale)"
        : "token revoked");
    }
    if (!revocations.ready) {
      // Fail-open before the first snapshot would accept every revoked token: refuse to decide instead.
      return this.result("unavailable", claims, "revocation feed not loaded yet");
    }
    if (scopes.length !== 0) {
      const granted = new Set(typeof claims.scope === "string" ? claims.scope.split(" ") : []);
      const missing = scopes.filter((s) => !granted.has(s));
      if (missing.length !== 0) {
        return this.result("forbidden", claims, `missing scope ${missing.join(" ")}`, scopes);
      }
    }
    return this.result("accepted", claims, null);
  }

  /**
   * Express (or Connect, or plain `node:http`) middleware: lets a request through only with a valid, unrevoked
   * access token (with `options.scope`, also only with those scopes), the verified claims in `req.auth`; else 401
   * or 403 with an RFC 6750 `WWW-Authenticate` header, or 503 with `Retry-After` while the guard cannot decide.
   */
  express(options: MiddlewareOptions = {}): GuardMiddleware {
    return middleware(this, options);
  }

  /**
   * A Fastify plugin: `await app.register(guard.fastify(), { scope: "orders" })`. It applies to the routes of the
   * context it is registered in (like fastify-plugin), puts the verified claims in `request.auth`, starts the guard
   * when registered and stops it when the app closes.
   */
  fastify(): FastifyPluginLike {
    return fastifyPlugin(this);
  }

  /** A `node:http`/Express handler for a health endpoint: health() as JSON, 503 when `unavailable`, else 200. */
  healthHandler(): HealthHandler {
    return healthHandler(this);
  }

  health(): GuardHealth {
    const feed = this.revocations.health();
    const keys = { loaded: this.verifier.keys.loaded, fetches: this.verifier.keys.fetches, lastError: this.verifier.keys.lastError };
    let status: GuardHealth["status"];
    if (!feed.ready || (feed.stale && feed.failClosed)) {
      status = "unavailable";
    } else if (feed.stale || !feed.connected || keys.lastError !== null || feed.outdated) {
      status = "degraded";
    } else {
      status = "ok";
    }
    return { status, realm: this.realm, feed, keys, requests: { ...this.counts } };
  }

  private count(result: CheckResult): CheckResult {
    this.counts[result.outcome]++;
    return result;
  }

  private result(outcome: Outcome, claims: AccessTokenClaims | null, reason: string | null, scopes: readonly string[] = []): CheckResult {
    const headers: Record<string, string> = {};
    const realm = `realm="${quoted(this.realm)}"`;
    switch (outcome) {
      case "missing":
        // RFC 6750 3.1: no error code when the request carried no token.
        headers["WWW-Authenticate"] = `Bearer ${realm}`;
        break;
      case "invalid":
      case "revoked":
        headers["WWW-Authenticate"] = `Bearer ${realm}, error="invalid_token", error_description="${quoted(reason ?? outcome)}"`;
        break;
      case "forbidden":
        headers["WWW-Authenticate"] = `Bearer ${realm}, error="insufficient_scope", error_description="${quoted(reason ?? outcome)}", `
          + `scope="${quoted(scopes.join(" "))}"`;
        break;
      case "unavailable":
        headers["Retry-After"] = "1";
        break;
      case "accepted":
        break;
    }
    return { outcome, claims, reason, status: STATUS[outcome], headers };
  }
}

const STATUS: Record<Outcome, number> = { accepted: 200, missing: 401, invalid: 401, revoked: 401, forbidden: 403, unavailable: 503 };

/** RFC 6750 quoted values: printable ASCII without `"` and `\`. */
function quoted(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, "");
}

export { OUTCOMES };
