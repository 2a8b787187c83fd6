"""PyTorch baseline for the engine's diffusion benchmark: the same model (training/mvdiffusion, random
weights) and the same sampler (ddim.sample: 16 views, guidance, DDIM) in eager PyTorch, so the ONNX
Runtime figures of bench/diffusion.ts have a same-model baseline beside the shared reference bench.

    /usr/bin/python3 bench/torch_mvdiffusion.py --config full --steps 50 [--dtype fp16] [--json out.json]

Prints one table naming the device; fp16 runs under autocast (weights stay fp32, as SD's own scripts).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from training.mvdiffusion.config import preset  # noqa: E402
from training.mvdiffusion.ddim import sample  # noqa: E402
from training.mvdiffusion.export import build_model  # noqa: E402
from training.mvdiffusion.head_mesh import head_vertices_volume_frame, synthetic_vertex_colour  # noqa: E402
from training.mvdiffusion.make_fixture import synthetic_photo, resize_nearest  # noqa: E402
from training.mvdiffusion.rig import view_embeddings  # noqa: E402


def device_name(dev: torch.device) -> str:
    if dev.type == "cuda":
        return f"{torch.cuda.get_device_name(dev)} (PyTorch {torch.__version__}, CUDA {torch.version.cuda})"
    return f"CPU, {torch.get_num_threads()} threads (PyTorch {torch.__version__})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="full", choices=["tiny", "small", "full"])
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--dtype", default="fp16", choices=["fp32", "fp16"])
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--json")
    a = ap.parse_args()
    dev = torch.device(a.device)
    cfg = preset(a.config)
    t0 = time.perf_counter()
    m = build_model(cfg, None, 0).to(dev)
    build_s = time.perf_counter() - t0
    S, R = cfg.image_size, cfg.condition_resolution
    photo = synthetic_photo(max(S, R) * 4)
    image = torch.from_numpy(resize_nearest(photo, S)).to(dev)
    cond = torch.from_numpy(resize_nearest(photo, R)).to(dev)
    verts = head_vertices_volume_frame(m.rig.head_scale)
    colour = torch.from_numpy(synthetic_vertex_colour(verts)).to(dev)
    ve = torch.from_numpy(view_embeddings(m.rig, input_elevation_deg=5.0)).to(dev)
    gen = torch.Generator(device=dev).manual_seed(1)

    def noise(shape):
        return torch.randn(tuple(shape), generator=gen, device=dev)

    amp = torch.autocast(dev.type, dtype=torch.float16) if a.dtype == "fp16" else nullcontext()
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)

    def run(steps: int) -> float:
        sync()
        start = time.perf_counter()
        with amp:
            res = sample(m, image, cond, ve, torch.from_numpy(verts).to(dev), colour, noise, steps, cfg.eta,
                         cfg.guidance)
            m.decode(res.latents)
        sync()
        if not torch.isfinite(res.latents).all():
            raise RuntimeError("non-finite latents")
        return time.perf_counter() - start

    warm = run(2)  # cuDNN autotune, allocator
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    total = run(a.steps)
    peak = torch.cuda.max_memory_allocated() / 2**30 if dev.type == "cuda" else float("nan")
    row = {"device": device_name(dev), "config": a.config, "dtype": a.dtype, "views": cfg.views,
           "steps": a.steps, "guidance": cfg.guidance, "params_M": sum(p.numel() for p in m.parameters()) / 1e6,
           "build_s": build_s, "warmup_2_steps_s": warm, "total_s": total, "per_step_ms": 1e3 * total / a.steps,
           "peak_GiB": peak}
    print(f"[torch mvdiffusion] {row['device']}\n"
          f"  model             {a.config}, {row['params_M']:.0f} M params, {a.dtype}\n"
          f"  views × steps     {cfg.views} × {a.steps}, guidance {cfg.guidance} (sampling + decode)\n"
          f"  total             {total:.2f} s ({row['per_step_ms']:.0f} ms/step)\n"
          f"  peak memory       {peak:.2f} GiB", flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(row, indent=2) + "\n")


if __name__ == "__main__":
    main()
