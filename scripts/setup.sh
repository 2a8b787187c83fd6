#!/usr/bin/env bash
# Installs everything the studio needs on a fresh Debian machine, offline-safe: Debian packages the
# tests use, npm dependencies (without the downloads that fail here), and the native addon.
# Idempotent: each step is skipped when already done. Usage: bash scripts/setup.sh [--with-test-tools]
set -euo pipefail
cd "$(dirname "$0")/.."

# Electron's binary and onnxruntime-node's CUDA provider are downloads; skip both (package.json's
# allowScripts does the same for npm 11).
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip

want_test_tools=0
[ "${1:-}" = "--with-test-tools" ] && want_test_tools=1

apt_packages=(cmake g++)
if [ "$want_test_tools" = 1 ]; then
  # chromium: renderer tests; blender: import tests of exports; xvfb: a real window;
  # python3-torch/onnx: CPU tests of training/ (they belong to /usr/bin/python3).
  apt_packages+=(chromium xvfb blender python3-torch python3-onnx python3-numpy python3-pytest)
fi
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

if [ -f native/build.sh ]; then
  bash native/build.sh
fi
echo "setup: ready"
