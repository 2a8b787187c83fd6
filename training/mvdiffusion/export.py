"""Export MultiViewDiffusion as a `generate` pack of five ONNX graphs (docs/multiview-diffusion.md).

    /usr/bin/python3 -m training.mvdiffusion.export --config tiny|small|full --out DIR
        [--weights ckpt.pt|CHECKPOINT_DIR] [--seed N] [--dtype fp32|fp16]

A CHECKPOINT_DIR of training/train_default_pack.py gives its EMA weights and its config overrides.

Opset 17 (torch 1.13). Files above 2 GB are written with external data (`<name>.onnx.data`).
fp16: torch 1.13 cannot trace half on the CPU, so the fp32 graph is exported and its float
initializers are converted to fp16 afterwards, each followed by a Cast back to float32 (weights in
fp16 on disk, float32 I/O and arithmetic)."""
from __future__ import annotations

import argparse
import inspect
import os
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "mvdiffusion"

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from .unet import unet_config
from .config import MVDConfig, preset
from .head_mesh import head_vertices_volume_frame, synthetic_vertex_colour
from .checkpoint import RECIPE, export_state
from .model import MultiViewDiffusion
from .rig import manifest_rig, view_embeddings
from .portable_ops import conv_transpose_3d_as_conv

OPSET = 17
TWO_GB = 2 * 1024 ** 3
GRAPHS = ("condition", "vae_encoder", "volume", "unet", "vae_decoder")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from packs.pack_writer import PackWriter, tensor_spec  # noqa: E402


class ConditionGraph(nn.Module):
    def __init__(self, m: MultiViewDiffusion):
        super().__init__()
        self.m = m

    def forward(self, image, view_embed):
        return self.m.condition(image, view_embed)


class EncoderGraph(ConditionGraph):
    def forward(self, image):
        return self.m.encode_input(image)


class VolumeGraph(ConditionGraph):
    def forward(self, x_t, timestep, view_embed, mesh_vertices, mesh_colour=None):
        return tuple(self.m.volume(x_t, timestep, view_embed, mesh_vertices, mesh_colour))


class UNetGraph(ConditionGraph):
    def forward(self, x_t, concat, timestep, context, frustum_0, frustum_1, frustum_2, frustum_3):
        return self.m.unet(x_t, concat, timestep, context, [frustum_0, frustum_1, frustum_2, frustum_3],
                           self.m.unet_group_size)


class DecoderGraph(ConditionGraph):
    def forward(self, latent):
        return self.m.decode(latent)


def graph_specs(cfg: MVDConfig) -> Dict[str, Tuple[List[dict], List[dict]]]:
    """name → (inputs, outputs) with -1 for dynamic dims, in graph order."""
    V, h, S, R, C = cfg.views, cfg.latent_size, cfg.image_size, cfg.condition_resolution, cfg.context_dim
    lc = cfg.latent_channels
    fr = [(c, d, r) for r, (c, d) in sorted(cfg.frustum_levels.items(), reverse=True)]
    volume_in = [tensor_spec("x_t", [V, lc, h, h]), tensor_spec("timestep", [1]), tensor_spec("view_embed", [V, 4]),
                 tensor_spec("mesh_vertices", [-1, 3])]
    if cfg.mesh_photo_features:
        volume_in.append(tensor_spec("mesh_colour", [-1, 4]))
    if not cfg.uses_mesh:
        volume_in = volume_in[:3]
    return {
        "condition": ([tensor_spec("image", [1, 3, R, R]), tensor_spec("view_embed", [V + 1, 4])],
                      [tensor_spec("context", [V + 1, 1, C])]),
        "vae_encoder": ([tensor_spec("image", [1, 3, S, S])], [tensor_spec("latent", [1, lc, h, h])]),
        "volume": (volume_in, [tensor_spec(f"frustum_{i}", [V, c, d, r, r]) for i, (c, d, r) in enumerate(fr)]),
        "unet": ([tensor_spec("x_t", [-1, lc, h, h]), tensor_spec("concat", [-1, lc, h, h]), tensor_spec("timestep", [-1]),
                  tensor_spec("context", [-1, 1, C])] + [tensor_spec(f"frustum_{i}", [-1, c, d, r, r]) for i, (c, d, r) in enumerate(fr)],
                 [tensor_spec("eps", [-1, lc, h, h])]),
        "vae_decoder": ([tensor_spec("latent", [-1, lc, h, h])], [tensor_spec("image", [-1, 3, S, S])]),
    }


def example_inputs(spec: Sequence[dict], seed: int = 0) -> Tuple[torch.Tensor, ...]:
    """Random inputs of the spec's shapes (dynamic dims: 2 groups' worth / 64 vertices)."""
    g = torch.Generator().manual_seed(seed)
    out = []
    for s in spec:
        shape = [d if d >= 0 else 0 for d in s["shape"]]
        if s["name"] == "mesh_vertices":
            out.append(torch.randn(64, 3, generator=g) * 0.15)
            continue
        if s["name"] == "mesh_colour":
            out.append(torch.rand(64, 4, generator=g))
            continue
        if s["name"] == "timestep":
            n = shape[0] or 10
            out.append(torch.full((n,), 501.0))
            continue
        if shape and shape[0] == 0:
            shape[0] = 10
        out.append(torch.randn(*shape, generator=g))
    return tuple(out)


def graph_module(m: MultiViewDiffusion, name: str) -> nn.Module:
    return {"condition": ConditionGraph, "vae_encoder": EncoderGraph, "volume": VolumeGraph,
            "unet": UNetGraph, "vae_decoder": DecoderGraph}[name](m).eval()


def export_graph(module: nn.Module, inputs: Tuple[torch.Tensor, ...], in_specs: Sequence[dict],
                 out_specs: Sequence[dict], path: Path) -> onnx.ModelProto:
    dynamic = {}
    for s in list(in_specs) + list(out_specs):
        axes = {i: f"{s['name']}_dim{i}" for i, d in enumerate(s["shape"]) if d < 0}
        if axes:
            dynamic[s["name"]] = axes
    # Through a file: above 2 GB torch writes external data itself, and onnx.load reads it back.
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        f = Path(tmp) / path.name
        # torch ≥ 2.9 exports through dynamo by default (opset 18 nodes); the contract's graphs are
        # the TorchScript exporter's at OPSET, on Debian's torch 1.13 and the GPU machine's 2.11 alike.
        legacy = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
        with torch.no_grad():
            torch.onnx.export(module, inputs, str(f), opset_version=OPSET, do_constant_folding=True,
                              input_names=[s["name"] for s in in_specs], output_names=[s["name"] for s in out_specs],
                              dynamic_axes=dynamic, keep_initializers_as_inputs=False, **legacy)
        return onnx.load(str(f))


def initializer_bytes(model: onnx.ModelProto) -> int:
    sizes = {onnx.TensorProto.FLOAT: 4, onnx.TensorProto.FLOAT16: 2, onnx.TensorProto.INT64: 8, onnx.TensorProto.INT32: 4}
    return sum(int(np.prod(i.dims)) * sizes.get(i.data_type, 8) for i in model.graph.initializer)


def add_unread_inputs(model: onnx.ModelProto, specs: Sequence[dict]) -> None:
    """A UNet with 3 levels never reads frustum_3 and the exporter drops it; it is put back as an
    (unread) graph input so every unet.onnx takes the contract's inputs."""
    present = {i.name for i in model.graph.input}
    for position, s in enumerate(specs):
        if s["name"] in present:
            continue
        dims = [d if d >= 0 else f"{s['name']}_dim{i}" for i, d in enumerate(s["shape"])]
        info = onnx.helper.make_tensor_value_info(s["name"], onnx.TensorProto.FLOAT, dims)
        model.graph.input.insert(position, info)


def to_fp16_weights(model: onnx.ModelProto) -> onnx.ModelProto:
    """Float initializers → fp16, each read through a Cast to float32 (the graph keeps float32 I/O)."""
    graph = model.graph
    new_inits, casts = [], []
    for init in graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT or np.prod(init.dims) < 16:
            new_inits.append(init)
            continue
        arr = numpy_helper.to_array(init).astype(np.float16)
        half = numpy_helper.from_array(arr, init.name + "__fp16")
        new_inits.append(half)
        casts.append(onnx.helper.make_node("Cast", [half.name], [init.name], to=onnx.TensorProto.FLOAT,
                                           name=init.name + "__cast"))
    del graph.initializer[:]
    graph.initializer.extend(new_inits)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    return model


def save_model(model: onnx.ModelProto, path: Path) -> List[Path]:
    """Save, with external data when the model would exceed 2 GB; returns the files written."""
    if initializer_bytes(model) > TWO_GB - (64 << 20):
        data = path.name + ".data"
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data, size_threshold=1024)
        onnx.checker.check_model(str(path))
        return [path, path.with_name(data)]
    onnx.save_model(model, str(path))
    onnx.checker.check_model(model)
    return [path]


def diffusion_block(cfg: MVDConfig, dtype: str) -> dict:
    return {
        "config": cfg.name, "views": cfg.views,
        "latent": {"channels": cfg.latent_channels, "size": cfg.latent_size, "scale": cfg.latent_scale},
        "schedule": {"betaStart": cfg.beta_start, "betaEnd": cfg.beta_end, "trainSteps": cfg.train_steps,
                     "beta": "scaled-linear", "prediction": "eps"},
        "sampler": {"steps": cfg.sampler_steps, "eta": cfg.eta, "guidance": cfg.guidance},
        "inputElement": cfg.input_element, "meshPhotoFeatures": cfg.mesh_photo_features and cfg.uses_mesh,
        "conditionResolution": cfg.condition_resolution,
        "meshGrid": {"dims": list(cfg.mesh_grid_dims), "voxel": cfg.mesh_voxel},
        "inputCrop": {"mode": "alpha-bbox", "fill": cfg.input_crop_fill},
        "dtype": "float16" if dtype == "fp16" else "float32",
        "attention": unet_attention_levels(cfg),
    }


def unet_attention_levels(cfg: MVDConfig) -> list:
    """Latent size and heads of each UNet level with transformers: the engine sizes its CPU batches by
    the attention matrices (heads × tokens² per group), which dominate a full-size UNet's memory."""
    ucfg = unet_config(cfg.backbone)
    levels = [cfg.latent_size // ds for ds in sorted(set(ucfg.attention_resolutions))
              if ds <= 2 ** (len(ucfg.channel_mult) - 1)]
    return [{"resolution": r, "heads": ucfg.num_heads} for r in levels]


def build_model(cfg: MVDConfig, weights: Optional[str], seed: int) -> MultiViewDiffusion:
    torch.manual_seed(seed)
    m = MultiViewDiffusion(cfg).eval()
    if weights:
        if Path(weights).is_dir():  # a train_default_pack.py checkpoint: the EMA weights
            state, _ = export_state(Path(weights))
        else:
            state = torch.load(weights, map_location="cpu")
            state = state.get("state_dict", state)
        missing, unexpected = m.load_state_dict(state, strict=False)
        if missing:
            raise KeyError(f"{weights}: {len(missing)} missing keys, e.g. {missing[:5]}")
        if unexpected:
            print(f"export: ignoring {len(unexpected)} keys not in the model, e.g. {unexpected[:3]}")
    else:
        wake_zero_initialised_layers(m, seed)
        calibrate_random_model(m, seed)
    return m


def wake_zero_initialised_layers(m: MultiViewDiffusion, seed: int) -> None:
    """Random-weight packs test the exported graphs against PyTorch, but SD zero-initialises the UNet's
    last conv and every residual branch's output (so training starts from identity): left at zero, ε ≡ 0
    and a parity test would compare zeros. Those weights get small random values instead."""
    g = torch.Generator().manual_seed(seed + 777)
    with torch.no_grad():
        for p in m.parameters():
            if p.dim() >= 2 and p.numel() >= 16 and not p.any():
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) * (0.5 / fan_in**0.5))


def calibrate_random_model(m: MultiViewDiffusion, seed: int) -> None:
    """BatchNorm statistics of a random-weight model from one pass on the studio's head and noise."""
    cfg = m.cfg
    g = torch.Generator().manual_seed(seed + 12345)
    verts = torch.from_numpy(head_vertices_volume_frame(m.rig.head_scale))
    colour = torch.from_numpy(synthetic_vertex_colour(verts.numpy()))
    x = torch.randn(cfg.views, cfg.latent_channels, cfg.latent_size, cfg.latent_size, generator=g)
    ve = torch.from_numpy(view_embeddings(m.rig)[: cfg.views])
    m.spatial_volume.calibrate_batch_norm(x, m.embed_time(torch.tensor([501.0])), ve, verts, colour)


def export_pack(m: MultiViewDiffusion, out: Path, dtype: str = "fp32", pack_id: Optional[str] = None,
                license: Optional[str] = None, version: str = "0.1.0") -> Path:
    cfg = m.cfg
    writer = PackWriter(out, pack_id or f"mvdiffusion-{cfg.name}-{cfg.rig}", "generate", version,
                        license or "random weights (test pack), Apache-2.0",
                        role="multiview-diffusion", resolution=cfg.image_size,
                        rig=manifest_rig(m.rig, cfg.image_size), diffusion=diffusion_block(cfg, dtype))
    for name, (ins, outs) in graph_specs(cfg).items():
        with conv_transpose_3d_as_conv(m):  # WebGPU has no 3-D ConvTranspose (portable_ops.py)
            model = export_graph(graph_module(m, name), example_inputs(ins), ins, outs, writer.path(f"{name}.onnx"))
        declared = [i["name"] for i in ins]
        add_unread_inputs(model, ins)
        present = [i.name for i in model.graph.input]
        if present != declared:
            raise RuntimeError(f"{name}.onnx inputs {present} ≠ {declared}")
        if dtype == "fp16":
            model = to_fp16_weights(model)
        save_model(model, writer.path(f"{name}.onnx"))
        writer.add_network(name, f"{name}.onnx", ins, outs)
    return writer.finish()


def main(argv: Optional[Sequence[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="tiny", choices=["tiny", "small", "compact", "full"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--weights")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dtype", default="fp32", choices=["fp32", "fp16"])
    a = ap.parse_args(argv)
    torch.set_num_threads(min(os.cpu_count() or 2, 16))  # tracing a full-size model takes minutes
    cfg = preset(a.config)
    if a.weights and (Path(a.weights) / RECIPE).exists():
        # A training checkpoint carries its config's overrides (its variant); --config must name its preset.
        import json
        recipe = json.loads((Path(a.weights) / RECIPE).read_text())
        if recipe["config"] != a.config:
            raise SystemExit(f"--config {a.config}, but {a.weights} was trained as {recipe['config']}")
        cfg = preset(a.config, **{k: tuple(v) if isinstance(v, list) else v for k, v in recipe.get("overrides", {}).items()})
    m = build_model(cfg, a.weights, a.seed)
    lic = None if not a.weights else "see the checkpoint's licence"
    print(export_pack(m, Path(a.out), a.dtype, license=lic))


if __name__ == "__main__":
    main()
