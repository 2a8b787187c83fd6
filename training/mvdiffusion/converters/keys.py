"""Key mapping from the parents' official checkpoints (SyncDreamer, Morphable Diffusion: Lightning
`ckpt["state_dict"]` of `SyncMultiviewDiffusion`) into `MultiViewDiffusion`'s state dict — strict.

The official tree is cut into components (UNet with depth attention, VAE, CLIP visual tower, …). Inside a
component our modules keep the official parameter names (unet.py, vae.py, image_encoder.py,
volume_nets.py, target_encoder.py say so), so a component maps by replacing its prefix; where our model
puts a component is found from our own state dict (the one prefix under which every key of the
component exists), so the mapping follows the model without a second table to keep in sync.
Transforms, applied by shape:
- spconv weights of `spatial_volume.xyzc_net` are KRSC `[out, kd, kh, kw, in]` (spconv 2.x, 3×3×3
  kernels); our dense Conv3d wants `[out, in, kd, kh, kw]`: `permute(0, 4, 1, 2, 3)`, no flip — spconv's
  filter offset r is row-major over (kd, kh, kw) in the order of the voxel indices (d, h, w), and the
  input read by output o is o·stride − padding + r, which is torch's cross-correlation
  (traveller59/spconv spconv/csrc/sparse/indices.py, ConvOutLocIter / calc_subm_conv_indices);
- size-1 axes only (a 1×1 Conv1d `[16,16,1]` into a Linear `[16,16]`, or back);
- volume axes: where the parent's world frame is a signed permutation M of ours (p_ours = M·p_parent;
  SyncDreamer's camera-16.pkl is z-up with view 0 on +x, our `ring30` is y-up with view 0 on +z), the
  3-D kernels of the nets that run on the world-aligned L³ grid are transposed (and flipped for a −1) the
  same way, which makes them exactly equivalent on our grid: 3×3×3 kernels with equal stride and
  padding on every axis commute with axis permutations and reversals of a grid symmetric about 0.
Everything else is an error: an official key with no place in our model, one of our keys that no
official key fills, a shape that differs. Keys that the parents store but inference never reads are
dropped by name, each with its reason (`UNUSED`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Sequence, Tuple

if TYPE_CHECKING:  # torch is imported where tensors are touched: the shape-level mapping runs without it
    import torch

Shape = Tuple[int, ...]


class ConversionError(ValueError):
    """Raised with every problem found, not just the first."""


@dataclass(frozen=True)
class Component:
    name: str            # our name for it, used in messages and the report
    official: str        # prefix in the official state dict (with the trailing dot)
    krsc: bool = False   # holds spconv KRSC weights
    volume: bool = False  # 3-D convolutions over the world-aligned volume grid (see volume_kernel_axes)


# Official components of each parent (checkpoint-structure.md A2 / B2).
SYNCDREAMER: Tuple[Component, ...] = (
    Component("unet", "model.diffusion_model."),
    Component("vae", "first_stage_model."),
    Component("clip", "clip_image_encoder.model.visual."),
    Component("cc_projection", "cc_projection."),
    Component("volume_time_embed", "time_embed."),
    Component("target_encoder", "spatial_volume.target_encoder."),
    Component("spatial_volume_net", "spatial_volume.spatial_volume_feats.", volume=True),
    Component("frustum_net", "spatial_volume.frustum_volume_feats."),
)
MORPHABLE_DIFFUSION: Tuple[Component, ...] = (
    Component("unet", "model.diffusion_model."),
    Component("vae", "first_stage_model."),
    Component("clip", "clip_image_encoder.model.visual."),
    Component("volume_time_embed", "time_embed."),
    Component("target_encoder", "spatial_volume.target_encoder."),
    Component("frustum_net", "spatial_volume.frustum_volume_feats."),
    Component("mesh_vertex_net", "spatial_volume.smpl_feature_extractor."),
    Component("mesh_sparse_net", "spatial_volume.xyzc_net.", krsc=True, volume=True),
)
PARENTS: Dict[str, Tuple[Component, ...]] = {"syncdreamer": SYNCDREAMER, "morphable_diffusion": MORPHABLE_DIFFUSION}

SCHEDULE_BUFFERS = ("betas", "alphas", "alphas_cumprod", "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod",
                    "posterior_variance", "posterior_log_variance_clipped")
CLIP_TEXT_LEFTOVERS = ("token_embedding.weight", "positional_embedding", "ln_final.weight", "ln_final.bias",
                       "text_projection", "logit_scale")

# (regex on the official key, reason) — dropped on purpose; anything else unmapped is an error.
UNUSED_COMMON: Tuple[Tuple[str, str], ...] = (
    (r"(%s)" % "|".join(SCHEDULE_BUFFERS),
     "training schedule buffers; the pack's manifest carries the same scaled-linear schedule (checked by value)"),
    (r"clip_image_encoder\.model\.(%s)" % "|".join(re.escape(k) for k in CLIP_TEXT_LEFTOVERS),
     "CLIP text-tower leftovers (the parents delete `transformer` but keep these); only the visual tower is used"),
    (r"clip_image_encoder\.model\.transformer\..*",
     "CLIP text transformer (only present when CLIP comes from ViT-L-14.pt); only the visual tower is used"),
    (r"clip_image_encoder\.model\.(input_resolution|context_length|vocab_size)",
     "CLIP hyper-parameters stored in ViT-L-14.pt; ours are fixed (ViT-L/14)"),
)
UNUSED: Dict[str, Tuple[Tuple[str, str], ...]] = {
    "syncdreamer": UNUSED_COMMON + (
        (r"(poses|Ks|azimuth)",
         "SyncDreamer's rig buffers from meta_info/camera-16.pkl; the pack's rig is `ring30` of docs/multiview-diffusion.md"),
    ),
    "morphable_diffusion": UNUSED_COMMON,
}
# Official keys that may be absent from our model without being an error (BatchNorm's step counter).
OPTIONAL_OFFICIAL = (re.compile(r".*\.num_batches_tracked$"),)


def unused_reason(parent: str, key: str) -> Optional[str]:
    for pattern, reason in UNUSED[parent]:
        if re.fullmatch(pattern, key):
            return reason
    return None


def krsc_to_torch(w: torch.Tensor) -> torch.Tensor:
    """spconv 2.x KRSC [out, kd, kh, kw, in] → torch Conv3d [out, in, kd, kh, kw] (no kernel flip)."""
    return w.permute(0, 4, 1, 2, 3).contiguous()


def torch_to_krsc(w: torch.Tensor) -> torch.Tensor:
    return w.permute(0, 2, 3, 4, 1).contiguous()


def volume_kernel_axes(M) -> Tuple[Tuple[int, int, int, int, int], Tuple[int, ...]]:
    """p_ours = M·p_parent (M a signed permutation, rows/cols x, y, z) → the permutation of a 5-D
    kernel's dims and the dims to flip so that a conv on our grid equals the parent's conv on its grid.
    Both grids index (d, h, w) = (z, y, x) (SyncDreamer's meshgrid + xyz reversal, our volume_points)."""
    dim_of_axis = {2: 2, 1: 3, 0: 4}  # xyz axis → tensor dim (z → 2, y → 3, x → 4)
    perm = [0, 1, 0, 0, 0]
    flips = []
    for our_dim in (2, 3, 4):
        a_o = {2: 2, 3: 1, 4: 0}[our_dim]
        row = [int(round(float(M[a_o][j]))) for j in range(3)]
        nz = [j for j in range(3) if row[j] != 0]
        if len(nz) != 1 or abs(row[nz[0]]) != 1:
            raise ConversionError(f"the parent's world frame is not an axis permutation of ours (M = {M})")
        perm[our_dim] = dim_of_axis[nz[0]]
        if row[nz[0]] < 0:
            flips.append(our_dim)
    if sorted(perm[2:]) != [2, 3, 4]:
        raise ConversionError(f"the parent's world frame is not an axis permutation of ours (M = {M})")
    return tuple(perm), tuple(flips)  # type: ignore[return-value]


def frame_from_cameras(parent_R, our_R, parent_t=None, our_t=None, tol: float = 1e-4):
    """M with p_ours = M·p_parent from the same rig's world-to-camera rotations in both frames
    (R_ours = R_parent·Mᵀ for every view); an error unless M is a signed permutation valid for every view."""
    import numpy as np

    pr, orr = np.asarray(parent_R, dtype=np.float64), np.asarray(our_R, dtype=np.float64)
    M = np.round(orr[0].T @ pr[0])
    worst = float(np.abs(pr @ M.T - orr).max())
    if parent_t is not None and our_t is not None:
        worst = max(worst, float(np.abs(np.asarray(parent_t, dtype=np.float64) - np.asarray(our_t, dtype=np.float64)).max()))
    if worst > tol or abs(abs(np.linalg.det(M)) - 1) > 1e-9:
        raise ConversionError(f"the checkpoint's cameras are not our rig's up to an axis permutation (max deviation {worst:.3g})")
    volume_kernel_axes(M)
    return M


@dataclass
class KeyMap:
    """official key → our key (None: dropped, with the reason in `dropped`) and the transform used."""
    parent: str
    prefixes: Dict[str, str]                       # component name → our prefix
    ours: Dict[str, Optional[str]] = field(default_factory=dict)
    transform: Dict[str, str] = field(default_factory=dict)   # official key → "copy" | "krsc" | "squeeze"
    dropped: Dict[str, str] = field(default_factory=dict)     # official key → reason
    volume_axes: Optional[Tuple[Tuple[int, ...], Tuple[int, ...]]] = None  # (perm, flips) for volume nets

    def reverse(self) -> Dict[str, str]:
        return {v: k for k, v in self.ours.items() if v is not None}


def _component_of(components: Sequence[Component], key: str) -> Optional[Component]:
    best = None
    for c in components:
        if key.startswith(c.official) and (best is None or len(c.official) > len(best.official)):
            best = c
    return best


def locate_components(parent: str, official_shapes: Mapping[str, Shape], our_shapes: Mapping[str, Shape],
                      overrides: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """Where each official component lives in our model: the prefix P of our keys such that P + suffix
    exists, with a compatible shape, for every (non-optional) suffix of the component. Components of the
    parent with no key in `official_shapes` are skipped; a component found nowhere, or in two places, is
    an error (`overrides` {component: prefix} settles it)."""
    components = PARENTS[parent]
    our = our_shapes
    comp = {c.name: c for c in components}
    suffixes: Dict[str, List[str]] = {}
    for k in official_shapes:
        c = _component_of(components, k)
        if c is not None and unused_reason(parent, k) is None:
            suffixes.setdefault(c.name, []).append(k[len(c.official):])
    found: Dict[str, str] = {}
    problems = []
    for c in components:
        if c.name not in suffixes:
            continue
        if overrides and c.name in overrides:
            found[c.name] = overrides[c.name]
            continue
        needed = [s for s in suffixes[c.name] if not any(p.match(s) for p in OPTIONAL_OFFICIAL)]
        anchor = max(needed, key=len)
        candidates = sorted({k[: len(k) - len(anchor)] for k in our if k.endswith(anchor)})
        c_official = comp[c.name].official

        def fits(p: str, s: str) -> bool:
            return p + s in our and _transform_for(comp[c.name], tuple(official_shapes[c_official + s]), tuple(our[p + s])) is not None

        good = [p for p in candidates if all(fits(p, s) for s in needed)]
        if len(good) == 1:
            found[c.name] = good[0]
        elif c.official in good or (not good and any(c.official + s in our for s in needed)):
            # our model mirrors the parents' names: the official prefix wins a tie, and when it holds only
            # part of the component the per-key errors below name what is missing or misshaped
            found[c.name] = c.official
        elif good:
            problems.append(f"component {c.name} ({c.official}*): found under several prefixes {good}")
        else:
            best = max(candidates, key=lambda p: sum(fits(p, s) for s in needed), default=None)
            hint = ""
            if best is not None:
                miss = [s for s in needed if not fits(best, s)]
                hint = f"; closest prefix {best!r} lacks {len(miss)} of {len(needed)}, e.g. {miss[:3]}"
            problems.append(f"component {c.name} ({c.official}*, {len(needed)} keys): no prefix in our model holds all of them{hint}")
    if problems:
        raise ConversionError("our model does not have a place for the official components:\n  " + "\n  ".join(problems))
    return found


def build_key_map(parent: str, official_shapes: Mapping[str, Shape], our_shapes: Mapping[str, Shape],
                  overrides: Optional[Mapping[str, str]] = None,
                  ours_not_from_checkpoint: Sequence[str] = (), volume_frame=None) -> KeyMap:
    """Map every official key; raise ConversionError listing every unknown key, every shape mismatch and
    every key of ours left unfilled (except those matching a regex of `ours_not_from_checkpoint`)."""
    components = PARENTS[parent]
    prefixes = locate_components(parent, official_shapes, our_shapes, overrides)
    km = KeyMap(parent, prefixes)
    if volume_frame is not None:
        import numpy as np

        if not np.allclose(np.asarray(volume_frame, dtype=np.float64), np.eye(3)):
            km.volume_axes = volume_kernel_axes(volume_frame)
    unknown, misshaped, collisions = [], [], []
    filled: Dict[str, str] = {}
    for key, shape in official_shapes.items():
        shape = tuple(shape)
        reason = unused_reason(parent, key)
        if reason is not None:
            km.ours[key] = None
            km.dropped[key] = reason
            continue
        c = _component_of(components, key)
        if c is None or c.name not in prefixes:
            unknown.append(f"{key} {list(shape)}")
            continue
        ours = prefixes[c.name] + key[len(c.official):]
        if ours not in our_shapes:
            if any(p.match(key) for p in OPTIONAL_OFFICIAL):
                km.ours[key] = None
                km.dropped[key] = "BatchNorm step counter; our model keeps none"
                continue
            unknown.append(f"{key} {list(shape)} (would be {ours})")
            continue
        target = tuple(our_shapes[ours])
        how = _transform_for(c, shape, target)
        if how is None:
            misshaped.append(f"{key} {list(shape)} → {ours} {list(target)}")
            continue
        if ours in filled:
            collisions.append(f"{ours} ← {filled[ours]} and {key}")
        filled[ours] = key
        if c.volume and km.volume_axes is not None and len(target) == 5:
            how = how + "+axes"
        km.ours[key] = ours
        km.transform[key] = how
    skip = [re.compile(p) for p in ours_not_from_checkpoint]
    unfilled = [f"{k} {list(s)}" for k, s in our_shapes.items() if k not in filled and not any(p.fullmatch(k) for p in skip)]
    problems = []
    if unknown:
        problems.append(f"{len(unknown)} official key(s) with no place in our model:\n    " + "\n    ".join(unknown))
    if misshaped:
        problems.append(f"{len(misshaped)} shape mismatch(es):\n    " + "\n    ".join(misshaped))
    if collisions:
        problems.append(f"{len(collisions)} key(s) of ours filled twice:\n    " + "\n    ".join(collisions))
    if unfilled:
        problems.append(f"{len(unfilled)} key(s) of our model that no official key fills (missing from the checkpoint?):\n    "
                        + "\n    ".join(unfilled))
    if problems:
        raise ConversionError(f"{parent}: the checkpoint does not match the model\n  " + "\n  ".join(problems))
    return km


def _transform_for(c: Component, shape: Shape, target: Shape) -> Optional[str]:
    if c.krsc and len(shape) == 5 and len(target) == 5:
        if (shape[0], shape[4], shape[1], shape[2], shape[3]) == target:
            return "krsc"
    if shape == target:
        return "copy"
    if [d for d in shape if d != 1] == [d for d in target if d != 1]:
        return "squeeze"
    return None


def apply_key_map(km: KeyMap, official: Mapping[str, torch.Tensor], our_shapes: Mapping[str, Shape],
                  dtype: Optional[torch.dtype] = None) -> Dict[str, torch.Tensor]:
    """The state dict for our model: each mapped official tensor, transformed. Float tensors are cast
    to `dtype` (default: kept); integer buffers (num_batches_tracked) keep theirs."""
    out: Dict[str, torch.Tensor] = {}
    for key, ours in km.ours.items():
        if ours is None:
            continue
        t = official[key]
        how = km.transform[key]
        if how.startswith("krsc"):
            t = krsc_to_torch(t)
        elif how.startswith("squeeze"):
            t = t.reshape(tuple(our_shapes[ours]))
        if how.endswith("+axes"):
            perm, flips = km.volume_axes
            t = t.permute(*perm)
            t = (t.flip(*flips) if flips else t).contiguous()
        if dtype is not None and t.is_floating_point():
            t = t.to(dtype)
        out[ours] = t
    return out


def check_official_keys(parent: str, checkpoint_shapes: Mapping[str, Shape], official_shapes: Mapping[str, Shape],
                        optional: Sequence[str] = ()) -> None:
    """The checkpoint against the official model's own key list (fixtures/official_keys/mvd_parents.json):
    missing keys, keys the official model does not have, shapes that differ — all listed in one error.
    `optional`: regexes of official keys a checkpoint may lack (dropped ones, e.g. CLIP leftovers)."""
    opt = [re.compile(p) for p in optional]
    missing = [f"{k} {list(s)}" for k, s in official_shapes.items()
               if k not in checkpoint_shapes and not any(p.fullmatch(k) for p in opt)]
    extra = [f"{k} {list(s)}" for k, s in checkpoint_shapes.items() if k not in official_shapes]
    wrong = [f"{k}: checkpoint {list(s)}, official {list(official_shapes[k])}" for k, s in checkpoint_shapes.items()
             if k in official_shapes and tuple(s) != tuple(official_shapes[k])]
    problems = []
    if missing:
        problems.append(f"{len(missing)} key(s) of the official model missing from the checkpoint:\n    " + "\n    ".join(missing[:200]))
    if extra:
        problems.append(f"{len(extra)} key(s) the official model does not have:\n    " + "\n    ".join(extra[:200]))
    if wrong:
        problems.append(f"{len(wrong)} shape(s) differ from the official model:\n    " + "\n    ".join(wrong[:200]))
    if problems:
        raise ConversionError(f"not a {parent} checkpoint as the official code writes it\n  " + "\n  ".join(problems))


def schedule_betas(beta_start: float, beta_end: float, steps: int) -> torch.Tensor:
    """Scaled-linear β (float32 as the parents compute it)."""
    import torch

    return torch.linspace(beta_start ** 0.5, beta_end ** 0.5, steps, dtype=torch.float32) ** 2


def check_schedule(official: Mapping[str, torch.Tensor], beta_start: float, beta_end: float, steps: int,
                   tol: float = 1e-7) -> None:
    """The checkpoint's `betas` must be the schedule the pack's manifest declares."""
    betas = official.get("betas")
    if betas is None:
        return
    ref = schedule_betas(beta_start, beta_end, steps)
    if betas.shape != ref.shape or float((betas.float() - ref).abs().max()) > tol:
        raise ConversionError(f"the checkpoint's noise schedule (betas) is not scaled-linear {beta_start}→{beta_end} "
                              f"over {steps} steps; the pack would sample with the wrong schedule")
