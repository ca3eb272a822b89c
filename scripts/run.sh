#!/usr/bin/env bash
# Run the whole app on the embedded defaults: Redis, migrations, first admin, web and worker.
# Ctrl-C stops everything this script started. Running it again reuses what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
mkdir -p instance
[ -f .env ] && { set -a; . ./.env; set +a; }
export FLASK_APP=wsgi.py
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export REDIS_URL

pids=()
redis_pid=""
stop() {
  trap - INT TERM EXIT
  echo; echo "==> stopping"
  # Web and worker first (the worker says goodbye to Redis), then the Redis we started.
  [ ${#pids[@]} -gt 0 ] && { kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; }
  [ -n "$redis_pid" ] && { kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; }
}
trap stop INT TERM EXIT

redis_up() { .venv/bin/python -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()" "$REDIS_URL" 2>/dev/null; }
if redis_up; then
  echo "==> using the Redis already running at $REDIS_URL"
else
  scripts/system-packages.sh redis-server
  redis_port=$(.venv/bin/python -c "from urllib.parse import urlparse; import sys; print(urlparse(sys.argv[1]).port or 6379)" "$REDIS_URL")
  mkdir -p instance/redis
  echo "==> starting redis-server on port $redis_port (data in instance/redis)"
  # Its own session, so Ctrl-C reaches only web and worker; stop() ends Redis after them.
  setsid redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$PWD/instance/redis" \
    --save 60 1 --daemonize no --logfile "$PWD/instance/redis/redis.log" &
  redis_pid=$!
  for _ in $(seq 50); do redis_up && break; sleep 0.1; done
  redis_up || { echo "Redis did not start; see instance/redis/redis.log"; exit 1; }
fi

echo "==> applying database migrations"
.venv/bin/flask db upgrade 2>&1 | grep -v "^INFO" || true
.venv/bin/flask users ensure-admin

echo "==> starting the worker"
.venv/bin/python worker.py &
pids+=($!)
echo "==> starting the web app"
.venv/bin/gunicorn --bind "$HOST:$PORT" --workers 2 --threads 4 --timeout 120 \
  --access-logfile - --error-logfile - wsgi:app &
pids+=($!)

echo
echo "    Campaign images is running at  http://$HOST:$PORT/   (Ctrl-C stops it)"
echo
wait -n "${pids[@]}" || true
echo "==> a process stopped; shutting down the rest"
