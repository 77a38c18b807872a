#!/usr/bin/env bash
# Lighthouse (mobile and desktop) on the reader pages of a served site: home, an article, a section, a search and
# an author page, found by following the site's own links. Writes docs/lighthouse.md.
#   make lighthouse                      # serves the demo in production mode on port 8123 and checks it
#   scripts/lighthouse.sh http://127.0.0.1:8000   # a site you already serve
# Lighthouse comes from the npm registry into .cache/lighthouse (not a dependency of the site or its tests);
# Chromium is Debian's (scripts/install-system-deps.sh). Run it on a quiet machine: performance is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${1:-http://127.0.0.1:8123}"
VERSION=12.8.2
TOOL=.cache/lighthouse
if [ ! -x "$TOOL/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$TOOL" && npm install --prefix "$TOOL" --no-audit --no-fund --loglevel=error "lighthouse@$VERSION"
fi
export CHROME_PATH="${CHROMIUM:-$(command -v chromium)}"
first_link() { curl -fsS "$BASE$1" | grep -o "href=\"/$2/[^\"]*\"" | sed -n 1p | cut -d'"' -f2; }
article=$(first_link / news)
pages=(/ "$article" "$(first_link / section)" "/search/?q=$(echo "$article" | cut -d/ -f3 | cut -d- -f1)" \
  "$(first_link "$article" author)")
out=$(mktemp -d)
{
  echo "# Lighthouse $VERSION on the reader pages"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC') · commit \`$(git rev-parse --short HEAD)\` · \`scripts/lighthouse.sh\` ($BASE, load average $(cut -d' ' -f1 /proc/loadavg))"
  echo
  echo "Search pages are \`noindex\` on purpose (results are not pages to rank), so their SEO score misses the"
  echo "crawlability audit alone."
  echo
  echo "| page | form factor | performance | accessibility | best practices | SEO |"
  echo "| --- | --- | ---: | ---: | ---: | ---: |"
  for page in "${pages[@]}"; do
    for form in mobile desktop; do
      preset=(); [ "$form" = desktop ] && preset=(--preset=desktop)
      report="$out/report.json"
      "$TOOL/node_modules/.bin/lighthouse" "$BASE$page" "${preset[@]}" --quiet --output=json --output-path="$report" \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update"
      python3 - "$report" "$page" "$form" <<'PY'
import json, sys
categories = json.load(open(sys.argv[1]))["categories"]
scores = [round(categories[c]["score"] * 100) for c in ("performance", "accessibility", "best-practices", "seo")]
print(f"| `{sys.argv[2]}` | {sys.argv[3]} | " + " | ".join(map(str, scores)) + " |")
PY
    done
  done
} | tee docs/lighthouse.md
rm -rf "$out"
