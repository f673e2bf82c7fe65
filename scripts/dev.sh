#!/usr/bin/env bash
# `npm run dev`: rebuilds the Remix app on change and restarts the server and worker with tsx.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
npx remix build
npx remix watch & watcher=$!
npx tsx watch --clear-screen=false server.ts & app=$!
npx tsx watch --clear-screen=false worker/index.ts & worker=$!
trap 'kill $watcher $app $worker 2>/dev/null' INT TERM EXIT
wait -n
