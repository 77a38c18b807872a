#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (browser tests drive it through Playwright) and npm
# (installs axe-core, the accessibility checker the browser tests inject).
# Never downloads a browser build of its own; uses Debian's package.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(npm)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
# nginx runs deploy/nginx.conf in front of granian in tests/test_slow_body.py; java runs the W3C Nu validator
# (vnu-jar, package.json) in tests/test_html_valid.py.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
# varnish + varnish-modules (xkey): tests/test_edge.py runs deploy/varnish.vcl in front of granian.
command -v varnishd >/dev/null 2>&1 || [ -x /usr/sbin/varnishd ] || need+=(varnish)
dpkg -s varnish-modules >/dev/null 2>&1 || need+=(varnish-modules)
# redis-server: tests/test_redis_restart.py starts its own from deploy/redis.conf and kills it.
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# The deploy stack's files read by the tools that use them (tests/test_deploy_files.py, test_deploy_schedule.py):
# `docker-compose config` on compose.yaml, shellcheck on deploy/*.sh, `systemd-analyze verify` on deploy/systemd/.
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${need[*]}. Install them with: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
chromium --version
npm --version
