"""One parent checkpoint → `MultiViewDiffusion` (strict key map) → a full-size diffusion pack, through
the integrator's `export_pack`. Shared by `convert_syncdreamer.py` and `convert_morphable_diffusion.py`."""
from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple

import torch

from ..model import MultiViewDiffusion
from ..rig import Rig
from .checkpoints import fill_model, load_clip_visual, load_lightning_state_dict, merge_clip, skip_init, summary
from .keys import ConversionError, KeyMap
from .parents import LICENCES, ParentSpec, parent_spec


def rig_with_focal(spec: ParentSpec) -> Rig:
    """The parent's rig. Our rigs must carry the parent's focal length (SyncDreamer 280 px at 256,
    Morphable Diffusion 1545.24 px at 256): a Rig field `focal` (fx = fy at 256 px) when rig.py has one,
    else only a parent whose focal is rig.py's fixed FOCAL_AT_256 converts faithfully."""
    from .. import rig as rig_module

    fields = {f.name for f in dataclasses.fields(Rig)}
    for name in ("focal", "focal_at_256", "fx"):
        if name in fields:
            return dataclasses.replace(spec.rig, **{name: spec.focal_at_256})
    fixed = getattr(rig_module, "FOCAL_AT_256", None)
    if fixed is not None and abs(fixed - spec.focal_at_256) < 1e-6:
        return spec.rig
    raise ConversionError(
        f"{spec.parent}: its cameras have fx = fy = {spec.focal_at_256:.4f} px at 256 px (distance {spec.rig.distance}), "
        f"but mvdiffusion/rig.py uses one focal length for every rig ({fixed}); the unprojection and frustum grids "
        "would not be the parent's. rig.py needs a per-rig focal length before this parent converts faithfully.")


def volume_frame_of(parent: str, official: Dict[str, torch.Tensor], model: MultiViewDiffusion):
    """M (p_ours = M·p_parent): from the checkpoint's camera buffer `poses` against our rig when it has one
    (SyncDreamer), else the documented constant."""
    from ..rig import rig_cameras
    from .keys import frame_from_cameras
    from .parents import MD_VOLUME_FRAME, SD_VOLUME_FRAME

    if "poses" in official:
        poses = official["poses"].double().numpy()
        _, R, t = rig_cameras(model.rig, model.cfg.image_size)
        return frame_from_cameras(poses[:, :, :3], R, poses[:, :, 3], t)
    return SD_VOLUME_FRAME if parent == "syncdreamer" else MD_VOLUME_FRAME


def build_parent_model(spec: ParentSpec) -> MultiViewDiffusion:
    with skip_init():
        return MultiViewDiffusion(spec.config, rig_with_focal(spec)).eval()


def convert_checkpoint(parent: str, ckpt: str, clip: Optional[str] = None) -> Tuple[MultiViewDiffusion, KeyMap, ParentSpec]:
    """The user's checkpoint (and CLIP file when needed) → our model with every weight filled."""
    spec = parent_spec(parent)
    official = load_lightning_state_dict(ckpt)
    merge_clip(official, load_clip_visual(clip) if clip else None, clip)
    model = build_parent_model(spec)
    cfg = spec.config
    km = fill_model(parent, model, official, beta_start=cfg.beta_start, beta_end=cfg.beta_end, train_steps=cfg.train_steps,
                    volume_frame=volume_frame_of(parent, official, model))
    del official
    gc.collect()
    return model, km, spec


def add_to_manifest(manifest: Path, extra: Dict[str, Any], diffusion_extra: Dict[str, Any]) -> None:
    """Fields export_pack has no argument for (the manifest is not itself hashed)."""
    doc = json.loads(manifest.read_text())
    doc.update(extra)
    doc.setdefault("diffusion", {}).update(diffusion_extra)
    tmp = manifest.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    os.replace(tmp, manifest)


def write_parent_pack(parent: str, ckpt: str, out: str, dtype: str = "fp32", clip: Optional[str] = None) -> Path:
    from ..export import export_pack

    model, km, spec = convert_checkpoint(parent, ckpt, clip)
    print(summary(km), flush=True)
    manifest = export_pack(model, Path(out), dtype, pack_id=spec.pack_id, license=LICENCES[parent])
    mapped = sum(1 for v in km.ours.values() if v is not None)
    extra = dict(spec.manifest_extra)
    extra["source"] = {"checkpoint": Path(ckpt).name, **({"clip": Path(clip).name} if clip else {}),
                       "keysMapped": mapped, "keysDropped": len(km.dropped),
                       "converter": f"training/convert_{parent}.py"}
    diffusion_extra: Dict[str, Any] = {}
    if parent == "morphable_diffusion":
        # generate_face.py: carvekit cut-out on white, plain bicubic resize of the whole photo to 256 (no crop)
        diffusion_extra["inputCrop"] = {"mode": "none"}
        diffusion_extra["meshTransform"] = spec.manifest_extra["meshTransform"]
        extra.pop("meshTransform", None)
    add_to_manifest(manifest, extra, diffusion_extra)
    return manifest


def run_cli(parent: str, description: str, argv: Optional[Sequence[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", required=True, help="the official Lightning checkpoint (.ckpt)")
    ap.add_argument("--clip", help="OpenAI's ViT-L-14.pt, only for a checkpoint without clip_image_encoder.* weights")
    ap.add_argument("--out", required=True, help="pack folder to write")
    ap.add_argument("--dtype", default="fp32", choices=["fp32", "fp16"])
    args = ap.parse_args(argv)
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    try:
        print(write_parent_pack(parent, args.ckpt, args.out, args.dtype, args.clip))
    except (ConversionError, FileNotFoundError) as e:
        raise SystemExit(f"convert_{parent}: {e}")
