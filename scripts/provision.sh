#!/usr/bin/env bash
# Installs and starts the system parts CivicQ needs on a Debian bookworm machine like ours:
# ffmpeg, the pgvector extension (built from Debian trixie's source), and for the tests chromium,
# nginx, docker-compose, promtool, wrk and sqlmap (skipped with CIVICQ_RUNTIME_ONLY=1); then makes sure
# PostgreSQL and Redis answer. Safe to run again: each step is skipped when done.
# Where it cannot act (not root, not Debian), it says exactly what to install instead.
set -euo pipefail
PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
need_apt=()
command -v ffmpeg >/dev/null || need_apt+=(ffmpeg)
if [ "${CIVICQ_RUNTIME_ONLY:-}" != 1 ]; then
  command -v chromium >/dev/null || need_apt+=(chromium)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
  command -v docker-compose >/dev/null || need_apt+=(docker-compose)
  # promtool checks deploy/monitoring's alert rules (Debian ships it in the prometheus package).
  command -v promtool >/dev/null || need_apt+=(prometheus)
  # wrk drives the page benchmarks (npm run bench); sqlmap probes the forms for injection (issue 9).
  command -v wrk >/dev/null || need_apt+=(wrk)
  command -v sqlmap >/dev/null || need_apt+=(sqlmap)
fi
command -v pg_ctlcluster >/dev/null || need_apt+=("postgresql-$PG_MAJOR")
command -v redis-server >/dev/null || need_apt+=(redis-server)
vector_control="$(/usr/lib/postgresql/$PG_MAJOR/bin/pg_config --sharedir 2>/dev/null || echo /usr/share/postgresql/$PG_MAJOR)/extension/vector.control"
[ -f "$vector_control" ] || need_apt+=("postgresql-server-dev-$PG_MAJOR" build-essential dpkg-dev)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

if [ ${#need_apt[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null || ! as_root true 2>/dev/null; then
    echo "civicq: please install: ${need_apt[*]} (and pgvector for PostgreSQL $PG_MAJOR), or set DATABASE_URL/REDIS_URL to servers that have them" >&2
    exit 1
  fi
  echo "civicq: apt-get install ${need_apt[*]}" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -f "$vector_control" ]; then
  # pgvector is not in bookworm: build trixie's source package against bookworm's server headers.
  # The mirror is read from the system's own apt sources; a private list and state dir keep the
  # system's apt configuration untouched.
  mirror="$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true) \
    | grep -E '^[[:space:]]*(deb|URIs:)' | grep -oE 'https?://[^ ]+' | grep -vE 'security|google|nodesource' | head -n1)"
  [ -n "$mirror" ] || { echo "civicq: no Debian mirror found in /etc/apt sources; install pgvector for PostgreSQL $PG_MAJOR by hand" >&2; exit 1; }
  work="$(mktemp -d)"
  mkdir -p "$work/lists/partial"
  echo "deb-src ${mirror%/} trixie main" > "$work/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$work/lists" -o "APT::Get::List-Cleanup=0" -o "APT::Sandbox::User=root")
  echo "civicq: building pgvector from Debian trixie source (${mirror%/})" >&2
  apt-get "${apt_opts[@]}" update -qq
  (cd "$work" && apt-get "${apt_opts[@]}" source --download-only -qq pgvector >/dev/null)
  (cd "$work" && dpkg-source -x --no-check "$(ls pgvector_*.dsc | head -n1)" src >/dev/null)
  make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" >/dev/null
  as_root make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" install >/dev/null
  rm -rf "$work"
fi

# PostgreSQL and Redis: start them when they do not answer (local URLs only).
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "civicq: starting PostgreSQL $PG_MAJOR" >&2
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "civicq: starting Redis" >&2
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/civicq.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "civicq: PostgreSQL does not answer at 127.0.0.1:5432; start it or set DATABASE_URL" >&2; exit 1; }
echo "civicq: system ready (ffmpeg, pgvector, PostgreSQL, Redis)" >&2
