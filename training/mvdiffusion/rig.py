"""Camera rigs of docs/multiview-diffusion.md: cameras in the volume frame, view embeddings, groups.

A view at azimuth a, elevation e (degrees) sits at d·(sin a·cos e, sin e, cos a·cos e) and looks at the
origin; cameras are OpenCV (x right, y down, z forward), world-to-camera x_cam = R·x + t."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np

HEAD_SCALE = 2.5   # volume frame = head frame (metres) × 2.5
DISTANCE = 1.5     # SyncDreamer's camera distance, volume units
FOCAL_AT_256 = 280.0


@dataclass(frozen=True)
class Rig:
    name: str
    azimuths: Tuple[float, ...]    # degrees
    elevations: Tuple[float, ...]  # degrees
    groups: Tuple[Tuple[int, ...], ...]
    view_embedding: str            # "relative" | "relative-negated-elevation" | "constant"
    distance: float = DISTANCE
    head_scale: float = HEAD_SCALE
    focal_at_256: float = FOCAL_AT_256  # fx = fy at 256 px (Morphable Diffusion's virtual rig: 1545.24)

    @property
    def views(self) -> int:
        return len(self.azimuths)


def contiguous_groups(views: int, size: int) -> Tuple[Tuple[int, ...], ...]:
    return tuple(tuple(range(g, min(g + size, views))) for g in range(0, views, size))


def make_rig(name: str, views: int = 16, group_size: int = 4) -> Rig:
    groups = contiguous_groups(views, group_size)
    step = 360.0 / views
    if name == "head360":
        # Alternating +20°/−5° elevation: the crown and the underside of the chin are both seen.
        az = tuple(k * step for k in range(views))
        el = tuple(20.0 if k % 2 == 0 else -5.0 for k in range(views))
        return Rig(name, az, el, groups, "relative")
    if name == "ring30":
        return Rig(name, tuple(k * step for k in range(views)), (30.0,) * views, groups, "relative-negated-elevation")
    if name == "face180":
        az = tuple(float(a) for a in np.linspace(-90.0, 90.0, views))
        return Rig(name, az, (0.0,) * views, groups, "constant")
    raise KeyError(f"unknown rig {name!r}")


def intrinsics(resolution: int, focal_at_256: float = FOCAL_AT_256) -> Tuple[float, float, float, float]:
    """fx, fy, cx, cy for `resolution` px (SyncDreamer's 280, 280, 128, 128 at 256 px, scaled)."""
    s = resolution / 256.0
    return focal_at_256 * s, focal_at_256 * s, 128.0 * s, 128.0 * s


def K_matrix(resolution: int, focal_at_256: float = FOCAL_AT_256) -> np.ndarray:
    fx, fy, cx, cy = intrinsics(resolution, focal_at_256)
    return np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1]], dtype=np.float64)


def camera_centre(azimuth_deg: float, elevation_deg: float, distance: float) -> np.ndarray:
    a, e = math.radians(azimuth_deg), math.radians(elevation_deg)
    return distance * np.array([math.sin(a) * math.cos(e), math.sin(e), math.cos(a) * math.cos(e)])


def look_at_origin(centre: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """World-to-camera R, t of an OpenCV camera at `centre` looking at the origin with +Y world up."""
    z = -centre / np.linalg.norm(centre)
    x = np.cross(z, np.array([0.0, 1.0, 0.0]))
    x /= np.linalg.norm(x)  # |elevation| < 90° on every rig, so z is never parallel to up
    y = np.cross(z, x)      # points down in the image
    R = np.stack([x, y, z])
    return R, -R @ centre


def rig_cameras(rig: Rig, resolution: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """K [V,3,3], R [V,3,3], t [V,3] in the volume frame (float64)."""
    Rs, ts = [], []
    for a, e in zip(rig.azimuths, rig.elevations):
        R, t = look_at_origin(camera_centre(a, e, rig.distance))
        Rs.append(R)
        ts.append(t)
    K = np.repeat(K_matrix(resolution, rig.focal_at_256)[None], rig.views, 0)
    return K, np.stack(Rs), np.stack(ts)


def view_embeddings(rig: Rig, input_elevation_deg: float = 0.0) -> np.ndarray:
    """[V+1, 4] float32: the V target views, then the input element's own [0, 0, 1, 0].

    The input view has azimuth 0 and elevation = the prior camera's pitch (`input_elevation_deg`)."""
    rows: List[List[float]] = []
    e_in = math.radians(input_elevation_deg)
    for a, e in zip(rig.azimuths, rig.elevations):
        da, de = math.radians(a), math.radians(e) - e_in
        if rig.view_embedding == "constant":
            rows.append([0.0, 0.0, 1.0, 0.0])
        elif rig.view_embedding == "relative":
            rows.append([de, math.sin(da), math.cos(da), 0.0])
        elif rig.view_embedding == "relative-negated-elevation":
            rows.append([-de, math.sin(da), math.cos(da), 0.0])
        else:
            raise KeyError(rig.view_embedding)
    rows.append([0.0, 0.0, 1.0, 0.0])
    return np.asarray(rows, dtype=np.float32)


def manifest_rig(rig: Rig, resolution: int) -> dict:
    """The manifest's `rig` block."""
    fx, fy, cx, cy = intrinsics(resolution, rig.focal_at_256)
    return {
        "name": rig.name, "headScale": rig.head_scale, "distance": rig.distance,
        "fx": fx, "fy": fy, "cx": cx, "cy": cy,
        "views": [{"azimuth": round(a, 6), "elevation": round(e, 6)} for a, e in zip(rig.azimuths, rig.elevations)],
        "groups": [list(g) for g in rig.groups],
        "viewEmbedding": rig.view_embedding,
    }


def project(points: np.ndarray, K: np.ndarray, R: np.ndarray, t: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates [N,2] and camera depth [N] of world points [N,3] for one camera."""
    cam = points @ R.T + t
    uvw = cam @ K.T
    return uvw[:, :2] / uvw[:, 2:3], cam[:, 2]


def frustum_points(K: np.ndarray, R: np.ndarray, t: np.ndarray, image_size: int, grid: int, depth: int,
                   near: float, far: float) -> np.ndarray:
    """World points [depth, grid, grid, 3] of a view's frustum volume (SyncDreamer's create_target_volume):
    pixel (i, j) of the grid² feature map (K scaled by grid/image_size), camera depth linear near → far."""
    s = grid / image_size
    Ks = np.diag([s, s, 1.0]) @ K
    z = np.linspace(0.0, 1.0, depth) * (far - near) + near
    v, u = np.meshgrid(np.arange(grid, dtype=np.float64), np.arange(grid, dtype=np.float64), indexing="ij")
    rays = np.stack([u, v, np.ones_like(u)], -1) @ np.linalg.inv(Ks).T   # [g,g,3], camera z = 1
    cam = z[:, None, None, None] * rays[None]                              # [D,g,g,3]
    return (cam - t) @ R  # R^T (cam − t)
