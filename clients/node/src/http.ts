import type { IncomingMessage, ServerResponse } from "node:http";
import type { CheckResult, KeycloakGuard } from "./guard.js";
import type { AccessTokenClaims } from "./verifier.js";

export interface MiddlewareOptions {
  /** Scopes a token must carry, every one (its `scope` claim); without them: 403 `insufficient_scope`. */
  scope?: string | readonly string[] | undefined;
}

/** A request the middleware has let through: the verified access-token claims are in `auth`. */
export interface AuthenticatedRequest extends IncomingMessage {
  auth?: AccessTokenClaims;
}

export type GuardMiddleware = (req: AuthenticatedRequest, res: ServerResponse, next: (error?: unknown) => void) => void;
export type HealthHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The verified claims the middleware or the Fastify plugin put on a request (undefined if none). */
export function claimsOf(req: object): AccessTokenClaims | undefined {
  const auth = (req as { auth?: unknown }).auth;
  return auth !== null && typeof auth === "object" ? (auth as AccessTokenClaims) : undefined;
}

export function scopesOf(scope: string | readonly string[] | undefined): readonly string[] {
  return scope === undefined ? [] : typeof scope === "string" ? scope.split(/\s+/).filter((s) => s !== "") : scope;
}

/** The body of a refusal: RFC 6750's error code and description as JSON. */
export function refusalBody(result: CheckResult): { error: string; error_description: string } {
  const error = result.outcome === "forbidden" ? "insufficient_scope"
    : result.outcome === "missing" ? "unauthorized"
      : result.outcome === "unavailable" ? "temporarily_unavailable" : "invalid_token";
  return { error, error_description: result.reason ?? result.outcome };
}

export function middleware(guard: KeycloakGuard, options: MiddlewareOptions): GuardMiddleware {
  const scopes = scopesOf(options.scope);
  return (req, res, next) => {
    guard.check(req.headers.authorization, scopes).then((result) => {
      if (result.outcome === "accepted") {
        req.auth = result.claims!;
        next();
        return;
      }
      const body = JSON.stringify(refusalBody(result));
      res.writeHead(result.status, {
        ...result.headers,
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
        "Cache-Control": "no-store",
      });
      res.end(body);
    }, next);
  };
}

export function healthHandler(guard: KeycloakGuard): HealthHandler {
  return (_req, res) => {
    const health = guard.health();
    const body = JSON.stringify(health);
    res.writeHead(health.status === "unavailable" ? 503 : 200, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
      "Cache-Control": "no-store",
    });
    res.end(body);
  };
}
