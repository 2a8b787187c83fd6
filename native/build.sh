#!/usr/bin/env bash
# Builds the native core, its C++ tests/bench and the Node-API addon into native/build/ and leaves
# the addon at native/build/gen3d_native.node. Idempotent: an up-to-date tree only re-checks.
#   native/build.sh [--no-cuda] [--cuda] [--test]
#     --no-cuda  CPU backend only (fast compile); --cuda forces it back on (default: on if nvcc found)
#     --test     run the C++ tests (ctest) after building
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build="$here/build"
cuda=ON
run_tests=0
for arg in "$@"; do
  case "$arg" in
    --no-cuda) cuda=OFF ;;
    --cuda) cuda=ON ;;
    --test) run_tests=1 ;;
    *) echo "usage: native/build.sh [--no-cuda] [--cuda] [--test]" >&2; exit 2 ;;
  esac
done

start=$(date +%s)
# Node-API headers come from node_modules (node-api-headers + node-addon-api): nothing is downloaded.
include_dirs=""
if command -v node >/dev/null 2>&1; then
  include_dirs="$(cd "$root" && node -p "const p=require('path');[require('node-api-headers').include_dir, p.resolve(require('node-addon-api').include_dir.replace(/^\"|\"$/g,''))].join(';')" 2>/dev/null || true)"
fi
[ -n "$include_dirs" ] || echo "build.sh: node-api-headers/node-addon-api not found: building the core without the addon" >&2

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
wanted="cuda=$cuda;inc=$include_dirs"
stamp="$build/.gen3d-config"
if [ ! -f "$build/CMakeCache.txt" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "build.sh: configuring native/build (GEN3D_CUDA=$cuda)"
  mkdir -p "$build"
  cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DGEN3D_CUDA="$cuda" \
    -DNODE_API_INCLUDE_DIRS="$include_dirs" >"$build/configure.log" 2>&1 || {
    cat "$build/configure.log" >&2
    exit 1
  }
  grep -E "gen3d:" "$build/configure.log" | sed 's/^-- /build.sh: /' || true
  echo "$wanted" >"$stamp"
else
  echo "build.sh: native/build already configured (GEN3D_CUDA=$cuda)"
fi

jobs="$(nproc 2>/dev/null || echo 2)"
log="$build/build.log"
if ! cmake --build "$build" -j "$jobs" >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
steps=$(grep -cE '^\[[0-9]+/[0-9]+\]' "$log" || true)
if grep -q "no work to do" "$log"; then
  echo "build.sh: up to date, nothing rebuilt"
else
  echo "build.sh: built ${steps} step(s) (log: native/build/build.log)"
fi
if [ -f "$build/gen3d_native.node" ]; then
  echo "build.sh: addon at native/build/gen3d_native.node"
fi
if [ "$run_tests" = 1 ]; then
  (cd "$build" && ctest --output-on-failure)
fi
echo "build.sh: done in $(( $(date +%s) - start )) s"
