"""Training checkpoints that fit the device machine's return channel (≤ 8 files, ≤ 16 MiB each):
named tensors split into `part-NN.pt` files of ≤ `cap` bytes (greedy, in key order; a tensor larger
than the cap is cut along its first dimension into `key#i` pieces and joined on load), indexed in
`recipe.json` under "checkpoint" together with the training recipe.

Namespaces: `model.<key>` the live model's state dict (fp32, VAE and BatchNorm buffers included),
`ema.<key>` the EMA of the trainable parameters (stored in `ema_dtype`). The optimizer is not kept:
each chunk starts Adam afresh (with its own lr warm-up)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import torch

CAP = 15 * 1024 * 1024
RECIPE = "recipe.json"


def _pieces(tensors: Dict[str, torch.Tensor], cap: int) -> List[Tuple[str, torch.Tensor]]:
    out = []
    for k, t in tensors.items():
        t = t.detach().cpu().contiguous()
        nbytes = t.numel() * t.element_size()
        if nbytes <= cap or t.dim() == 0:
            out.append((k, t.clone()))
            continue
        rows = max(1, int(t.shape[0] * cap // nbytes))
        for i, s in enumerate(range(0, t.shape[0], rows)):
            out.append((f"{k}#{i}", t[s:s + rows].clone()))
    return out


def save_tensors(out: Path, tensors: Dict[str, torch.Tensor], cap: int = CAP) -> List[dict]:
    """Writes part-NN.pt files into `out`; returns their index [{file, keys, bytes}]."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("part-*.pt"):
        old.unlink()
    budget = cap - 64 * 1024  # the zip container's per-record overhead
    parts: List[Dict[str, torch.Tensor]] = [{}]
    size = 0
    for k, t in _pieces(tensors, budget - 1024):
        n = t.numel() * t.element_size() + 512
        if parts[-1] and size + n > budget:
            parts.append({})
            size = 0
        parts[-1][k] = t
        size += n
    index = []
    for i, p in enumerate(parts):
        f = out / f"part-{i:02d}.pt"
        torch.save(p, str(f))
        index.append({"file": f.name, "keys": len(p), "bytes": os.path.getsize(f)})
        if index[-1]["bytes"] > cap + 1024 * 1024:
            raise RuntimeError(f"{f}: {index[-1]['bytes']} bytes, over the cap")
    return index


def load_tensors(ckpt: Path, index: List[dict]) -> Dict[str, torch.Tensor]:
    flat: Dict[str, torch.Tensor] = {}
    for entry in index:
        flat.update(torch.load(str(Path(ckpt) / entry["file"]), map_location="cpu"))
    joined: Dict[str, List[Tuple[int, torch.Tensor]]] = {}
    out = {}
    for k, t in flat.items():
        if "#" in k:
            base, i = k.rsplit("#", 1)
            joined.setdefault(base, []).append((int(i), t))
        else:
            out[k] = t
    for base, pieces in joined.items():
        out[base] = torch.cat([t for _, t in sorted(pieces, key=lambda p: p[0])])
    return out


def save_checkpoint(out: Path, model_state: Dict[str, torch.Tensor], ema: Optional[Dict[str, torch.Tensor]],
                    recipe: dict, ema_dtype: torch.dtype = torch.float16, cap: int = CAP) -> dict:
    tensors = {f"model.{k}": v for k, v in model_state.items()}
    if ema:
        for k, v in ema.items():
            tensors[f"ema.{k}"] = v.to(ema_dtype) if v.is_floating_point() else v
    recipe = dict(recipe)
    recipe["checkpoint"] = {"parts": save_tensors(Path(out), tensors, cap),
                            "ema_dtype": str(ema_dtype).replace("torch.", "") if ema else None}
    (Path(out) / RECIPE).write_text(json.dumps(recipe, indent=1))
    return recipe


def load_checkpoint(ckpt: Path) -> Tuple[Dict[str, torch.Tensor], Dict[str, torch.Tensor], dict]:
    """(model state, ema (float32), recipe)."""
    recipe = json.loads((Path(ckpt) / RECIPE).read_text())
    flat = load_tensors(Path(ckpt), recipe["checkpoint"]["parts"])
    model = {k[6:]: v for k, v in flat.items() if k.startswith("model.")}
    ema = {k[4:]: (v.float() if v.is_floating_point() else v) for k, v in flat.items() if k.startswith("ema.")}
    return model, ema, recipe


def export_state(ckpt: Path, use_ema: bool = True) -> Tuple[Dict[str, torch.Tensor], dict]:
    """The state dict to export (the live model's, with the EMA's trainable parameters when present)
    and the recipe (its "config" and "overrides" rebuild the model's config)."""
    model, ema, recipe = load_checkpoint(ckpt)
    state = dict(model)
    if use_ema:
        for k, v in ema.items():
            if k in state:
                state[k] = v.to(state[k].dtype)
    return state, recipe
