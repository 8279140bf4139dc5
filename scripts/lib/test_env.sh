#!/usr/bin/env bash
# The PostgreSQL server the tests use: the machine's cluster on 127.0.0.1:5432, started if it is
# down, with a dedicated `gantry_test` role (password auth works on a stock Debian install) that
# may create the per-test databases.
set -euo pipefail

GANTRY_TEST_DATABASE_URL="${GANTRY_TEST_DATABASE_URL:-postgres://gantry_test:gantry_test@127.0.0.1:5432/gantry_test}"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

ensure_test_database() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n1)
    log "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  as_postgres psql -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
select 'create role gantry_test login createdb password ''gantry_test'''
where not exists (select 1 from pg_roles where rolname = 'gantry_test') \gexec
select 'create database gantry_test owner gantry_test'
where not exists (select 1 from pg_database where datname = 'gantry_test') \gexec
SQL
}
