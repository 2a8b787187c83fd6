"""A checkpoint small enough to carry back to the GPU machine beside the data generator (64 MiB in all):
the EMA weights become the live weights, everything stored fp16, no separate EMA (resuming starts it
from these).
Resuming from it continues from the EMA (what the pack exports) with fresh fp32 master weights — a
rounding of ≤ 2⁻¹¹ relative, and the optimizer restarts each chunk anyway.

    python3 training/slim_checkpoint.py CKPT_IN CKPT_OUT
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mvdiffusion.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402


def slim(src: Path, dst: Path) -> dict:
    state, ema, recipe = load_checkpoint(src)
    for k, v in ema.items():
        if k in state:
            state[k] = v
    half = {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}
    recipe = dict(recipe)
    recipe["slim"] = {"from": str(src), "note": "EMA as live weights, fp16 storage"}
    # no separate EMA: resuming starts the EMA from the live weights, which are the EMA here
    return save_checkpoint(dst, half, None, recipe)


if __name__ == "__main__":
    slim(Path(sys.argv[1]), Path(sys.argv[2]))
