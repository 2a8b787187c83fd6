#!/usr/bin/env bash
# Installs everything the studio needs on a fresh Debian machine, offline-safe: Debian packages the
# tests use, npm dependencies (without the downloads that fail here), and the native addon.
# Idempotent: each step is skipped when already done.
# Usage: bash scripts/setup.sh [--with-test-tools] [--debian-only]
set -euo pipefail
cd "$(dirname "$0")/.."

# Electron's binary and onnxruntime-node's CUDA provider are downloads; skip both (package.json's
# allowScripts does the same for npm 11).
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip

want_test_tools=0
debian_only=0
for arg in "$@"; do
  case "$arg" in
    --with-test-tools) want_test_tools=1 ;;
    --debian-only) debian_only=1 ;; # what training/'s tests need: test.sh starts them early
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

# Which Debian packages, and why, is data: scripts/debian-packages.txt (its test keeps it complete).
groups="build"
[ "$want_test_tools" = 1 ] && groups="build test"
mapfile -t apt_packages < <(awk -v groups=" $groups " \
  '!/^#/ && NF >= 2 && index(groups, " " $2 " ") { print $1 }' scripts/debian-packages.txt)
missing=()
for p in "${apt_packages[@]}"; do
  # "ii" only: a removed package keeps its config files, and `dpkg -s` still answers 0 for it.
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" = "ii " ] || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "$debian_only" = 1 ] && exit 0

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

if [ -f native/build.sh ]; then
  bash native/build.sh
fi
echo "setup: ready"
