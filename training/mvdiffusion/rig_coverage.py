"""Which rig sees the head: for the studio's built-in head (resources/head-model/), the fraction of
surface area seen by at least 2 views at incidence < 60° (and not hidden), per region and rig.

    /usr/bin/python3 -m training.mvdiffusion.rig_coverage [--min-views 2] [--max-incidence 60]

Method: triangles of the head (head frame → volume frame, × headScale); a view sees a triangle when
the angle between its normal and the direction to the camera is below the limit and its centroid
passes a depth test against a z-buffer splatted from points sampled densely on all triangles (cheap,
vectorised; a hole in the buffer can only make a triangle look visible when something behind it
would be hidden, and back faces are already excluded by the incidence test)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "mvdiffusion"

import numpy as np

from .head_mesh import load_head_model
from .rig import make_rig, project, rig_cameras

HEAD = ["front", "left", "right", "back", "top", "bottom", "ear-left", "ear-right", "ear-left-cap", "ear-right-cap"]
# label → (regions, minimum of −normal_y or None): the chin underside is what faces down (normal
# within 60° of −Y) in the face and under-jaw charts; the neck and its cap are left out.
REGION_GROUPS = {
    "top of head": (["top"], None),
    "back": (["back"], None),
    "chin underside": (["front", "bottom"], 0.5),
    "face": (["front"], None),
    "sides + ears": (["left", "right", "ear-left", "ear-right", "ear-left-cap", "ear-right-cap"], None),
    "whole head": (HEAD, None),
}
BUFFER = 192           # z-buffer pixels at 256 px-equivalent framing
SAMPLES_PER_EDGE = 4   # barycentric samples per triangle for the splat


def triangle_geometry(v: np.ndarray, tri: np.ndarray):
    a, b, c = v[tri[:, 0]], v[tri[:, 1]], v[tri[:, 2]]
    n = np.cross(b - a, c - a)
    area = np.linalg.norm(n, axis=1) / 2
    return (a + b + c) / 3, n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-20), area


def splat_points(v: np.ndarray, tri: np.ndarray, k: int = SAMPLES_PER_EDGE) -> np.ndarray:
    ws = [(i / k, j / k) for i in range(k + 1) for j in range(k + 1 - i)]
    a, b, c = v[tri[:, 0]], v[tri[:, 1]], v[tri[:, 2]]
    return np.concatenate([a + u * (b - a) + w * (c - a) for u, w in ws])


def visible_by_view(centroids, normals, splats, K, R, t, resolution: int, max_incidence: float) -> np.ndarray:
    centre = -R.T @ t
    to_cam = centre - centroids
    to_cam /= np.linalg.norm(to_cam, axis=1, keepdims=True)
    facing = np.einsum("ij,ij->i", normals, to_cam) > np.cos(np.radians(max_incidence))
    scale = BUFFER / resolution
    uv_s, z_s = project(splats, K, R, t)
    px = np.clip((uv_s * scale).astype(int), 0, BUFFER - 1)
    zbuf = np.full((BUFFER, BUFFER), np.inf)
    np.minimum.at(zbuf, (px[:, 1], px[:, 0]), z_s)
    uv_c, z_c = project(centroids, K, R, t)
    pc = np.clip((uv_c * scale).astype(int), 0, BUFFER - 1)
    # A centroid is hidden when the nearest splat in its pixel is clearly in front of it.
    unoccluded = z_c <= zbuf[pc[:, 1], pc[:, 0]] + 0.01
    return facing & unoccluded


def coverage(rig_name: str, min_views: int = 2, max_incidence: float = 60.0, resolution: int = 256) -> Dict[str, float]:
    pos, tri, region, names = load_head_model()
    rig = make_rig(rig_name)
    v = (pos - (pos.min(0) + pos.max(0)) / 2) * rig.head_scale
    centroids, normals, area = triangle_geometry(v, tri)
    splats = splat_points(v, tri)
    K, R, t = rig_cameras(rig, resolution)
    count = sum(visible_by_view(centroids, normals, splats, K[k], R[k], t[k], resolution, max_incidence).astype(int)
                for k in range(rig.views))
    seen = count >= min_views
    out = {}
    for label, (members, down) in REGION_GROUPS.items():
        sel = np.isin(region, [names.index(m) for m in members if m in names])
        if down is not None:
            sel &= -normals[:, 1] > down
        out[label] = float(area[sel & seen].sum() / max(area[sel].sum(), 1e-20))
    return out


def main(argv: Optional[Sequence[str]] = None) -> None:
    ap = argparse.ArgumentParser(description="head-surface coverage of the rigs")
    ap.add_argument("--min-views", type=int, default=2)
    ap.add_argument("--max-incidence", type=float, default=60.0)
    a = ap.parse_args(argv)
    rigs = ["head360", "ring30", "face180"]
    table = {r: coverage(r, a.min_views, a.max_incidence) for r in rigs}
    print(f"area seen by ≥ {a.min_views} views at incidence < {a.max_incidence:g}° (studio head, {BUFFER}² z-buffer)")
    print(f"{'region':<16}" + "".join(f"{r:>10}" for r in rigs))
    for label in REGION_GROUPS:
        print(f"{label:<16}" + "".join(f"{100 * table[r][label]:>9.1f}%" for r in rigs))


if __name__ == "__main__":
    main()
