"""The synthetic heads of training/data/ (make-synthetic-heads.ts) as training batches for
`train.diffusion_loss` and the VAE.

A dataset folder holds `id-NNNNNN/` folders: `views.npy` uint8 [V,S0,S0,3] (targets on white),
`input.npy` uint8 [S0,S0,3] (the engine's crop of the photo), optional `condition.npy` (the input at the
condition resolution), `mesh_vertices.npy` float32 [N,3] (volume frame), `mesh_colour.npy` float32
[N,4], `identity.json` (`prior: null` → left out). Images are resized (antialiased) to the config's
sizes when they differ, kept as uint8 on the CPU, and become [-1,1] floats in `to_batch`.

Horizontal flip is consistent: mirroring the world about the volume frame's x = 0 plane maps the camera
of view k to the camera of view mirror[k] (azimuth −a, same elevation, found from the rig's cameras),
whose image is view k's mirrored; the input view is mirrored, its elevation is unchanged, the prior's
vertices get x → −x and keep their colour/visibility. Target latents of the flipped views are encoded
separately (the VAE is not flip-equivariant)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .config import MVDConfig
from .rig import Rig, camera_centre, view_embeddings


@dataclass
class Identity:
    name: str
    views: torch.Tensor          # uint8 [V,3,S,S]
    input: torch.Tensor          # uint8 [3,S,S]
    condition: torch.Tensor      # uint8 [3,R,R]
    mesh_vertices: torch.Tensor  # float32 [N,3]
    mesh_colour: torch.Tensor    # float32 [N,4]
    input_elevation_deg: float


def list_identities(root: str) -> List[Path]:
    """Identity folders with a prior and all the files a batch needs, sorted by name."""
    out = []
    for d in sorted(Path(root).glob("id-*")):
        need = ["views.npy", "input.npy", "mesh_vertices.npy", "mesh_colour.npy", "identity.json"]
        if not all((d / n).exists() for n in need):
            continue
        meta = json.loads((d / "identity.json").read_text())
        if not meta.get("prior"):
            continue
        out.append(d)
    return out


def split_identities(paths: Sequence[Path], val_count: int) -> Tuple[List[Path], List[Path]]:
    """(train, val): the val_count identities with the smallest sha1 of their name are held out, so the
    held-out set stays (mostly) the same when the data set grows. Keeps ≥ 1 for training."""
    val_count = max(0, min(val_count, len(paths) - 1))
    ranked = sorted(paths, key=lambda p: hashlib.sha1(p.name.encode()).hexdigest())
    val = sorted(ranked[:val_count])
    return [p for p in paths if p not in val], val


def resize_uint8(images: np.ndarray, size: int) -> torch.Tensor:
    """uint8 [..., H, W, 3] → uint8 [..., 3, size, size] (bilinear, antialiased when shrinking)."""
    x = torch.from_numpy(np.ascontiguousarray(images))
    lead = x.shape[:-3]
    x = x.reshape(-1, *x.shape[-3:]).permute(0, 3, 1, 2)
    if x.shape[-1] != size:
        y = F.interpolate(x.float(), size=(size, size), mode="bilinear", align_corners=False,
                          antialias=size < x.shape[-1])
        x = y.round().clamp(0, 255).to(torch.uint8)
    return x.reshape(*lead, 3, size, size).contiguous()


def load_identity(path: Path, cfg: MVDConfig) -> Identity:
    meta = json.loads((path / "identity.json").read_text())
    views = np.load(path / "views.npy")
    if views.shape[0] != cfg.views:
        raise ValueError(f"{path}: {views.shape[0]} views, the config has {cfg.views}")
    inp = np.load(path / "input.npy")
    cond_path = path / "condition.npy"
    cond_src = np.load(cond_path) if cond_path.exists() else inp
    return Identity(
        name=path.name,
        views=resize_uint8(views, cfg.image_size),
        input=resize_uint8(inp, cfg.image_size),
        condition=resize_uint8(cond_src, cfg.condition_resolution),
        mesh_vertices=torch.from_numpy(np.load(path / "mesh_vertices.npy").astype(np.float32)),
        mesh_colour=torch.from_numpy(np.load(path / "mesh_colour.npy").astype(np.float32)),
        input_elevation_deg=float(meta["prior"].get("inputElevationDeg", 0.0)),
    )


def to_unit(x: torch.Tensor) -> torch.Tensor:
    """uint8 → float in [-1, 1]."""
    return x.float() / 127.5 - 1.0


def mirror_permutation(rig: Rig) -> Optional[List[int]]:
    """mirror[k] = the view whose camera is view k's mirrored about x = 0, or None if the rig has none."""
    centres = [camera_centre(a, e, rig.distance) for a, e in zip(rig.azimuths, rig.elevations)]
    out = []
    for c in centres:
        m = c * np.array([-1.0, 1.0, 1.0])
        d = [float(np.linalg.norm(m - o)) for o in centres]
        j = int(np.argmin(d))
        if d[j] > 1e-6:
            return None
        out.append(j)
    return out


def flip_views(views: torch.Tensor, mirror: Sequence[int]) -> torch.Tensor:
    """[V,3,S,S] → the views of the mirrored world: slot k holds view mirror[k], mirrored."""
    return views[list(mirror)].flip(-1)


class HeadData:
    """Identities in memory plus the per-identity latent cache (the VAE is frozen in phase 2)."""

    def __init__(self, root: str, cfg: MVDConfig, rig: Rig, val_count: int = 4, max_identities: int = 0,
                 flip: bool = False) -> None:
        paths = list_identities(root)
        if max_identities:
            paths = paths[:max_identities]
        if len(paths) < 2:
            raise ValueError(f"{root}: {len(paths)} usable identities (need ≥ 2)")
        train, val = split_identities(paths, val_count)
        self.cfg, self.rig = cfg, rig
        self.train = [load_identity(p, cfg) for p in train]
        self.val = [load_identity(p, cfg) for p in val]
        self.mirror = mirror_permutation(rig) if flip else None
        self.flip = self.mirror is not None
        self.latents: Dict[Tuple[str, bool], torch.Tensor] = {}

    # --- latents -----------------------------------------------------------------------------
    @torch.no_grad()
    def cache_latents(self, model, device: torch.device, chunk: int = 16) -> None:
        """Target latents (posterior mean × latent_scale) of every identity, and of its flip when on."""
        self.latents.clear()
        vae = model.first_stage_model
        was = vae.training
        vae.eval()
        train_names = {i.name for i in self.train}
        for ident in self.train + self.val:
            for flipped in ([False, True] if self.flip and ident.name in train_names else [False]):
                views = flip_views(ident.views, self.mirror) if flipped else ident.views
                lat = [model.encode_input(to_unit(views[i:i + chunk]).to(device)).float() for i in range(0, len(views), chunk)]
                self.latents[(ident.name, flipped)] = torch.cat(lat)
        vae.train(was)

    # --- batches -----------------------------------------------------------------------------
    def batch(self, ident: Identity, device: torch.device, flipped: bool = False) -> Dict[str, torch.Tensor]:
        """The dict diffusion_loss reads (needs cache_latents first)."""
        inp, cond, verts = ident.input, ident.condition, ident.mesh_vertices
        if flipped:
            inp, cond = inp.flip(-1), cond.flip(-1)
            verts = verts * torch.tensor([-1.0, 1.0, 1.0])
        ve = view_embeddings(self.rig, ident.input_elevation_deg)
        return {
            "target_latents": self.latents[(ident.name, flipped)].to(device),
            "input_image": to_unit(inp[None]).to(device),
            "condition_image": to_unit(cond[None]).to(device),
            "view_embed": torch.from_numpy(ve).to(device),
            "mesh_vertices": verts.to(device),
            "mesh_colour": ident.mesh_colour.to(device),
        }

    def view_images(self, idents: Sequence[Identity], flips: Sequence[bool], view_ids: Sequence[int]) -> torch.Tensor:
        """uint8 [B,3,S,S] of (identity, flip, view) triples, for the VAE."""
        out = []
        for ident, f, v in zip(idents, flips, view_ids):
            img = ident.views[v].flip(-1) if f else ident.views[v]  # a mirrored view is a view
            out.append(img)
        return torch.stack(out)


class Order:
    """Seeded random order over n training identities, epoch after epoch; (epoch, position) resumes it."""

    def __init__(self, n: int, seed: int, epoch: int = 0, position: int = 0) -> None:
        self.n, self.seed, self.epoch, self.position = n, seed, epoch, position
        self._perm = self._make()

    def _make(self) -> List[int]:
        g = torch.Generator().manual_seed(self.seed * 100003 + self.epoch)
        return torch.randperm(self.n, generator=g).tolist()

    def next(self) -> int:
        if self.position >= self.n:
            self.epoch, self.position = self.epoch + 1, 0
            self._perm = self._make()
        i = self._perm[self.position]
        self.position += 1
        return i

    def state(self) -> dict:
        return {"epoch": self.epoch, "position": self.position, "seed": self.seed}
