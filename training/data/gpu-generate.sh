#!/usr/bin/env bash
# On the GPU machine: builds the native addon with CUDA there, then makes the synthetic dataset with
# one generator process per CPU core (identities split by index; the result is the same as one
# process, identity by identity). Carry test-output/gpu-data (made by training/data/gpu-carry.sh).
#   bash training/data/gpu-generate.sh OUT_DIR COUNT [SEED] [VIEW_SIZE]
set -euo pipefail
out=$1 count=$2 seed=${3:-1} size=${4:-256}
carry=/tmp/gpu-data
mkdir -p "$carry" && cp test-output/gpu-data/make-synthetic-heads.mjs "$carry/"
[ -d "$carry/node_modules" ] || tar -C "$carry" -xJf test-output/gpu-data/node_modules.tar.xz
mkdir -p /tmp/devnode/bin
[ -x /tmp/devnode/bin/node ] || { xz -dc test-output/gpu-data/node.xz >/tmp/devnode/bin/node && chmod +x /tmp/devnode/bin/node; } # system-deps: optional (the GPU machine's xz)
export PATH=/tmp/devnode/bin:$PATH
start=$(date +%s)
inc="$carry/node_modules/node-api-headers/include;$carry/node_modules/node-addon-api"
cmake -S native -B /tmp/native-build -DCMAKE_BUILD_TYPE=Release -DGEN3D_CUDA=ON \
  -DNODE_API_INCLUDE_DIRS="$inc" >/tmp/native-configure.log 2>&1
cores=$(nproc)
built=0
cmake --build /tmp/native-build -j "$cores" >/tmp/native-build.log 2>&1 && built=1
if [ "$built" = 0 ]; then
  tail -20 /tmp/native-build.log
  exit 1
fi
addon=$(find /tmp/native-build -name gen3d_native.node | head -1)
echo "addon built in $(($(date +%s) - start)) s: $addon"
export GEN3D_NATIVE_ADDON=$addon GEN3D_RESOURCES_DIR=$PWD/resources
workers=$(nproc)
per=$(((count + workers - 1) / workers))
mkdir -p "$out"
for w in $(seq 0 $((workers - 1))); do
  first=$((w * per)); n=$((count - first < per ? count - first : per))
  [ "$n" -gt 0 ] || break
  node "$carry/make-synthetic-heads.mjs" --out "$out" --seed "$seed" --start "$first" --count "$n" \
    --view-size "$size" --rig training/data/head360-rig.json >"/tmp/gen-$w.log" 2>&1 &
done
wait
echo "generated $(ls -d "$out"/id-* | wc -l) identities in $(($(date +%s) - start)) s;" \
  "without a prior: $(grep -l '"prior": null' "$out"/id-*/identity.json 2>/dev/null | wc -l)"
tail -q -n 1 /tmp/gen-*.log | head -3
