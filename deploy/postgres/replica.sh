#!/usr/bin/env bash
# The hot standby's entrypoint (compose.yaml, service db-replica). On first start, with an empty data directory,
# it copies the primary with pg_basebackup -R (which writes standby.signal and primary_conninfo), then starts
# PostgreSQL as the postgres image always does. Later starts find the copy and resume streaming from the slot.
set -euo pipefail
: "${POSTGRES_REPLICATION_PASSWORD:?set POSTGRES_REPLICATION_PASSWORD (deploy/compose.env.example)}"
PRIMARY_HOST="${PRIMARY_HOST:-db}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  # Copied beside PGDATA and moved in place whole: a copy cut short is never taken for a data directory.
  partial="$PGDATA.partial"
  rm -rf "$partial"
  mkdir -p "$partial"
  chown postgres:postgres "$partial" "$(dirname "$PGDATA")"
  chmod 0700 "$partial"
  until gosu postgres pg_isready --host="$PRIMARY_HOST" --quiet; do
    echo "replica: waiting for the primary at $PRIMARY_HOST"
    sleep 2
  done
  echo "replica: copying the primary (pg_basebackup)"
  PGPASSWORD="$POSTGRES_REPLICATION_PASSWORD" gosu postgres pg_basebackup --host="$PRIMARY_HOST" \
    --username=replicator --pgdata="$partial" --wal-method=stream --slot=replica1 \
    --write-recovery-conf --checkpoint=fast --progress
  rm -rf "$PGDATA"
  mv "$partial" "$PGDATA"
fi

exec docker-entrypoint.sh "$@"
