"""Trilinear sampling of a dense volume by gather — torch's 5-D grid_sample (bilinear, zeros padding,
align_corners=True) without a 5-D GridSample op: 8 corner indices and weights, then 8 Gathers.

Positions are in voxel-index units, (d, h, w) order (= (z, y, x) of the volume frame); a corner
outside the volume gets weight 0 (zeros padding). Plain Floor/Cast/Less/Mul ops: the same function
precomputes rig constants and runs inside volume.onnx for the mesh vertices."""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

import torch

CORNERS = [(i, j, k) for i in (0, 1) for j in (0, 1) for k in (0, 1)]


def grid_to_index(grid_xyz: torch.Tensor, dims: Sequence[int]) -> torch.Tensor:
    """grid_sample's normalised coordinates [...,3] (x→W, y→H, z→D) → index positions (d, h, w)."""
    size = torch.tensor([dims[2], dims[1], dims[0]], dtype=grid_xyz.dtype)
    idx_xyz = (grid_xyz + 1) * 0.5 * (size - 1)
    return idx_xyz.flip(-1)


def trilinear_corners(pos: torch.Tensor, dims: Sequence[int], limit: Optional[torch.Tensor] = None
                      ) -> Tuple[torch.Tensor, torch.Tensor]:
    """pos [P,3] (d,h,w) → flat indices [8,P] int64 into D·H·W and weights [8,P]. `limit` [3] (float,
    may be computed in the graph): corners at or beyond it count as outside too (a smaller volume
    stored at the corner of a larger array)."""
    D, H, W = (int(d) for d in dims)
    base = torch.floor(pos)
    frac = pos - base
    base = base.long()
    idx, wts = [], []
    for c in CORNERS:
        off = torch.tensor(c, dtype=torch.long)
        corner = base + off
        inside = ((corner >= 0) & (corner < torch.tensor([D, H, W]))).all(-1)
        if limit is not None:
            inside = inside & (corner.to(limit.dtype) < limit).all(-1)
        weight = torch.ones_like(pos[:, 0])
        for a in range(3):
            weight = weight * (frac[:, a] if c[a] else 1 - frac[:, a])
        corner = torch.minimum(torch.clamp(corner, min=0), torch.tensor([D - 1, H - 1, W - 1]))
        idx.append(corner[:, 0] * (H * W) + corner[:, 1] * W + corner[:, 2])
        wts.append(weight * inside.to(pos.dtype))
    return torch.stack(idx), torch.stack(wts)


def gather_trilinear_rows(rows: torch.Tensor, idx: torch.Tensor, wts: torch.Tensor) -> torch.Tensor:
    """rows [D·H·W, C] (channels last), idx/wts [8,P] → [P,C]. One Gather per corner keeps memory at
    P·C; gathering whole rows and scaling them by a per-row weight are the fast cases in ONNX Runtime
    (a Gather on axis 1 and a [C,P]·[P] broadcast ran ~30× slower there)."""
    out = None
    for k in range(idx.shape[0]):
        term = rows.index_select(0, idx[k]) * wts[k][:, None]
        out = term if out is None else out + term
    return out


def gather_trilinear(volume_flat: torch.Tensor, idx: torch.Tensor, wts: torch.Tensor) -> torch.Tensor:
    """volume_flat [C, D·H·W], idx/wts [8,P] → [C,P]."""
    return gather_trilinear_rows(volume_flat.t(), idx, wts).t()
