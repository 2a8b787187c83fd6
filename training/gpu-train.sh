#!/usr/bin/env bash
# Issue 11's training in one GPU-machine command (≤ 10 min there): the synthetic heads made on the
# machine (training/data/gpu-generate.sh, deterministic, so every call makes the same data), the VAE
# phase (unless RESUME names a carried checkpoint), then each variant's diffusion chunk side by side
# on the one GPU from that same VAE; the variant with the lower held-out EMA loss comes back in $OUT.
# Here first: bash training/data/gpu-carry.sh. Carry: ["test-output/gpu-data"] (+ the RESUME folder).
# Env: COUNT identities (400), VAE_S (120), DIFF_S (300), VARIANTS ("base nophoto"), RESUME, BATCH (8).
set -euo pipefail
export PYTHONUNBUFFERED=1
count=${COUNT:-400} vae_s=${VAE_S:-120} diff_s=${DIFF_S:-300} variants=${VARIANTS:-base nophoto}
out=${OUT:-/tmp/train-out} work=/tmp/train
py=python3  # the GPU machine's own Python with CUDA PyTorch
mkdir -p "$work" "$out"
start=$(date +%s)
say() { echo "[$(($(date +%s) - start)) s] $*"; }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader  # system-deps: optional (the NVIDIA driver's, on the GPU machine only)
say "$($py -c 'import torch; print("torch", torch.__version__, torch.cuda.get_device_name(0))')"
bash training/data/gpu-generate.sh /tmp/heads "$count" 1 128 | tail -3
common=(--data /tmp/heads --config compact --seed 0 --val-count 8 --flip --log-every 50)
if [ -z "${RESUME:-}" ]; then
  say "VAE phase, ${vae_s} s"
  $py training/train_default_pack.py "${common[@]}" --out "$work/vae" --phase vae --seconds "$vae_s" \
    --vae-batch 64 --vae-lr 4e-4 2>&1 | grep -E '^\[vae\] chunk|PSNR|error|Error' | tail -3
  base=$work/vae
else
  base=$RESUME
fi
say "diffusion, ${diff_s} s per variant: $variants"
for v in $variants; do
  $py training/train_default_pack.py "${common[@]}" --out "$work/$v" --resume "$base" --phase diffusion \
    --variant "$v" --seconds "$diff_s" --batch "${BATCH:-8}" --lr 2e-4 --warmup 100 >"$work/$v.log" 2>&1 &
done
wait || true
for v in $variants; do echo "== $v"; grep -E 'chunk|error|Error|Traceback' "$work/$v.log" | tail -4; done
$py training/pick_variant.py "$work" $variants --out "$out"
say "done"; ls -la "$out"
