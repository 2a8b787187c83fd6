#!/usr/bin/env bash
# Installs, checks and tests everything: set-up, type checks, lint + format, the build, the native
# addon's own tests, training/'s CPU tests, then every Node test (the last lines are its summary).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s (at %d s)\n' "$*" "$SECONDS"; }

# training/'s CPU tests (mostly ONNX exports, ~90 s) need only Debian's packages: they run beside the
# rest of the set-up (npm ci waits on the registry) and the checks below, which are single-threaded
# node processes, so the two cores both work. Their output is printed in its own step.
bash scripts/setup.sh --with-test-tools --debian-only
pytest_log="$(mktemp)"
pytest_tmp="$(mktemp -d)" # its own base temp, removed below: pytest keeps its last three (~1.4 GB each)
/usr/bin/python3 -m pytest -q -p no:cacheprovider --basetemp "$pytest_tmp" training/tests >"$pytest_log" 2>&1 &
pytest_pid=$!
trap 'kill "$pytest_pid" 2>/dev/null || true' EXIT # a failed check ends the run: not the tests
bash scripts/setup.sh --with-test-tools
# The fixtures PyTorch makes (estimator packs, the tiny diffusion pack: ~70 s, cached until training/
# changes) are made here, beside the checks, instead of while the node tests wait for them.
fixture_log="$(mktemp)"
setsid npx tsx tests/support/prepare-fixtures.ts >"$fixture_log" 2>&1 & # its own group: killed whole
fixture_pid=$!
trap 'kill "$pytest_pid" 2>/dev/null || true; kill -- "-$fixture_pid" 2>/dev/null || true' EXIT # set -e holds in the trap too

step "type checks"
npx tsc -p tsconfig.node.json --noEmit
npx vue-tsc -p tsconfig.web.json --noEmit

step "lint and format"
npx eslint --max-warnings 0 .
npx prettier --check .

step "build (electron-vite)"
# one build for the whole run: the studio's browser tests and the bundle test share it (read-only)
export GEN3D_TEST_APP_BUILD="$PWD/test-output/app-build" # absolute: the renderer's outDir resolves from src-renderer/
rm -rf "$GEN3D_TEST_APP_BUILD"
npx electron-vite build --outDir "$GEN3D_TEST_APP_BUILD"

step "native core tests (ctest)"
ctest --test-dir native/build --output-on-failure

step "training CPU tests (Debian python3-torch, /usr/bin/python3; started with the set-up)"
pytest_rc=0
wait "$pytest_pid" || pytest_rc=$?
cat "$pytest_log"
rm -f "$pytest_log"
[ "${KEEP_TEST_OUTPUT:-}" = 1 ] || rm -rf "$pytest_tmp"
[ "$pytest_rc" = 0 ] || { echo "training tests failed (exit $pytest_rc)"; exit "$pytest_rc"; }

step "node tests"
# a fixture that failed is said again by the tests that need it; the log is shown here
wait "$fixture_pid" || true
cat "$fixture_log"
rm -f "$fixture_log"
# the CLIs the tests run log somewhere of their own, not into the user's ~/.gen3dface
export GEN3D_LOG_FILE="${GEN3D_LOG_FILE:-$(mktemp -d)/gen3dface.log}"
mapfile -t files < <(find tests -name '*.test.ts' -not -path '*/node_modules/*' | sort)
# Two test files at a time (node's default is one per core minus one: one here): most files spend
# their time waiting on child processes — the CLI's engine, Chromium, Blender, redis — so the two
# cores both work. Measured on this 2-core machine: node tests 770–831 s against ~1075 s one at a
# time (2026-12-03); a third at a time only slowed them (1153 s against 1142 s, with timed-out tests),
# and starting the longest files first gained nothing (1090 s against 1042–1056 s).
node --import tsx --test --test-concurrency="${GEN3D_TEST_CONCURRENCY:-2}" "${files[@]}"
