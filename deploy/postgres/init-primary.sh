#!/usr/bin/env bash
# Runs once, when the primary's data directory is created (the postgres image's /docker-entrypoint-initdb.d/):
# a role that may stream WAL, a replication slot per standby (the primary keeps the WAL a standby still needs,
# up to max_slot_wal_keep_size in compose.yaml), and a pg_hba line letting that role connect for replication.
set -euo pipefail
: "${POSTGRES_REPLICATION_PASSWORD:?set POSTGRES_REPLICATION_PASSWORD (deploy/compose.env.example)}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=password="$POSTGRES_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SELECT pg_create_physical_replication_slot('replica1');
SQL

# "all" in pg_hba.conf does not cover replication connections; they need a line of their own.
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
