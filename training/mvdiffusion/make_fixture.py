"""Parity fixture for the engine's multi-view diffusion stage: a random-weight pack and PyTorch's
reference run of the contract's sampler on it, with every noise draw written out.

    /usr/bin/python3 -m training.mvdiffusion.make_fixture --config tiny --out DIR [--steps 50] [--seed 0]
        [--dtype fp32|fp16] [--image photo.npy]

Layout (every .bin is raw float32 little-endian, C order; shapes in reference.json):
    DIR/pack/                     the pack (manifest.json + condition/vae_encoder/volume/unet/vae_decoder.onnx)
    DIR/reference/reference.json  {config, dtype, steps, eta, guidance, seed, views, groups, inputElement,
                                   unetGroupSize, timesteps (walk order, first = highest), alphas, alphasPrev,
                                   sigmas (same order), files: {key: {file, shape}}}
    inputs:        input_image.bin [1,3,S,S] (vae_encoder input, [-1,1]); condition_image.bin [1,3,R,R]
                   (condition input); view_embed.bin [V+1,4] (row V = the input element's);
                   mesh_vertices.bin [N,3] (the studio's head, volume frame); mesh_colour.bin [N,4]
    noise:         initial_noise.bin [V,4,h,h] (x at the first step); step_noise.bin [steps-1,V,4,h,h]:
                   entry k is the z added after the k-th UNet evaluation (none after the last)
    intermediates: context.bin [V+1,1,C]; input_latent.bin [1,4,h,h]
    one step:      step0_frustum_{0..3}.bin (volume outputs at the first step); step0_unet_{x_t,concat,
                   timestep,context,frustum_0..3}.bin — the guided batch: conditional groups then
                   unconditional ones, K views + the input element each; step0_eps.bin [B,4,h,h] (unet output);
                   step0_guided_eps.bin [V,4,h,h]; step0_latents.bin [V,4,h,h] (x after the first update)
    final:         final_latents.bin [V,4,h,h]; decoded_views.bin [V,3,S,S] (vae_decoder of final_latents)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "mvdiffusion"

import numpy as np
import torch

from .config import preset
from .ddim import ddim_schedule, sample
from .export import build_model, export_pack
from .head_mesh import head_vertices_volume_frame, synthetic_vertex_colour
from .rig import view_embeddings


def synthetic_photo(size: int) -> np.ndarray:
    """[1,3,size,size] in [-1,1]: a skin-toned ellipse with darker eyes and mouth on white, defined
    analytically so every resolution is the same picture."""
    c = (np.arange(size) + 0.5) / size * 2 - 1
    y, x = np.meshgrid(c, c, indexing="ij")
    img = np.ones((3, size, size))
    face = (x / 0.62) ** 2 + (y / 0.8) ** 2 < 1
    img[:, face] = np.array([0.85, 0.62, 0.5])[:, None]
    for ex in (-0.28, 0.28):
        img[:, ((x - ex) / 0.12) ** 2 + ((y + 0.18) / 0.07) ** 2 < 1] = 0.15
    img[:, ((x / 0.3) ** 2 + ((y - 0.38) / 0.06) ** 2 < 1)] = np.array([0.6, 0.2, 0.2])[:, None]
    return (img[None] * 2 - 1).astype(np.float32)


def resize_nearest(image: np.ndarray, size: int) -> np.ndarray:
    h = image.shape[-1]
    idx = np.minimum((np.arange(size) + 0.5) * h / size, h - 1).astype(int)
    return image[..., idx[:, None], idx[None, :]]


class RecordedNoise:
    """Seeded Gaussian noise that remembers every draw (the fixture writes them all)."""

    def __init__(self, seed: int) -> None:
        self.gen = torch.Generator().manual_seed(seed)
        self.draws = []

    def __call__(self, shape) -> torch.Tensor:
        z = torch.randn(tuple(shape), generator=self.gen)
        self.draws.append(z.clone())
        return z


def write_reference(out: Path, arrays: Dict[str, np.ndarray], meta: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for key, arr in arrays.items():
        arr = np.ascontiguousarray(arr, dtype="<f4")
        arr.tofile(out / f"{key}.bin")
        files[key] = {"file": f"{key}.bin", "shape": list(arr.shape)}
    (out / "reference.json").write_text(json.dumps({**meta, "files": files}, indent=2) + "\n")


def make_fixture(config: str, out: Path, steps: int, seed: int, dtype: str = "fp32",
                 image: Optional[np.ndarray] = None) -> Path:
    torch.set_num_threads(2)
    cfg = preset(config)
    m = build_model(cfg, None, seed)
    if dtype == "fp16":
        # The pack's weights are rounded to fp16; the reference must use the same rounded weights.
        # Float buffers (rig constants) become fp16 initializers too.
        with torch.no_grad():
            for p in list(m.parameters()) + [b for b in m.buffers() if b.is_floating_point()]:
                if p.numel() >= 16:
                    p.copy_(p.half().float())
    export_pack(m, out / "pack", dtype)

    S, R = cfg.image_size, cfg.condition_resolution
    photo = image if image is not None else synthetic_photo(max(S, R) * 4)
    input_image = resize_nearest(photo, S) if photo.shape[-1] != S else photo
    condition_image = resize_nearest(photo, R) if photo.shape[-1] != R else photo
    verts = head_vertices_volume_frame(m.rig.head_scale)
    colour = synthetic_vertex_colour(verts)
    ve = view_embeddings(m.rig, input_elevation_deg=5.0)
    noise = RecordedNoise(seed + 1)
    res = sample(m, torch.from_numpy(input_image), torch.from_numpy(condition_image), torch.from_numpy(ve),
                 torch.from_numpy(verts), torch.from_numpy(colour), noise, steps, cfg.eta, cfg.guidance)
    with torch.no_grad():
        context = m.condition(torch.from_numpy(condition_image), torch.from_numpy(ve))
        input_latent = m.encode_input(torch.from_numpy(input_image))
        decoded = m.decode(res.latents)
    sched = ddim_schedule(steps, cfg.eta, cfg.train_steps, cfg.beta_start, cfg.beta_end)
    b = res.first_batch
    arrays = {
        "input_image": input_image, "condition_image": condition_image, "view_embed": ve,
        "mesh_vertices": verts, "mesh_colour": colour,
        "initial_noise": noise.draws[0].numpy(),
        "step_noise": torch.stack(noise.draws[1:]).numpy() if len(noise.draws) > 1 else np.zeros((0,) + tuple(noise.draws[0].shape)),
        "context": context.numpy(), "input_latent": input_latent.numpy(),
        "step0_unet_x_t": b.x_t.numpy(), "step0_unet_concat": b.concat.numpy(), "step0_unet_timestep": b.timestep.numpy(),
        "step0_unet_context": b.context.numpy(),
        **{f"step0_unet_frustum_{i}": f.numpy() for i, f in enumerate(b.frustum)},
        **{f"step0_frustum_{i}": f[: cfg.views].numpy() for i, f in enumerate(res.first_volume)},
        "step0_eps": res.first_step_eps.numpy(), "step0_guided_eps": res.first_step_guided.numpy(),
        "step0_latents": res.first_step_latents.numpy(),
        "final_latents": res.latents.numpy(), "decoded_views": decoded.numpy(),
    }
    order = list(reversed(range(steps)))
    meta = {
        "config": cfg.name, "dtype": dtype, "steps": steps, "eta": cfg.eta, "guidance": cfg.guidance, "seed": seed,
        "views": cfg.views, "groups": [list(g) for g in m.rig.groups], "inputElement": cfg.input_element,
        "unetGroupSize": m.unet_group_size, "unetBatch": int(b.x_t.shape[0]),
        "timesteps": [int(sched.timesteps[i]) for i in order],
        "alphas": [float(sched.alphas[i]) for i in order], "alphasPrev": [float(sched.alphas_prev[i]) for i in order],
        "sigmas": [float(sched.sigmas[i]) for i in order],
        "tolerances": {"oneStepMaxAbs": 1e-4 if dtype == "fp32" else 1e-2, "decodedPsnrDb": 40.0 if dtype == "fp32" else 30.0},
    }
    write_reference(out / "reference", arrays, meta)
    return out


def main(argv: Optional[Sequence[str]] = None) -> None:
    ap = argparse.ArgumentParser(description="multi-view diffusion parity fixture")
    ap.add_argument("--config", default="tiny", choices=["tiny", "small", "compact", "full"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dtype", default="fp32", choices=["fp32", "fp16"])
    ap.add_argument("--image", help=".npy [1,3,H,W] or [3,H,W] in [-1,1] (default: a synthetic face)")
    a = ap.parse_args(argv)
    image = None
    if a.image:
        image = np.load(a.image).astype(np.float32)
        image = image[None] if image.ndim == 3 else image
    print(make_fixture(a.config, Path(a.out), a.steps, a.seed, a.dtype, image))


if __name__ == "__main__":
    main()
