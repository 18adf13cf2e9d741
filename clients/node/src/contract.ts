/**
 * The revocation feed's Redis contract v1, revision 2 (docs/revocation-contract.md): key names, stream ids, the
 * revocation record and the publisher heartbeat, parsed as tolerantly as the Java reference
 * (revocation-contract/src/main/java/io/keycloakguard/revocation/contract).
 */

/** The major version: the `v` field of every record and the `v1` in every key. */
export const CONTRACT_VERSION = 1;
/** The revision this package reads (2: kind `client`, the publisher heartbeat, per-realm data markers). */
export const CONTRACT_REVISION = 2;

/** The subject of a `user` revocation that covers every user of the realm. */
export const ALL_USERS = "*";

export type RevocationKind = "session" | "user" | "client-grant" | "token" | "client";

const KINDS: ReadonlySet<string> = new Set<RevocationKind>(["session", "user", "client-grant", "token", "client"]);

/** One revocation as the publisher writes it (a snapshot value or a stream entry). */
export interface Revocation {
  id: string;
  realm: string;
  kind: RevocationKind;
  subject: string;
  /** `client-grant` only: the client id (`azp`). */
  client: string | null;
  /** Epoch seconds: for `user`, `client-grant` and `client`, tokens issued at or before it are revoked. */
  time: number;
  /** Epoch seconds after which no token it covers can still be accepted. */
  exp: number;
  reason: string;
}

/** The publisher heartbeat of a realm (revision 2). */
export interface Heartbeat {
  /** Epoch ms: every revocation Keycloak committed before this is in the feed, at or before `stream`. */
  drainedTo: number;
  /** The stream's newest entry id when it was written (`0-0`: empty). */
  stream: string;
  written: number;
  node: string;
  /** The contract revision the publisher writes. */
  rev: number;
}

/** An entry a reader cannot apply: skipped and counted, never fatal. */
export class MalformedRevocationError extends Error {
  override name = "MalformedRevocationError";
}

/** The Redis keys of one realm's feed: `<prefix>rev:v1:{<realm>}:<name>`. */
export class RevocationKeys {
  readonly records: string;
  readonly expiry: string;
  readonly stream: string;
  readonly heartbeat: string;
  readonly epoch: string;

  constructor(readonly prefix: string, readonly realm: string) {
    const base = `${prefix}rev:v${CONTRACT_VERSION}:{${realm}}:`;
    this.records = base + "records";
    this.expiry = base + "expiry";
    this.stream = base + "stream";
    this.heartbeat = base + "heartbeat";
    this.epoch = base + "epoch";
  }
}

/** Before every entry: where a reader of an empty stream starts. */
export const ZERO_ID = "0-0";

const STREAM_ID = /^(\d+)(?:-(\d+))?$/;
const U64_MAX = (1n << 64n) - 1n;

function parseStreamId(id: unknown): [bigint, bigint] | null {
  if (typeof id !== "string") {
    return null;
  }
  const m = STREAM_ID.exec(id);
  if (m === null) {
    return null;
  }
  const ms = BigInt(m[1]!);
  const seq = m[2] === undefined ? 0n : BigInt(m[2]);
  return ms > U64_MAX || seq > U64_MAX ? null : [ms, seq];
}

/** Whether `id` is a stream id (`<ms>-<seq>` or `<ms>`). */
export function isStreamId(id: unknown): id is string {
  return parseStreamId(id) !== null;
}

/** Negative, zero or positive as `a` is before, equal to or after `b` (both valid ids). */
export function compareStreamIds(a: string, b: string): number {
  const x = parseStreamId(a);
  const y = parseStreamId(b);
  if (x === null || y === null) {
    throw new TypeError(`not a stream id: ${x === null ? a : b}`);
  }
  if (x[0] !== y[0]) {
    return x[0] < y[0] ? -1 : 1;
  }
  return x[1] === y[1] ? 0 : x[1] < y[1] ? -1 : 1;
}

type Field = (name: string) => unknown;

/** A value of the snapshot hash (JSON text). Throws MalformedRevocationError. */
export function revocationFromJson(text: unknown): Revocation {
  let json: unknown;
  try {
    json = typeof text === "string" ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new MalformedRevocationError("not a JSON object");
  }
  const o = json as Record<string, unknown>;
  return parse((name) => (Object.hasOwn(o, name) ? o[name] : undefined));
}

/** The fields of a stream entry (all strings, as Redis returns them). Throws MalformedRevocationError. */
export function revocationFromFields(fields: Readonly<Record<string, string | null | undefined>> | null | undefined): Revocation {
  if (fields == null) {
    throw new MalformedRevocationError("no fields");
  }
  return parse((name) => (Object.hasOwn(fields, name) ? fields[name] : undefined));
}

function parse(field: Field): Revocation {
  const v = field("v");
  if (v == null || String(v) !== String(CONTRACT_VERSION)) {
    throw new MalformedRevocationError(`unknown contract version: ${String(v)}`);
  }
  const kind = text(field, "kind");
  if (!KINDS.has(kind)) {
    throw new MalformedRevocationError(`unknown kind: ${kind}`);
  }
  const rawClient = field("client");
  const client = rawClient == null || String(rawClient) === "" ? null : String(rawClient);
  if (kind === "client-grant" && client === null) {
    throw new MalformedRevocationError("a client-grant revocation without a client");
  }
  const reason = field("reason");
  return {
    id: text(field, "id"),
    realm: text(field, "realm"),
    kind: kind as RevocationKind,
    subject: text(field, "subject"),
    client,
    time: integer(field, "time"),
    exp: integer(field, "exp"),
    reason: reason == null ? "" : String(reason),
  };
}

function text(field: Field, name: string): string {
  const value = field(name);
  if (value == null || String(value) === "") {
    throw new MalformedRevocationError(`missing field: ${name}`);
  }
  return String(value);
}

const INTEGER = /^[+-]?\d+$/;

function integer(field: Field, name: string): number {
  const value = field(name);
  if (typeof value === "number" && Number.isInteger(value)) {
    return value;
  }
  if (value == null) {
    throw new MalformedRevocationError(`missing field: ${name}`);
  }
  const s = String(value).trim();
  if (!INTEGER.test(s)) {
    throw new MalformedRevocationError(`not an integer: ${name}=${String(value)}`);
  }
  return Number(s);
}

/** The heartbeat hash as Redis returns it; null when there is none or it is malformed (no heartbeat). */
export function heartbeatFromFields(fields: Readonly<Record<string, string | null | undefined>> | null | undefined): Heartbeat | null {
  if (fields == null || Object.keys(fields).length === 0) {
    return null;
  }
  const stream = fields["stream"];
  if (!isStreamId(stream)) {
    return null;
  }
  const drainedTo = long(fields["drained_to"]);
  const written = fields["written"] == null ? 0 : long(fields["written"]);
  const rev = fields["rev"] == null ? 1 : long(fields["rev"]);
  if (drainedTo === null || written === null || rev === null) {
    return null;
  }
  return { drainedTo, stream, written, node: fields["node"] ?? "", rev };
}

function long(value: string | null | undefined): number | null {
  return typeof value === "string" && INTEGER.test(value) ? Number(value) : null;
}
