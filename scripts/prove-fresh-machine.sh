#!/usr/bin/env bash
# Proves the README's two commands on a fresh checkout: clones the committed tree into a temporary
# folder, gives it a throw-away HOME and npm cache, runs `npm run sample` then `npm test`, and prints
# each one's time and exit code. Optionally removes Debian packages first, so the set-up must
# install them again (what a new machine lacks).
#   scripts/prove-fresh-machine.sh [--remove "pkg …"] [--keep] [ref]
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
remove=""
keep=0
ref="HEAD"
while [ $# -gt 0 ]; do
  case "$1" in
    --remove) remove="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -*) echo "usage: scripts/prove-fresh-machine.sh [--remove \"pkg …\"] [--keep] [ref]" >&2; exit 2 ;;
    *) ref="$1"; shift ;;
  esac
done

work="$(mktemp -d /tmp/gen3d-fresh-XXXXXX)"
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/npm-cache"
git clone --quiet --no-local "$repo" "$work/repo"
git -C "$work/repo" checkout --quiet --detach "$ref"
echo "fresh machine: $(git -C "$work/repo" log -1 --format='%h %s' | cut -c1-100)"
echo "  clone $work/repo, HOME=$work/home, npm cache $work/npm-cache"

if [ -n "$remove" ]; then
  echo "  removing Debian packages first: $remove"
  # shellcheck disable=SC2086 # a list of package names
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq $remove >/dev/null 2>&1 || true
fi

# Nothing from this machine's user set-up may help: an empty HOME (npm's cache and config, caches
# of tools), no inherited npm settings.
run() {
  local name="$1" log="$work/$2.log"
  shift 2
  local start end rc
  start=$(date +%s)
  (cd "$work/repo" && env -u npm_config_prefix HOME="$work/home" npm_config_cache="$work/npm-cache" \
    XDG_CACHE_HOME="$work/home/.cache" XDG_CONFIG_HOME="$work/home/.config" "$@") >"$log" 2>&1
  rc=$?
  end=$(date +%s)
  printf '%-14s exit %-3s %5d s   (log: %s)\n' "$name" "$rc" "$((end - start))" "$log"
  if [ "$rc" != 0 ]; then tail -n 40 "$log" | sed 's/^/    | /'; fi
  results+=("$rc")
}

results=()
echo
run "npm run sample" sample npm run sample
run "npm test" test npm test
echo
grep -E '^# (tests|pass|fail|skipped)' "$work/test.log" | tr '\n' ' '
echo
[ "${results[0]}" = 0 ] && [ "${results[1]}" = 0 ]
