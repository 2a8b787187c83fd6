#!/usr/bin/env python3
"""PyTorch CPU forward time of the estimator networks from official-layout checkpoints (the same
weights the packs hold), for bench/estimators.ts to print beside ONNX Runtime. JSON on stdout."""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from estimators.deca import load_deca_checkpoint  # noqa: E402
from estimators.mica import load_mica_checkpoint  # noqa: E402
from estimators.ringnet import load_ringnet_checkpoint  # noqa: E402


def time_forward(net: torch.nn.Module, x: torch.Tensor, runs: int) -> float:
    with torch.no_grad():
        net(x)  # warm-up
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            net(x)
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--deca", help="deca_model.tar")
    ap.add_argument("--mica", help="mica.tar")
    ap.add_argument("--ringnet", help="RingNet TF prefix or variables .npz")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(max(2, torch.get_num_threads()))
    out = {"threads": torch.get_num_threads(), "torch": torch.__version__}
    if args.deca:
        out["deca"] = time_forward(load_deca_checkpoint(args.deca), torch.rand(1, 3, 224, 224), args.runs)
    if args.ringnet:
        out["ringnet"] = time_forward(load_ringnet_checkpoint(args.ringnet), torch.rand(1, 224, 224, 3) * 2 - 1, args.runs)
    if args.mica:
        out["mica"] = time_forward(load_mica_checkpoint(args.mica), torch.rand(1, 3, 112, 112) * 2 - 1, args.runs)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
