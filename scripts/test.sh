#!/usr/bin/env bash
# Run every test: installs what is needed, starts a throwaway Redis and PostgreSQL,
# runs the Node unit tests and the whole pytest suite (SQLite AND PostgreSQL, real
# headless Chromium), then stops the servers. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh dev
scripts/system-packages.sh redis-server postgresql chromium

work=$(mktemp -d /tmp/campaign-images-test.XXXXXX)
chmod 755 "$work"
pids=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [ -d "$work/pg" ] && as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port() { .venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"; }

redis_port=$(port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" --daemonize no &
pids+=($!)

pg_port=$(port)
mkdir -p "$work/pg" "$work/pgsock"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg" "$work/pgsock"
as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust --no-sync >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
  -o "-p $pg_port -k $work/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres campaign_test

export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$pg_port/campaign_test"
export TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
export REQUIRE_ALL_BACKENDS=1
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if compgen -G "static/js/tests/*.test.mjs" >/dev/null; then
  echo "==> Node unit tests"
  node --test static/js/tests/
fi
echo "==> pytest"
.venv/bin/python -m pytest "$@"
