"""Rig constants of the volume graph: where each L³ voxel lands in each view's feature map
(unprojection, 4-D grid_sample) and where each frustum sample lands in the L³ volume (trilinear gather).
Both are fixed by the rig, so they are computed once here (float64) and stored as graph constants."""
from __future__ import annotations

from typing import Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .rig import Rig, frustum_points, rig_cameras
from .trilinear import grid_to_index, trilinear_corners


def volume_points(size: int, length: float) -> np.ndarray:
    """World points [L,L,L,3] of the appearance volume, indexed (d,h,w) = (z,y,x) as SyncDreamer's."""
    lin = np.linspace(-length, length, size)
    z, y, x = np.meshgrid(lin, lin, lin, indexing="ij")
    return np.stack([x, y, z], -1)


def unprojection_grids(rig: Rig, image_size: int, feature_size: int, volume_size: int, length: float) -> torch.Tensor:
    """[V, L, L·L, 2] grid_sample grids (align_corners=True) of the L³ voxels in each view's
    feature_size² map (SyncDreamer's get_warp_coordinates: K scaled by feature/image size, depth
    clamped at 1e-4, normalised by (size−1)/2 − 1)."""
    K, R, t = rig_cameras(rig, image_size)
    pts = volume_points(volume_size, length).reshape(-1, 3)
    s = feature_size / image_size
    grids = []
    for k in range(rig.views):
        P = np.diag([s, s, 1.0]) @ K[k]
        uvw = (pts @ R[k].T + t[k]) @ P.T
        uv = uvw[:, :2] / np.maximum(uvw[:, 2:3], 1e-4)
        grids.append(uv / ((feature_size - 1) / 2) - 1)
    L = volume_size
    return torch.from_numpy(np.stack(grids).reshape(rig.views, L, L * L, 2).astype(np.float32))


def unproject(features: torch.Tensor, grids: torch.Tensor, volume_size: int) -> torch.Tensor:
    """features [V,C,h,w], grids [V,L,L²,2] → per-view appearance volumes [V,C,L,L,L]."""
    V, C = features.shape[:2]
    L = volume_size
    out = F.grid_sample(features, grids, mode="bilinear", padding_mode="zeros", align_corners=True)
    return out.reshape(V, C, L, L, L)


def frustum_sampling(rig: Rig, image_size: int, feature_size: int, depth: int, frustum_length: float,
                     volume_size: int, length: float) -> Tuple[torch.Tensor, torch.Tensor]:
    """Trilinear corners of every frustum sample in the L³ volume: idx [8, V·D·h·h] int64, weights
    float32 — the 5-D grid_sample of SyncDreamer's construct_view_frustum_volume, precomputed."""
    K, R, t = rig_cameras(rig, image_size)
    pts = []
    for k in range(rig.views):
        near, far = rig.distance - frustum_length, rig.distance + frustum_length
        pts.append(frustum_points(K[k], R[k], t[k], image_size, feature_size, depth, near, far))
    grid = torch.from_numpy(np.stack(pts).reshape(-1, 3) / length)  # float64 normalised (x,y,z)
    pos = grid_to_index(grid, (volume_size,) * 3)
    idx, wts = trilinear_corners(pos, (volume_size,) * 3)
    return idx, wts.float()
