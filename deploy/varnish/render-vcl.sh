#!/bin/sh
# Writes the shipped deploy/varnish.vcl with this deployment's names: its app servers, the site's host name and
# the network allowed to purge. The rest of the VCL (what is cached, how purges work) stays as shipped.
#   EDGE_BACKENDS  space-separated host:port of the app servers   (default: 127.0.0.1:8000)
#   EDGE_HOSTS     space-separated host names the site answers to (its ALLOWED_HOSTS; the first is the
#                  health probe's Host)                             (default: news.example.com)
#   EDGE_PURGERS   space-separated addresses or networks (a/b) that may purge (default: none besides localhost)
# Usage: render-vcl.sh SHIPPED.vcl > OUT.vcl
set -eu
shipped=$1
backends=${EDGE_BACKENDS:-127.0.0.1:8000}
hosts=${EDGE_HOSTS:-news.example.com}
purgers=${EDGE_PURGERS:-}

declarations=""
additions=""
n=0
for backend in $backends; do
  n=$((n + 1))
  declarations="${declarations}backend app_$n { .host = \"${backend%:*}\"; .port = \"${backend##*:}\"; .connect_timeout = 2s; .first_byte_timeout = 30s; .probe = healthz; }\\n"
  additions="${additions}    app.add_backend(app_$n);\\n"
done
acl=""
for purger in $purgers; do
  case $purger in
    */*) acl="${acl}    \"${purger%/*}\"/${purger##*/};\\n" ;;
    *) acl="${acl}    \"$purger\";\\n" ;;
  esac
done
probe_host=${hosts%% *}
alternatives=$(printf '%s' "$hosts" | sed -e 's/\./\\\\./g' -e 's/  */|/g')

sed -e "/^backend app_1 /c\\$declarations" \
    -e "/^    app.add_backend(app_1);/c\\$additions" \
    -e "s/Host: news\\.example\\.com/Host: $probe_host/" \
    -e "s/\\^(news\\\\\\.example\\\\\\.com)/^($alternatives)/" \
    -e "/^acl purgers {/a\\$acl" \
    "$shipped"
