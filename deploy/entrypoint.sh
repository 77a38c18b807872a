#!/usr/bin/env bash
# Starts one Newsroom role: the container image's ENTRYPOINT (Dockerfile) and the systemd units' ExecStart
# (deploy/systemd/), so both stacks run the same steps. Settings come from the environment (README).
#
#   entrypoint.sh web            migrate (unless NEWSROOM_MIGRATE=0), demo content if DEMO_CONTENT=1 and the
#                                database is empty, then granian with deploy/granian.env (what `make serve` does)
#   entrypoint.sh worker         the task worker: image renditions off the request (manage.py db_worker)
#   entrypoint.sh scheduler      the scheduled commands on their intervals (deploy/scheduler.py)
#   entrypoint.sh migrate        migrations only (a one-off before starting several web servers)
#   entrypoint.sh build-static   collectstatic with a throwaway key (the image build; no database needed)
#   entrypoint.sh manage ARGS…   any manage.py command, e.g. `manage createsuperuser`
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python}"
ROLE_FILE="${NEWSROOM_ROLE_FILE:-/tmp/newsroom-role}"

die() {
  printf 'entrypoint: %s\n' "$*" >&2
  exit 64
}

# Fail with a sentence a newcomer can act on, before Django's longer message.
require_settings() {
  [ -n "${SECRET_KEY:-}" ] || die "SECRET_KEY is not set. Put a random string of 50+ characters in the environment \
(compose: SECRET_KEY in .env, from deploy/compose.env.example; systemd: /etc/newsroom/newsroom.env), e.g. the \
output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
  [ -n "${ALLOWED_HOSTS:-}" ] || die "ALLOWED_HOSTS is not set: the comma-separated host names the site answers to."
}

# deploy/granian.env supplies every GRANIAN_* setting the environment does not (as `make serve` does).
load_granian_defaults() {
  local name value
  while IFS='=' read -r name value; do
    case "$name" in '' | \#*) continue ;; esac
    [ -n "${!name:-}" ] || export "$name=$value"
  done <deploy/granian.env
  export GRANIAN_WORKERS="${GRANIAN_WORKERS:-$(nproc)}"
}

role="${1:-web}"
[ $# -gt 0 ] && shift
case "$role" in
  web | worker | scheduler) printf '%s\n' "$role" >"$ROLE_FILE" 2>/dev/null || true ;; # deploy/healthcheck.py
esac

case "$role" in
  web)
    require_settings
    if [ "${NEWSROOM_MIGRATE:-1}" = 1 ]; then
      "$PYTHON" manage.py migrate --noinput
    fi
    if [ "${DEMO_CONTENT:-0}" = 1 ]; then
      "$PYTHON" manage.py seed_demo --if-empty
    fi
    load_granian_defaults
    exec "$PYTHON" -m granian "$@" newsroom.wsgi:application
    ;;
  worker)
    require_settings
    exec "$PYTHON" manage.py db_worker --no-reload "$@"
    ;;
  scheduler)
    require_settings
    exec "$PYTHON" deploy/scheduler.py "$@"
    ;;
  migrate)
    require_settings
    exec "$PYTHON" manage.py migrate --noinput "$@"
    ;;
  build-static)
    # The key only lets settings load for collectstatic; it is never stored in the image or used to sign.
    SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')" DEBUG=0 \
      ALLOWED_HOSTS=build.invalid exec "$PYTHON" manage.py collectstatic --noinput -v0 "$@"
    ;;
  manage)
    require_settings
    exec "$PYTHON" manage.py "$@"
    ;;
  *)
    die "unknown role '$role': web, worker, scheduler, migrate, build-static or manage"
    ;;
esac
