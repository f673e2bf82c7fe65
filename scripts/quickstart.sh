#!/usr/bin/env bash
# `npm run quickstart`: from a fresh clone to CivicQ running with demo data.
# Installs Node 24 (if the machine's is older), the system parts (PostgreSQL + pgvector, Redis,
# ffmpeg), dependencies; creates .env from .env.example; creates, migrates and seeds the
# database; builds; then runs the web app and the worker together until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
CIVICQ_RUNTIME_ONLY=1 bash scripts/provision.sh
[ -d node_modules/.bin ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
[ -f .env ] || { cp .env.example .env; echo "civicq: wrote .env from .env.example"; }

npx tsx db/cli.ts create
npx tsx db/cli.ts migrate
npx tsx db/cli.ts seed
npm run build --silent

# The processes read .env themselves (variables already exported win).
port="${PORT:-$(sed -n 's/^PORT=//p' .env | tail -n1)}"
node --enable-source-maps build/server.js & app=$!
node --max-semi-space-size=8 --max-old-space-size=192 --enable-source-maps build/worker.js & worker=$!
trap 'kill -TERM $app $worker 2>/dev/null; wait $app $worker 2>/dev/null' INT TERM EXIT

url="http://localhost:${port:-3000}"
for _ in $(seq 1 60); do curl -fs "$url/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
cat <<MSG

  CivicQ is running at $url  (web app pid $app, worker pid $worker; Ctrl-C stops both)
  Health: $url/healthz   Readiness: $url/readyz

  Demo logins (also in db/seeds/demo-accounts.json; TOTP secrets there for MFA roles):
$(node -e 'for (const a of JSON.parse(require("fs").readFileSync("db/seeds/demo-accounts.json","utf8"))) console.log(`    ${a.role.padEnd(10)} ${a.email.padEnd(28)} ${a.password}`)')

MSG
wait -n $app $worker
