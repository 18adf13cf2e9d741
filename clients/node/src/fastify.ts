import type { KeycloakGuard } from "./guard.js";
import { refusalBody, scopesOf } from "./http.js";

/** The parts of a Fastify instance the plugin uses (typed structurally: no dependency on fastify's types). */
export interface FastifyInstanceLike {
  hasRequestDecorator(name: string): boolean;
  decorateRequest(name: string, value: unknown): unknown;
  addHook(name: "onRequest", hook: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>): unknown;
  addHook(name: "onClose", hook: () => Promise<void>): unknown;
}

export interface FastifyRequestLike {
  headers: Record<string, string | string[] | undefined>;
  auth?: unknown;
}

export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: unknown): unknown;
}

export interface FastifyPluginOptions {
  /** Scopes a token must carry, every one; without them: 403 `insufficient_scope`. */
  scope?: string | readonly string[] | undefined;
}

export type FastifyPluginLike = ((fastify: FastifyInstanceLike, options: FastifyPluginOptions) => Promise<void>) & {
  [key: symbol]: unknown;
};

export function fastifyPlugin(guard: KeycloakGuard): FastifyPluginLike {
  const plugin = (async (fastify: FastifyInstanceLike, options: FastifyPluginOptions) => {
    const scopes = scopesOf(options?.scope);
    await guard.start();
    fastify.addHook("onClose", () => guard.stop());
    if (!fastify.hasRequestDecorator("auth")) {
      fastify.decorateRequest("auth", null);
    }
    fastify.addHook("onRequest", async (request, reply) => {
      const header = request.headers["authorization"];
      const result = await guard.check(typeof header === "string" ? header : undefined, scopes);
      if (result.outcome === "accepted") {
        request.auth = result.claims;
        return undefined;
      }
      return reply.code(result.status).headers({ ...result.headers, "cache-control": "no-store" }).send(refusalBody(result));
    });
  }) as FastifyPluginLike;
  // What fastify-plugin sets: the hook applies to the context the plugin is registered in, not a child of it.
  plugin[Symbol.for("skip-override")] = true;
  plugin[Symbol.for("fastify.display-name")] = "keycloak-guard";
  return plugin;
}
