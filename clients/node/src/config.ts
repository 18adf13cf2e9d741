import type { FollowerRedisOptions } from "./client.js";
import type { Logger } from "./state.js";
import { split } from "./verifier.js";

/**
 * Everything KeycloakGuard needs. The names are the same in every language's package; each can also come from a
 * `KEYCLOAK_GUARD_*` environment variable (KeycloakGuard.fromEnv / settingsFromEnv):
 *
 * | option | environment variable | meaning |
 * | --- | --- | --- |
 * | issuer | KEYCLOAK_GUARD_ISSUER | the realm URL exactly as in the tokens' `iss` (required) |
 * | realm | KEYCLOAK_GUARD_REALM | realm name (default: the last part of issuer) |
 * | audience | KEYCLOAK_GUARD_AUDIENCE | accepted `aud` values, comma-separated; empty: any client of the realm (warned) |
 * | redisUrl | KEYCLOAK_GUARD_REDIS_URL | the Redis the pack writes the feed to (required) |
 * | keyPrefix | KEYCLOAK_GUARD_KEY_PREFIX | the pack's key-prefix option (default `kcguard:`) |
 * | staleAfter | KEYCLOAK_GUARD_STALE_AFTER | seconds (default 10): stale when the newest confirmed heartbeat is older |
 * | failClosed | KEYCLOAK_GUARD_FAIL_CLOSED | `true`: reject every token while the feed is stale or not loaded |
 * | jwksUrl | KEYCLOAK_GUARD_JWKS_URL | where to fetch the keys when Keycloak is reached under another address |
 * | leeway | KEYCLOAK_GUARD_LEEWAY | clock skew for exp/nbf, seconds (default 60) |
 * | readyTimeout | KEYCLOAK_GUARD_READY_TIMEOUT | seconds start() waits for the first snapshot (default 10) |
 * | acceptSenderConstrained | KEYCLOAK_GUARD_ACCEPT_SENDER_CONSTRAINED | accept `cnf`-bound tokens (the app validates the binding) |
 */
export interface KeycloakGuardOptions {
  issuer: string;
  realm?: string | undefined;
  audience?: string | readonly string[] | undefined;
  redisUrl?: string | undefined;
  keyPrefix?: string | undefined;
  staleAfter?: number | undefined;
  failClosed?: boolean | undefined;
  jwksUrl?: string | undefined;
  leeway?: number | undefined;
  readyTimeout?: number | undefined;
  acceptSenderConstrained?: boolean | undefined;
  /** Further ioredis options for the follower's connection (TLS, Sentinel). */
  redisOptions?: FollowerRedisOptions | undefined;
  /** Seconds between two fetches of the realm's keys at most (default 10). */
  jwksCooldown?: number | undefined;
  /** Seconds after which cached keys are refreshed in the background (default 86400). */
  jwksMaxAge?: number | undefined;
  /** Where warnings go (default: console). */
  logger?: Logger | undefined;
}

const PREFIX = "KEYCLOAK_GUARD_";
const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off", ""]);

/** The realm name in an issuer URL (`…/realms/<name>`), or null. */
export function realmOf(issuer: string): string | null {
  const m = /\/realms\/([^/]+)\/*$/.exec(issuer);
  return m === null ? null : decodeURIComponent(m[1]!);
}

/**
 * Options from `KEYCLOAK_GUARD_*` variables; `overrides` win over them. Throws a TypeError naming the variable when
 * one is malformed.
 */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env,
                                overrides: Partial<KeycloakGuardOptions> = {}): KeycloakGuardOptions {
  const get = (name: string): string | undefined => env[PREFIX + name]?.trim();
  const settings: Partial<KeycloakGuardOptions> = {};
  const text = { issuer: "ISSUER", realm: "REALM", redisUrl: "REDIS_URL", keyPrefix: "KEY_PREFIX", jwksUrl: "JWKS_URL" } as const;
  for (const [key, name] of Object.entries(text) as Array<[keyof typeof text, string]>) {
    const value = get(name);
    if (value) {
      settings[key] = value;
    }
  }
  const audience = get("AUDIENCE");
  if (audience !== undefined) {
    settings.audience = split(audience);
  }
  const numbers = { staleAfter: "STALE_AFTER", leeway: "LEEWAY", readyTimeout: "READY_TIMEOUT" } as const;
  for (const [key, name] of Object.entries(numbers) as Array<[keyof typeof numbers, string]>) {
    const value = get(name);
    if (value) {
      const n = Number(value);
      if (!Number.isFinite(n)) {
        throw new TypeError(`${PREFIX}${name} must be a number of seconds, not ${JSON.stringify(value)}`);
      }
      settings[key] = n;
    }
  }
  const flags = { failClosed: "FAIL_CLOSED", acceptSenderConstrained: "ACCEPT_SENDER_CONSTRAINED" } as const;
  for (const [key, name] of Object.entries(flags) as Array<[keyof typeof flags, string]>) {
    const value = get(name);
    if (value !== undefined) {
      const lowered = value.toLowerCase();
      if (!TRUE.has(lowered) && !FALSE.has(lowered)) {
        throw new TypeError(`${PREFIX}${name} must be true or false, not ${JSON.stringify(value)}`);
      }
      settings[key] = TRUE.has(lowered);
    }
  }
  const merged = { ...settings, ...overrides };
  if (!merged.issuer) {
    throw new TypeError(`issuer is required (${PREFIX}ISSUER), e.g. https://sso.example.com/realms/my-realm`);
  }
  return merged as KeycloakGuardOptions;
}
