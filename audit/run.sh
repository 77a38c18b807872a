#!/usr/bin/env bash
# `make audit`: bandit over the code, then sqlmap and wapiti against a throwaway copy of the site served by
# granian on 127.0.0.1 (a seeded SQLite file, production settings: DEBUG off, hashed static files). Never any
# other host. Raw outputs go to audit/raw/ (git-ignored); audit/results.md sums them up; audit/findings.md (by
# hand) explains every finding left. Bounded: AUDIT_SECONDS per scanner run (default 240).
# AUDIT_ONLY=wapiti (or sqlmap, bandit) runs one tool again, keeping the others' raw outputs.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
TOOLS=audit/.venv/bin
SECONDS_EACH="${AUDIT_SECONDS:-240}"
RAW=audit/raw
ONLY="${AUDIT_ONLY:-}"
run() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }
if [ -z "$ONLY" ]; then rm -rf "$RAW"; fi
mkdir -p "$RAW"
WORK="$(mktemp -d /tmp/newsroom-audit.XXXXXX)"
PORT="$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"

export DEBUG=0 SECRET_KEY="audit-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 NEWSROOM_SERVE_MEDIA=1 NEWSROOM_TASKS=immediate \
  DATABASE_URL="sqlite:///$WORK/audit.sqlite3" STATIC_ROOT="$WORK/static" MEDIA_ROOT="$WORK/media"
# The scanners' thousands of requests must reach the code they probe, not the throttles in front of it
# (those have tests of their own): the sign-in, vote and view limits are lifted in this throwaway copy.
export NEWSROOM_LOGIN_FAILURES_PER_CLIENT=1000000000 NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT=1000000000 \
  NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=1000000000 NEWSROOM_VOTE_RATE_LIMIT=1000000000 \
  NEWSROOM_VOTE_ARTICLE_LIMIT=1000000000 NEWSROOM_VIEW_ARTICLE_LIMIT=1000000000 NEWSROOM_BEACON_RATE_LIMIT=1000000000
unset REDIS_URL

if run bandit; then
  echo "== bandit (articles/, newsroom/)"
  $TOOLS/bandit -r articles newsroom -x '*/migrations/*' -f json -o "$RAW/bandit.json" -q
  $TOOLS/bandit -r articles newsroom -x '*/migrations/*' -f txt -o "$RAW/bandit.txt" -q
fi
[ "$ONLY" = bandit ] && { $PY audit/summarise.py "$RAW" > audit/results.md; exit 0; }

echo "== a throwaway site in $WORK"
$PY manage.py migrate --noinput -v0 && $PY manage.py collectstatic --noinput -v0 && \
  $PY manage.py seed_demo --articles 60 --images 4 -v0 || exit 1
set -a; . deploy/granian.env; set +a
GRANIAN_HOST=127.0.0.1 GRANIAN_PORT="$PORT" GRANIAN_WORKERS=2 GRANIAN_LOG_LEVEL=error \
  $PY -m granian newsroom.wsgi:application & SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 60); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.5; done
ARTICLE="$(DJANGO_SETTINGS_MODULE=newsroom.settings $PY -c "import django; django.setup(); from articles.models import Article; a = Article.objects.published().first(); print(a.get_absolute_url(), a.pk, a.section.slug, a.tags.first().slug)" 2>/dev/null)"
read -r ARTICLE_URL ARTICLE_PK SECTION TAG <<<"$ARTICLE"
echo "   serving $BASE (article $ARTICLE_URL, section $SECTION, tag $TAG)"

if run sqlmap; then
rm -rf "$RAW/sqlmap" "$RAW/sqlmap.log"
echo "== sqlmap (each reader parameter, GET and the vote POST)"
for target in "$BASE/search/?q=harbour&page=1" "$BASE/latest/?page=1" "$BASE/section/$SECTION/?page=1" \
  "$BASE/tag/$TAG/?page=1" "$BASE$ARTICLE_URL?utm=1" "$BASE/admin/login/?next=/admin/"; do
  timeout "$SECONDS_EACH" $TOOLS/sqlmap -u "$target" --batch --level 2 --risk 1 --threads 2 --random-agent \
    --output-dir "$RAW/sqlmap" --answers="follow=N" >>"$RAW/sqlmap.log" 2>&1
done
# As the site's own page sends it (Sec-Fetch-Site: same-origin): without it the vote is answered by the
# "confirm your vote" page before `action` reaches the vote code.
timeout "$SECONDS_EACH" $TOOLS/sqlmap -u "$BASE/news/$ARTICLE_PK/vote/" --data "action=vote" --batch --level 2 \
  --headers "Sec-Fetch-Site: same-origin" --risk 1 --threads 2 --output-dir "$RAW/sqlmap" >>"$RAW/sqlmap.log" 2>&1
# The sign-in form with a fresh CSRF token for every request (without one each POST is a 403 before the
# sign-in code runs, and sqlmap would be testing the CSRF check).
timeout "$SECONDS_EACH" $TOOLS/sqlmap -u "$BASE/admin/login/" --data "csrfmiddlewaretoken=x&username=editor&password=x" \
  --csrf-token csrfmiddlewaretoken --csrf-url "$BASE/admin/login/" --skip csrfmiddlewaretoken --batch \
  --level 2 --risk 1 --threads 1 --output-dir "$RAW/sqlmap" >>"$RAW/sqlmap.log" 2>&1
fi

run wapiti && echo "== wapiti (crawl from / and the admin login; its default modules with csrf and crlf)"
# Not ssrf: it asks a server of wapiti's own on the internet (wapiti3.ovh) for its results, and nothing here
# may leave 127.0.0.1.
run wapiti && timeout "$((SECONDS_EACH * 6))" $TOOLS/wapiti -u "$BASE/" -s "$BASE/admin/login/" --scope folder \
  -m "common,csrf,crlf,-ssrf" --max-scan-time "$SECONDS_EACH" --max-attack-time "$((SECONDS_EACH / 4))" \
  --max-links-per-page 40 --flush-session \
  -f json -o "$RAW/wapiti.json" --no-bugreport >"$RAW/wapiti.log" 2>&1

echo "== audit/results.md"
$PY audit/summarise.py "$RAW" > audit/results.md
cat audit/results.md
