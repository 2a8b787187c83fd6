"""What a converted parent is in our terms: its `MVDConfig`, its rig, its manifest additions.

SyncDreamer (liuyuan-pal/SyncDreamer, configs/syncdreamer.yaml) and Morphable Diffusion
(xiyichen/morphablediffusion, configs/facescape.yaml) share the SD-1.x UNet with depth attention, the
VAE, CLIP ViT-L/14, the noisy-view encoder and FrustumTV3DNet; they differ in how the volume is made
(SpatialTime3DNet vs. the mesh's SparseConvNet), in the context (cc_projection + view embedding vs. raw
CLIP) and in the rig. Both run every target view alone through the UNet (no input element, no
cross-view attention): that is what `inputElement: false` and `multiview_attention=False` reproduce.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict

import numpy as np

from ..config import MVDConfig, preset
from ..rig import Rig, contiguous_groups

LICENCES = {
    "syncdreamer": "SyncDreamer weights (MIT, liuyuan-pal/SyncDreamer); inside them the Stable Diffusion 1.x VAE and "
                   "zero123 UNet lineage (CreativeML OpenRAIL-M) and OpenAI CLIP ViT-L/14 (MIT)",
    "morphable_diffusion": "Morphable Diffusion weights (MIT, xiyichen/morphablediffusion); inside them the Stable "
                           "Diffusion 1.x VAE and UNet lineage (CreativeML OpenRAIL-M) and OpenAI CLIP ViT-L/14 (MIT)",
}

# Morphable Diffusion's virtual camera trajectory (generate_face.py generate_camera_trajectory + main):
# 16 cameras on a horizontal circle of radius 4.5, yaw −90°…+90°, K = [[1545.2376, 0, 128], [0, 1545.2376, 128]]
# at 256 px; near/far = |C| ∓ √3/2. SyncDreamer's camera-16.pkl: distance 1.5, K = [[280, 0, 128], …].
MD_DISTANCE = 4.5
MD_FOCAL_AT_256 = 1545.23757707405
SD_DISTANCE = 1.5
SD_FOCAL_AT_256 = 280.0

# Morphable Diffusion's mesh preprocessing (generate_face.py, after loading the tracked FLAME mesh, and
# ldm/data/facescape.py for training): v ← 1.087·v; v ← R·v + T with R = so3_exp(axis-angle);
# v ← 2.5·v; (x, y, z) ← (x, z, −y); voxels of 5 mm (0.005) in these units, origin at the per-axis
# minimum, coord = round((v − min)/0.005) in (z, y, x) order, grid = ceil(extent/0.005) rounded up to the
# next multiple of 4 strictly above (`(n | 3) + 1`).
MD_MESH_TRANSFORM: Dict[str, Any] = {
    "input": "FLAME model coordinates in metres (MICA / metrical-tracker output, before any studio normalisation)",
    "order": ["scale", "rotation", "translation", "volumeScale", "axes"],
    "scale": 1.087,
    "rotationAxisAngle": [1.6811, -0.026845, -0.028883],
    "translation": [8.5418e-04, -3.4041e-03, 1.0564e-02],
    "volumeScale": 2.5,
    "axes": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]],
    "voxel": 0.005,
    "gridOrigin": "per-axis vertex minimum",
    "gridOrder": "zyx",
    "gridSize": "ceil(extent / voxel), then (n | 3) + 1 per axis",
    "source": "xiyichen/morphablediffusion generate_face.py (tracked-mesh alignment to the FaceScape fits)",
}
# A fixed box for the dense emulation: the FLAME template after the transform spans ≈ 128×176×116 voxels
# (z, y, x) (checkpoint-structure.md B3); 160×208×144 leaves ≥ 12 voxels (6 cm in these units) on
# every side for shape and expression.
MD_MESH_GRID = (160, 208, 144)


# World frames: p_ours = M·p_parent. SyncDreamer's camera-16.pkl is z-up with view 0 on +x (R of view 0 has
# rows (0,1,0), (0.5,0,−0.866), (−0.866,0,−0.5)); ours is y-up with azimuth 0 on +z: x_ours = y_sd,
# y_ours = z_sd, z_ours = x_sd. The converter derives M from the checkpoint's own `poses` buffer and uses
# this constant only when the buffer is absent. Morphable Diffusion's virtual trajectory is our face180
# exactly (compare_official.py: max |Δ[R|t]| 9e-16).
SD_VOLUME_FRAME = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
MD_VOLUME_FRAME = np.eye(3)


def axis_angle_matrix(axis_angle) -> np.ndarray:
    """Rodrigues (pytorch3d's so3_exponential_map for one vector)."""
    w = np.asarray(axis_angle, dtype=np.float64)
    theta = float(np.linalg.norm(w))
    if theta < 1e-12:
        return np.eye(3)
    k = w / theta
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(theta) * K + (1 - np.cos(theta)) * K @ K


def md_transform_vertices(v: np.ndarray) -> np.ndarray:
    """FLAME-space vertices [N,3] → Morphable Diffusion's volume frame (what its xyzc path and our
    `mesh_vertices` input expect for a converted Morphable Diffusion pack)."""
    t = MD_MESH_TRANSFORM
    v = np.asarray(v, dtype=np.float64) * t["scale"]
    v = v @ axis_angle_matrix(t["rotationAxisAngle"]).T + np.asarray(t["translation"])
    v = v * t["volumeScale"]
    return v @ np.asarray(t["axes"]).T


def md_rig(views: int = 16) -> Rig:
    az = tuple(float(a) for a in np.linspace(-90.0, 90.0, views))
    return Rig("face180", az, (0.0,) * views, contiguous_groups(views, 4), "constant", distance=MD_DISTANCE,
               focal_at_256=MD_FOCAL_AT_256)


def sd_rig(views: int = 16) -> Rig:
    return Rig("ring30", tuple(k * 360.0 / views for k in range(views)), (30.0,) * views, contiguous_groups(views, 4),
               "relative-negated-elevation", distance=SD_DISTANCE, focal_at_256=SD_FOCAL_AT_256)


def md_config() -> MVDConfig:
    return preset("full", rig="face180", volume_mode="mesh", mesh_photo_features=False, cc_projection=False,
                  multiview_attention=False, input_element=False, mesh_grid_dims=MD_MESH_GRID, mesh_voxel=0.005,
                  input_crop_fill=1.0)


def sd_config() -> MVDConfig:
    return preset("full", rig="ring30", volume_mode="spatial", cc_projection=True, multiview_attention=False,
                  input_element=False, input_crop_fill=200.0 / 256.0)


@dataclass(frozen=True)
class ParentSpec:
    parent: str
    pack_id: str
    config: MVDConfig
    rig: Rig
    focal_at_256: float
    manifest_extra: Dict[str, Any] = field(default_factory=dict)


def parent_spec(parent: str) -> ParentSpec:
    if parent == "syncdreamer":
        return ParentSpec(parent, "syncdreamer", sd_config(), sd_rig(), SD_FOCAL_AT_256, {
            "parent": {"name": "SyncDreamer", "repo": "liuyuan-pal/SyncDreamer", "config": "configs/syncdreamer.yaml",
                       "inputElevation": "the input photo's camera elevation in degrees (README: rough values in [-10, 40] work)"},
        })
    if parent == "morphable_diffusion":
        return ParentSpec(parent, "morphable-diffusion-facescape", md_config(), md_rig(), MD_FOCAL_AT_256, {
            "parent": {"name": "Morphable Diffusion (FaceScape, FLAME)", "repo": "xiyichen/morphablediffusion",
                       "config": "configs/facescape.yaml"},
            "meshTransform": MD_MESH_TRANSFORM,
        })
    raise KeyError(parent)
