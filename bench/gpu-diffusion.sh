#!/usr/bin/env bash
# Issue 9's GPU benchmark in one GPU-machine command (10 min there): the full-size architecture with
# random weights, 16 views × 50 steps with guidance, through the engine's own sampler on every
# ONNX Runtime provider the machine has, beside PyTorch on the same card in the same run (the shared
# reference bench, and this repository's model under the same sampler).
#
# Here first:  bash shared/tools/device-pack.sh; mkdir -p test-output/gpu
#              cp ../shared/bench/torch_reference_bench.py test-output/gpu/
#              npx esbuild bench/diffusion.ts --bundle --platform=node --format=esm \
#                  --external:onnxruntime-node --outfile=test-output/gpu/bench-diffusion.mjs
# There:       run(carry: [".devcarry", "test-output/gpu"], command: "bash bench/gpu-diffusion.sh")
# Phases:      all (default) | export | ort | torch — a warm machine keeps the pack between calls.
set -u
phase=${1:-all}
start=$(date +%s)
left() { local l=$((${BUDGET:-570} - ($(date +%s) - start))); echo $((l < 1 ? 1 : l)); }
say() { echo "[$(($(date +%s) - start)) s] $*"; }
out=${OUT:-test-output/gpu/out}
mkdir -p "$out"
pack=/tmp/pack-full-fp16  # outside the carried folder: a warm machine keeps it for the next call
py=python3
exec > >(tee -a "$out/gpu-diffusion.log") 2>&1

source .devcarry/device-env.sh >/dev/null
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader  # system-deps: optional (the NVIDIA driver's, on the GPU machine only)
say "CPU: $(nproc) cores; $($py -c 'import torch; print("PyTorch", torch.__version__)')"

if [[ $phase == all || $phase == export ]] && [ ! -f "$pack/manifest.json" ]; then
  say "export: full config, fp16, random weights"; rm -rf "$pack"
  timeout "$(left)" $py -m training.mvdiffusion.export --config full --dtype fp16 --out "$pack" 2>&1 | tail -3
  say "export finished"; du -sh "$pack"
fi

if [[ $phase == all || $phase == ort ]] && [ -f "$pack/manifest.json" ]; then
  # One group per UNet run (5 elements): at 8 groups a batch's attention buffers exceeded what
  # WebGPU could allocate (VK_ERROR_OUT_OF_DEVICE_MEMORY, then ONNX Runtime hung: 2026-12-02).
  say "engine, WebGPU, 16 × ${WEBGPU_STEPS:-50} with guidance, UNet batch ${WEBGPU_BATCH:-5}"
  t=$(left); [ -n "${WEBGPU_TIMEOUT:-}" ] && t=$((WEBGPU_TIMEOUT < t ? WEBGPU_TIMEOUT : t))
  timeout "$t" node test-output/gpu/bench-diffusion.mjs --pack "$pack" --steps "${WEBGPU_STEPS:-50}" \
    --provider webgpu --batch "${WEBGPU_BATCH:-5}" --json "$out/ort-webgpu.json"
fi

if [[ $phase == all || $phase == torch ]] && [ "$(left)" -gt 40 ]; then
  say "PyTorch, this repository's model and sampler, fp16 autocast"
  timeout "$(left)" $py bench/torch_mvdiffusion.py --config full --steps 50 --dtype fp16 \
    --json "$out/torch-mvdiffusion.json"
  say "PyTorch, shared reference bench (fp16, 16 views per chunk, eager)"
  timeout "$(left)" $py test-output/gpu/torch_reference_bench.py --dtypes fp16 --vpcs 16 --compile none \
    --reps 1 --out "$out" | grep -E '"tag"|params' | cut -c1-400
fi

if [[ $phase == all || $phase == ort ]] && [ -f "$pack/manifest.json" ] && [ "$(left)" -gt 60 ]; then
  say "engine, WebGPU without on-GPU frustum assembly, 16 × 5"
  timeout "$(left)" node test-output/gpu/bench-diffusion.mjs --pack "$pack" --steps 5 --provider webgpu \
    --batch "${WEBGPU_BATCH:-5}" --device-frustums off --json "$out/ort-webgpu-hostfrustums.json"
fi

if [[ $phase == all || $phase == ort ]] && [ -f "$pack/manifest.json" ] && [ "$(left)" -gt 60 ] && [ -z "${SKIP_CPU:-}" ]; then
  say "engine, CPU provider ($(nproc) threads), 16 × 2 (the time per step is what counts)"
  timeout "$(($(left) - 10))" node test-output/gpu/bench-diffusion.mjs --pack "$pack" --steps 2 \
    --provider cpu --json "$out/ort-cpu.json"
fi
say "done"
