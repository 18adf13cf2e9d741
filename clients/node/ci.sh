#!/usr/bin/env bash
# The Node package (clients/node), as CI runs it: the locked dependencies (npm ci), the TypeScript build and the check
# of the shipped declarations against Express, Fastify, express-jwt and prom-client, then every test with node --test
# (all conformance cases of revocation-contract/conformance, the follower against private redis-servers, the
# verifier against a local JWKS server, the middleware, the Fastify plugin and the README's examples).
# Needs Node >= 20 with npm, redis-server on the PATH, and the npm registry. Usage: clients/node/ci.sh
set -euo pipefail
cd "$(dirname "$0")"
started=$(date +%s)
echo "[node] $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund --loglevel=error
echo "[node] tsc: build"
npm run --silent build
echo "[node] tsc: the shipped declarations as an application uses them"
npm run --silent typecheck
echo "[node] node --test"
npm test --silent
echo "[node] passed in $(( $(date +%s) - started )) s"
