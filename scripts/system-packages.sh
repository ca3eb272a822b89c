#!/usr/bin/env bash
# Make sure Debian packages are installed: scripts/system-packages.sh redis-server postgresql chromium
# As root it installs what is missing; otherwise it says exactly what to install.
set -euo pipefail

present() {
  case "$1" in
    redis-server) command -v redis-server >/dev/null ;;
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ;;
    chromium) [ -x /usr/bin/chromium ] ;;
    *) dpkg -s "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
for package in "$@"; do present "$package" || missing+=("$package"); done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}"
  echo "Please install them, e.g.:  sudo apt-get install ${missing[*]}"
  exit 1
fi
