import { type JWTPayload, type ProtectedHeaderParameters, errors, jwtVerify } from "jose";
import { KeysUnavailableError, RealmKeys } from "./keys.js";
import type { Logger } from "./state.js";

/** The asymmetric algorithms Keycloak signs with; a token with any other `alg` (HS256, none) is refused. */
export const KEYCLOAK_ALGORITHMS: readonly string[] = [
  "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519",
];

/** The `typ` claim of a Keycloak access token (ID tokens say `ID`, refresh tokens `Refresh`). */
export const ACCESS_TOKEN_TYPE = "Bearer";
/** The `typ` claim of a DPoP-bound Keycloak access token. */
export const DPOP_ACCESS_TOKEN_TYPE = "DPoP";

/** The verified claims of a Keycloak access token. */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  exp: number;
  iat: number;
  typ: string;
  jti?: string;
  sid?: string;
  azp?: string;
  scope?: string;
  [claim: string]: unknown;
}

export interface VerifierOptions {
  /** The realm URL exactly as in the tokens' `iss`, e.g. `https://sso.example.com/realms/my-realm`. */
  issuer: string;
  /** Accepted `aud` values; a token must name one. Empty: any access token of the realm (a warning is logged). */
  audience?: string | readonly string[] | undefined;
  /** Where to fetch the keys when Keycloak is reached under another address (default: issuer + `/protocol/openid-connect/certs`). */
  jwksUrl?: string | undefined;
  /** Clock skew for `exp`/`nbf`, seconds (default 60; keep it at or below the pack's revocation clock-skew). */
  leeway?: number | undefined;
  /**
   * Accept tokens with a `cnf` claim (DPoP- or mTLS-bound) and `Authorization: DPoP`. Only for an application that
   * validates the binding itself (RFC 9449 proof, RFC 8705 certificate thumbprint): without its proof a
   * sender-constrained token is a stolen one. Default false: refused.
   */
  acceptSenderConstrained?: boolean | undefined;
  /** Seconds between two fetches of the keys at most (default 10). */
  jwksCooldown?: number | undefined;
  /** Seconds after which cached keys are refreshed in the background (default 86400). */
  jwksMaxAge?: number | undefined;
  /** Seconds one fetch of the keys may take (default 5). */
  jwksTimeout?: number | undefined;
  logger?: Logger | undefined;
  /** The clock, epoch milliseconds (tests). */
  now?: (() => number) | undefined;
}

/** Why a token was refused; the message is safe to log and to return (it never contains the token). */
export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

/**
 * Verifies a Keycloak access token locally as Keycloak's own adapters do: signature against the realm's keys
 * (cached; refetched on an unknown key id at most once per cooldown), asymmetric algorithms only, issuer,
 * `typ` = `Bearer` (ID and refresh tokens are refused), `exp`/`nbf` with a skew, the audience when configured, and
 * no `cnf` claim unless the application validates sender constraints itself. A port of the Java
 * KeycloakJwtVerifier. Revocation is checked separately (RevocationClient); KeycloakGuard does both.
 */
export class KeycloakJwtVerifier {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly keys: RealmKeys;
  readonly acceptSenderConstrained: boolean;
  private readonly leeway: number;
  private readonly types: ReadonlySet<string>;
  private readonly now: () => number;

  constructor(options: VerifierOptions) {
    if (!options.issuer) {
      throw new TypeError("issuer is required, e.g. https://sso.example.com/realms/my-realm");
    }
    this.issuer = options.issuer.replace(/\/+$/, "");
    const audience = options.audience ?? [];
    this.audience = typeof audience === "string" ? split(audience) : [...audience];
    this.leeway = options.leeway ?? 60;
    if (!Number.isFinite(this.leeway) || this.leeway < 0) {
      throw new TypeError("leeway must be a non-negative number of seconds");
    }
    this.acceptSenderConstrained = options.acceptSenderConstrained ?? false;
    this.types = new Set(this.acceptSenderConstrained ? [ACCESS_TOKEN_TYPE, DPOP_ACCESS_TOKEN_TYPE] : [ACCESS_TOKEN_TYPE]);
    this.now = options.now ?? Date.now;
    this.keys = new RealmKeys({
      jwksUrl: options.jwksUrl || this.issuer + "/protocol/openid-connect/certs",
      cooldown: options.jwksCooldown,
      maxAge: options.jwksMaxAge,
      timeout: options.jwksTimeout,
      now: this.now,
    });
    if (this.audience.length === 0) {
      (options.logger ?? console).warn(`Keycloak Guard: no audience configured for ${this.issuer}: access tokens issued to `
        + "any client of the realm are accepted. Configure the audience your API expects.");
    }
  }

  /**
   * @returns the verified claims and header
   * @throws InvalidTokenError when the token is malformed, badly signed, expired, not an access token,
   *         sender-constrained (unless accepted), or for another issuer or audience
   * @throws KeysUnavailableError when the realm's keys cannot be fetched and none that fits is cached
   */
  async verify(token: string): Promise<{ payload: AccessTokenClaims; header: ProtectedHeaderParameters }> {
    let result;
    try {
      result = await jwtVerify(token, this.keys.getKey, {
        issuer: this.issuer,
        ...(this.audience.length === 0 ? {} : { audience: [...this.audience] }),
        algorithms: [...KEYCLOAK_ALGORITHMS],
        clockTolerance: this.leeway,
        currentDate: new Date(this.now()),
        requiredClaims: ["sub", "iat", "exp", "typ"],
      });
    } catch (e) {
      if (e instanceof KeysUnavailableError) {
        throw e;
      }
      throw new InvalidTokenError(reason(e), { cause: e });
    }
    const payload = result.payload as AccessTokenClaims;
    if (typeof payload.typ !== "string" || !this.types.has(payload.typ)) {
      throw new InvalidTokenError(`not an access token: typ is ${String(payload.typ)}, expected ${[...this.types].join(" or ")}`);
    }
    if (payload["cnf"] !== undefined && !this.acceptSenderConstrained) {
      throw new InvalidTokenError("sender-constrained token (cnf): its binding is not validated here");
    }
    return { payload, header: result.protectedHeader };
  }
}

function reason(e: unknown): string {
  if (e instanceof errors.JWTExpired) {
    return "token expired";
  }
  if (e instanceof errors.JWKSNoMatchingKey) {
    return "no matching key in the realm's key set";
  }
  if (e instanceof errors.JOSEError) {
    return e.message;
  }
  return "malformed token";
}

export function split(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}
