#!/usr/bin/env bash
# Runs Debian's sqlmap (batch mode, level 3) against the main forms and query parameters of a
# locally running CivicQ (the built app, `npm run build`, on a freshly seeded database) and fails
# when it reports any injectable parameter. Each target is bounded (SQLMAP_TARGET_SECONDS), so
# the whole run takes a few minutes. Run by `npm run test:resilience`.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${SQLMAP_PORT:-3801}"
APP="http://127.0.0.1:$PORT"
POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB="civicq_sqlmap_$$"
DATABASE_URL="${POSTGRES_URL%/*}/$DB"
REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"
TARGET_SECONDS="${SQLMAP_TARGET_SECONDS:-120}"
WORK="$(mktemp -d)"
export DATABASE_URL REDIS_URL NODE_ENV=test LOG_LEVEL=error

cleanup() {
  [[ -n "${APP_PID:-}" ]] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
  psql "$POSTGRES_URL" -qc "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

psql "$POSTGRES_URL" -qc "create database $DB" >/dev/null
bash scripts/node24.sh npx tsx db/cli.ts migrate >/dev/null
bash scripts/node24.sh npx tsx db/cli.ts seed >/dev/null
PORT="$PORT" APP_URL="$APP" bash scripts/node24.sh node build/server.js >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 100); do curl -fso /dev/null "$APP/readyz" && break; sleep 0.2; done

# A signed-in session for each guarded target (the seeded admin: every console and admin page).
COOKIE="$(bash scripts/node24.sh npx tsx -e '(async () => {
  const { db } = await import("./app/lib/db.server.ts");
  const { startSession } = await import("./app/lib/session.server.ts");
  const admin = await db()("users").where({ email: "admin@demo.civicq.test" }).first("id");
  const { cookie } = await startSession({ userId: admin.id, mfaPassed: true, userHasMfa: true, ip: "127.0.0.1", userAgent: "sqlmap" });
  console.log(cookie.split(";")[0]);
  process.exit(0);
})()')"
QUESTION="$(psql "$DATABASE_URL" -tAc "select id from questions where status = 'published' limit 1")"
ELECTION="$(psql "$DATABASE_URL" -tAc "select slug from elections order by election_date limit 1")"
CONTEST_PATH="/elections/harbor-county/$ELECTION/sheriff"

# url | POST data (empty for GET) | cookie (empty: anonymous) | the parameters to test
TARGETS=(
  "$APP/ballot?address=95401|||address"
  "$APP$CONTEST_PATH?sort=top&page=1|||sort,page"
  "$APP/sign-in|email=voter%40example.test&password=harbor+county+demo+voter&redirectTo=%2F||email,password"
  "$APP/forgot-password|email=voter%40example.test||email"
  "$APP/admin/audit?actor=admin&action=auth&target=user&from=2026-01-01||$COOKIE|actor,action,target,from"
  "$APP$CONTEST_PATH/ask|body=Will+you+keep+the+harbor+clinic+open+at+night%3F&candidate=all&confirmed=1|$COOKIE|body,candidate"
)
injectable=0
for target in "${TARGETS[@]}"; do
  IFS='|' read -r url data cookie params <<<"$target"
  args=(-u "$url" -p "$params" --batch --level 3 --risk 1 --threads 10 --timeout 10 --retries 0 --time-sec 2
    --technique BEUS --dbms PostgreSQL --skip-waf --disable-coloring --flush-session --output-dir "$WORK/out"
    --headers "Origin: $APP")
  [[ -n "$data" ]] && args+=(--data "$data")
  [[ -n "$cookie" ]] && args+=(--cookie "$cookie")
  log="$WORK/$(echo "$url$data" | md5sum | cut -c1-8).log"
  status=0
  timeout "$TARGET_SECONDS" sqlmap "${args[@]}" >"$log" 2>&1 || status=$?
  tested="$( (grep -oE "(GET|POST) parameter '[^']+' (does not seem to be|is not) injectable" "$log" || true) | sort -u | wc -l)"
  requests="$(grep -oE "[0-9]+ HTTP\(s\) requests" "$log" | tail -1 || true)"
  if grep -qE "is vulnerable|sqlmap identified the following injection point" "$log"; then
    injectable=1
    echo "sqlmap: INJECTABLE ${data:+POST }$url"
    grep -E "Parameter:|Type:|Title:" "$log" | sed 's/^/    /'
  elif [[ $status -eq 124 ]]; then
    echo "sqlmap: nothing injectable in ${data:+POST }${url#"$APP"} ($tested of ${params//,/ } found not injectable before the ${TARGET_SECONDS}s bound)"
  else
    echo "sqlmap: nothing injectable in ${data:+POST }${url#"$APP"} ($tested of ${params//,/ } found not injectable${requests:+, $requests})"
  fi
done

if grep -q '"status":5' "$WORK/app.log"; then
  echo "sqlmap: the app answered 5xx during the scan:"
  grep '"status":5' "$WORK/app.log" | head -5
fi
if [[ $injectable -ne 0 ]]; then
  echo "sqlmap: injectable parameters found"
  exit 1
fi
echo "sqlmap: no injectable parameter in ${#TARGETS[@]} targets (level 3, risk 1, techniques BEUS, PostgreSQL payloads)"
