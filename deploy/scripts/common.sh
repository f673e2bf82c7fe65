# Shared by deploy/scripts/backup and deploy/scripts/restore (sourced, not run).

die() {
  echo "civicq: $*" >&2
  exit 1
}

# A setting from the environment, else from ./.env (where the app reads it too), else $2.
setting() {
  local name="$1" value="${!1:-}"
  if [ -z "$value" ] && [ -f .env ]; then
    value="$(sed -n "s/^${name}=//p" .env | tail -n 1)"
    value="${value#\"}" value="${value%\"}"
  fi
  printf '%s' "${value:-${2:-}}"
}

# node-postgres's sslmode=no-verify (encrypted, server not verified: how deploy/aws connects to
# RDS) is libpq's sslmode=require; libpq refuses the former.
libpq_url() {
  printf '%s' "${1//sslmode=no-verify/sslmode=require}"
}

# The URL without its password, for messages and backup descriptions.
redact() {
  sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$1"
}
