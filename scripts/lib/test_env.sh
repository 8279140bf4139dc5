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

# A private Docker engine for the container tests (no registry is reachable: images are built
# locally, FROM scratch with a static busybox). Reused while it answers; its socket path stays
# short because Unix socket paths are limited to ~100 bytes.
GANTRY_TEST_DOCKER_DIR="${GANTRY_TEST_DOCKER_DIR:-/tmp/gantry-docker}"
GANTRY_TEST_DOCKER_HOST="unix://$GANTRY_TEST_DOCKER_DIR/docker.sock"
GANTRY_TEST_BASE_IMAGE="gantry-test/busybox:1"

ensure_test_docker() {
  local dir=$GANTRY_TEST_DOCKER_DIR
  if ! docker -H "$GANTRY_TEST_DOCKER_HOST" info >/dev/null 2>&1; then
    log "starting a private Docker engine in $dir"
    as_root mkdir -p "$dir"
    as_root sh -c "setsid nohup dockerd --host '$GANTRY_TEST_DOCKER_HOST' --data-root '$dir/data' --exec-root '$dir/exec' \
      --pidfile '$dir/docker.pid' --iptables=false --bridge=none --storage-driver=vfs >'$dir/dockerd.log' 2>&1 &"
    for _ in $(seq 1 60); do docker -H "$GANTRY_TEST_DOCKER_HOST" info >/dev/null 2>&1 && break; sleep 0.5; done
    docker -H "$GANTRY_TEST_DOCKER_HOST" info >/dev/null || { cat "$dir/dockerd.log"; return 1; }
    as_root chmod 666 "$dir/docker.sock"
  fi
  if ! docker -H "$GANTRY_TEST_DOCKER_HOST" image inspect "$GANTRY_TEST_BASE_IMAGE" >/dev/null 2>&1; then
    local context
    context=$(mktemp -d)
    cp /bin/busybox "$context/busybox"
    printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nCMD ["/bin/sh"]\n' >"$context/Dockerfile"
    docker -H "$GANTRY_TEST_DOCKER_HOST" build -q -t "$GANTRY_TEST_BASE_IMAGE" "$context" >/dev/null
    rm -rf "$context"
  fi
  export GANTRY_TEST_DOCKER_HOST GANTRY_TEST_BASE_IMAGE
}
