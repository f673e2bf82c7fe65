#!/usr/bin/env bash
# Before `npm test` on a fresh clone: Node 24, system packages and services, and dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
bash scripts/provision.sh
[ -d node_modules/.bin ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
