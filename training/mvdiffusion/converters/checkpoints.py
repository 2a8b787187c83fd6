"""Reading the user's files (Lightning `.ckpt`, OpenAI's `ViT-L-14.pt`) and filling `MultiViewDiffusion`
from them through the strict key map of `keys.py`. Nothing is downloaded; every failure says which file
and what is wrong with it."""
from __future__ import annotations

import contextlib
import io
import json
import pickle
import re
import zipfile
from pathlib import Path
from typing import Dict, Iterator, Mapping, Optional, Sequence, Tuple

import torch
from torch import nn

from .keys import ConversionError, KeyMap, apply_key_map, build_key_map, check_official_keys, check_schedule

OFFICIAL_KEYS_JSON = Path(__file__).resolve().parents[2] / "fixtures" / "official_keys" / "mvd_parents.json"


class _Placeholder:
    """Stands for any class the checkpoint pickled that is not installed here (omegaconf configs,
    Lightning callbacks' state, pathlib on another OS …): only `state_dict` is read."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        self.state = state

    def __call__(self, *args, **kwargs):
        return _Placeholder()


class _TolerantUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return super().find_class(module, name)
        except (ImportError, AttributeError):
            return _Placeholder


class _tolerant_pickle:
    """A `pickle_module` for torch.load whose Unpickler survives classes that are not installed."""
    Unpickler = _TolerantUnpickler
    load = pickle.load
    __name__ = "tolerant_pickle"


@contextlib.contextmanager
def _tolerant_unpickling() -> Iterator[None]:
    """Debian's torch 1.13 ignores `pickle_module` unless weights_only is set (its torch.load assigns
    `pickle_module = pickle` in the else branch), so the module-level name torch.serialization reads is
    swapped for the duration of the load; newer torch honours the argument and this changes nothing."""
    import torch.serialization as serialization

    saved = serialization.pickle
    serialization.pickle = _tolerant_pickle  # type: ignore[assignment]
    try:
        yield
    finally:
        serialization.pickle = saved


def load_lightning_state_dict(path: str | Path) -> Dict[str, torch.Tensor]:
    """`ckpt["state_dict"]` of a Lightning checkpoint (or the dict itself when it holds tensors only)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    try:
        with _tolerant_unpickling():
            obj = torch.load(str(path), map_location="cpu", pickle_module=_tolerant_pickle)
    except Exception as e:  # noqa: BLE001 — a user's file: say what it is not
        raise ConversionError(f"{path}: not a PyTorch checkpoint that torch.load can read ({type(e).__name__}: {e})") from e
    if isinstance(obj, Mapping) and "state_dict" in obj and isinstance(obj["state_dict"], Mapping):
        sd = obj["state_dict"]
    elif isinstance(obj, Mapping) and obj and all(torch.is_tensor(v) for v in obj.values()):
        sd = obj
    else:
        what = sorted(obj.keys())[:10] if isinstance(obj, Mapping) else type(obj).__name__
        raise ConversionError(f"{path}: no `state_dict` in it (top level: {what}); expected the Lightning .ckpt of the official release")
    bad = [k for k, v in sd.items() if not torch.is_tensor(v)]
    if bad:
        raise ConversionError(f"{path}: state_dict entries that are not tensors: {bad[:10]}")
    return dict(sd)


def load_clip_visual(path: str | Path) -> Dict[str, torch.Tensor]:
    """OpenAI's ViT-L-14.pt (a TorchScript archive; a plain state dict also works) → its state dict,
    keys as in CLIP (`visual.*`, `transformer.*`, …)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"CLIP file not found: {path}")
    try:
        sd = torch.jit.load(str(path), map_location="cpu").state_dict()
    except Exception:  # noqa: BLE001 — not TorchScript: a pickled state dict
        try:
            sd = torch.load(str(path), map_location="cpu", pickle_module=_tolerant_pickle)
        except Exception as e:  # noqa: BLE001
            raise ConversionError(f"{path}: neither a TorchScript CLIP model nor a state dict ({e})") from e
        if isinstance(sd, nn.Module):
            sd = sd.state_dict()
    if not any(k.startswith("visual.") for k in sd):
        raise ConversionError(f"{path}: no `visual.*` weights: not OpenAI's CLIP ViT-L/14 file")
    return {k: v for k, v in sd.items() if torch.is_tensor(v)}


def merge_clip(official: Dict[str, torch.Tensor], clip_sd: Optional[Mapping[str, torch.Tensor]], clip_path: Optional[str]) -> None:
    """The parents keep CLIP under `clip_image_encoder.model.*`. A checkpoint without it needs `--clip`;
    one with it ignores `--clip` (the checkpoint's copy is what the model was trained with)."""
    has = any(k.startswith("clip_image_encoder.model.visual.") for k in official)
    if has:
        return
    if clip_sd is None:
        raise ConversionError("the checkpoint holds no CLIP image encoder (clip_image_encoder.model.visual.*): "
                              "pass OpenAI's ViT-L-14.pt with --clip")
    for k, v in clip_sd.items():
        official["clip_image_encoder.model." + k] = v


def official_shapes(parent: str, path: Path = OFFICIAL_KEYS_JSON) -> Dict[str, Tuple[int, ...]]:
    """The official model's state-dict shapes (fixtures/official_keys/mvd_parents.json)."""
    doc = json.loads(Path(path).read_text())
    table = dict(doc["shared"])
    table.update(doc[parent])
    return {k: tuple(v[0]) for k, v in table.items()}


@contextlib.contextmanager
def skip_init() -> Iterator[None]:
    """Build a module without running its initialisers (every weight is overwritten by the checkpoint
    afterwards; the strict key map guarantees it). Saves ~1 min and keeps pages uncommitted for the
    1.3 B-parameter model on 2 cores."""
    names = ["uniform_", "normal_", "zeros_", "ones_", "constant_", "xavier_uniform_", "xavier_normal_",
             "kaiming_uniform_", "kaiming_normal_", "trunc_normal_", "eye_", "orthogonal_"]
    saved_init = {n: getattr(nn.init, n) for n in names if hasattr(nn.init, n)}
    classes = [nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose3d, nn.ConvTranspose2d, nn.LayerNorm,
               nn.GroupNorm, nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.Embedding]
    saved_reset = {c: c.__dict__.get("reset_parameters") for c in classes}

    def nothing(tensor, *args, **kwargs):
        return tensor

    try:
        for n in saved_init:
            setattr(nn.init, n, nothing)
        for c in classes:
            c.reset_parameters = lambda self: None
        yield
    finally:
        for n, f in saved_init.items():
            setattr(nn.init, n, f)
        for c, f in saved_reset.items():
            if f is None:
                with contextlib.suppress(AttributeError):
                    delattr(c, "reset_parameters")
            else:
                c.reset_parameters = f


def persistent_shapes(model: nn.Module) -> Dict[str, Tuple[int, ...]]:
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def fill_model(parent: str, model: nn.Module, official: Dict[str, torch.Tensor], *,
               check_against_official_list: bool = True, beta_start: float = 0.00085, beta_end: float = 0.012,
               train_steps: int = 1000, volume_frame=None) -> KeyMap:
    """Checks `official` (the checkpoint's state dict) and loads it into `model` (strict both ways).
    `volume_frame`: M with p_ours = M·p_parent (keys.frame_from_cameras) for the volume nets' kernels.
    Returns the key map (official key → ours, or dropped with a reason)."""
    ckpt_shapes = {k: tuple(v.shape) for k, v in official.items()}
    if check_against_official_list and OFFICIAL_KEYS_JSON.exists():
        optional = [r"clip_image_encoder\.model\.(token_embedding\.weight|positional_embedding|ln_final\..*|text_projection|logit_scale)",
                    r"(poses|Ks|azimuth)", r"(betas|alphas|alphas_cumprod|sqrt_alphas_cumprod|sqrt_one_minus_alphas_cumprod|"
                    r"posterior_variance|posterior_log_variance_clipped)"]
        from .keys import unused_reason

        reference = official_shapes(parent)
        # keys that only a separately given CLIP file brings (its text tower) are not the official model's
        extra_ok = {k: s for k, s in ckpt_shapes.items() if k not in reference and unused_reason(parent, k) is not None}
        check_official_keys(parent, {k: s for k, s in ckpt_shapes.items() if k not in extra_ok}, reference, optional)
    check_schedule(official, beta_start, beta_end, train_steps)
    our = persistent_shapes(model)
    km = build_key_map(parent, ckpt_shapes, our, volume_frame=volume_frame)
    sd = apply_key_map(km, official, our)
    missing, unexpected = model.load_state_dict(sd, strict=True)
    assert not missing and not unexpected
    return km


def summary(km: KeyMap) -> str:
    mapped = sum(1 for v in km.ours.values() if v is not None)
    krsc = sum(1 for t in km.transform.values() if t.startswith("krsc"))
    axes = sum(1 for t in km.transform.values() if t.endswith("+axes"))
    reasons: Dict[str, int] = {}
    for r in km.dropped.values():
        reasons[r] = reasons.get(r, 0) + 1
    lines = [f"{km.parent}: {mapped} keys mapped ({krsc} spconv KRSC weights permuted, {axes} volume kernels re-axed "
             f"{km.volume_axes}), {len(km.dropped)} dropped"]
    lines += [f"  component {name}: official prefix → ours {prefix!r}" for name, prefix in km.prefixes.items()]
    lines += [f"  dropped {n}: {r}" for r, n in reasons.items()]
    return "\n".join(lines)
