#!/usr/bin/env bash
# Install what the project needs into .venv/ and node_modules/ (idempotent, fast when done).
# Usage: scripts/setup.sh [dev]   — "dev" adds the test and benchmark dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
# The app with its local moderation default (nudenet, optional in production), or for tests.
requirements=requirements-moderation.txt
[ "${1:-}" = dev ] && requirements=requirements-dev.txt

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($python --version)"
  "$python" -m venv .venv || { echo "Please install Python's venv module (Debian: apt-get install python3-venv)"; exit 1; }
fi
stamp=".venv/.installed-$(cat requirements*.txt | sha1sum | cut -c1-12)-$(basename $requirements .txt)"
if [ ! -f "$stamp" ]; then
  echo "==> installing Python packages from $requirements"
  # grep drops this machine's harmless "Location ... is ignored" notices from pip.config.
  .venv/bin/pip install --quiet --upgrade pip 2>&1 | { grep -v "^WARNING: Location" || true; }
  .venv/bin/pip install --quiet -r requirements.txt -r "$requirements" 2>&1 | { grep -v "^WARNING: Location" || true; }
  touch "$stamp"
fi

command -v npm >/dev/null || { echo "Please install Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
lock_stamp="node_modules/.installed-$(sha1sum package-lock.json | cut -c1-12)"
if [ ! -f "$lock_stamp" ]; then
  echo "==> installing front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$lock_stamp"
fi
# Front-end libraries are copied from node_modules at set-up, never committed.
mkdir -p static/vendor
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
