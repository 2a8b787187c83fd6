#!/usr/bin/env bash
# The main job end to end, headless: the bundled sample photo → textured head as GLB, OBJ+MTL+PNG
# and a preview image in sample-output/. Sets itself up first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out="${1:-sample-output}"
node bin/gen3dface.mjs generate resources/samples/astronaut.png --out "$out"
echo "sample: results in $out/"
ls -l "$out"
