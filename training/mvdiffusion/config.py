"""Sizes of the multi-view diffusion model as data: one frozen dataclass, three presets.

`full` is the paper's (SyncDreamer / Morphable Diffusion sizes); `small` keeps the structure and runs
16 views × 30 guided DDIM steps on a 2-core CPU; `tiny` is for CI and ONNX parity (seconds for 50 steps).
The UNet / VAE / image-encoder sizes belong to the backbone (`unet.py`, `vae.py`, `image_encoder.py`),
picked by the same preset name (`backbone`)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Dict, Tuple


@dataclass(frozen=True)
class MVDConfig:
    name: str
    backbone: str                      # preset name of UNet / VAE / image encoder
    image_size: int                    # S: views and the VAE input, px
    latent_size: int                   # h = S / 8
    views: int = 16
    rig: str = "head360"
    latent_channels: int = 4
    latent_scale: float = 0.18215
    # Volume side (names follow SyncDreamer's SpatialVolumeNet).
    volume_size: int = 32              # L: appearance volume L³ over [-0.5, 0.5]³
    volume_length: float = 0.5
    frustum_depth: int = 48            # D_0 of a view's frustum volume
    frustum_length: float = 0.86603    # near/far = distance ∓ √3/2
    frustum_dims: Tuple[int, int, int, int] = (64, 128, 256, 512)
    spatial_dims: Tuple[int, int, int, int] = (64, 128, 256, 512)  # SpatialTime3DNet (SyncDreamer path)
    time_dim: int = 256
    view_dim: int = 4
    target_run_dim: int = 16           # NoisyTargetViewEncoder width
    target_channels: int = 16          # its output channels (per view)
    # volume_mode: "mesh" (Morphable Diffusion / Gen3D-Face: F_ag from the mesh), "spatial" (SyncDreamer),
    # "mesh+spatial" (Morphable Diffusion with use_spatial_volume: both summed).
    volume_mode: str = "mesh"
    mesh_net_dims: Tuple[int, int, int] = (16, 32, 64)  # SparseConvNet widths; the last = spatial_dims[0] when both
    mesh_grid_dims: Tuple[int, int, int] = (64, 64, 64)  # [D, H, W], multiples of 4
    mesh_voxel: float = 0.015625
    mesh_photo_features: bool = True
    # Conditioning.
    condition: str = "clip"            # "clip" (ViT-L/14) or "small" (SmallImageEncoder)
    condition_resolution: int = 224
    image_embed_dim: int = 768
    context_dim: int = 768
    cc_projection: bool = True         # Linear(image_embed + 4 → context); False: raw embedding (Morphable Diffusion)
    # UNet batching.
    multiview_attention: bool = True
    input_element: bool = True
    group_size: int = 4                # K views per group (+ the input element)
    # Schedule and default sampler.
    beta_start: float = 0.00085
    beta_end: float = 0.012
    train_steps: int = 1000
    sampler_steps: int = 50
    eta: float = 1.0
    guidance: float = 2.0
    input_crop_fill: float = 0.78

    @property
    def frustum_levels(self) -> Dict[int, Tuple[int, int]]:
        """{spatial resolution: (channels, depth)} of the four frustum outputs, finest first."""
        h, d = self.latent_size, self.frustum_depth
        return {h >> i: (self.frustum_dims[i], d >> i) for i in range(4)}

    @property
    def volume_channels(self) -> int:
        """Channels of the fused volume F_ag (the frustum net's input)."""
        return self.mesh_net_dims[-1] if self.uses_mesh else self.spatial_dims[0]

    @property
    def uses_mesh(self) -> bool:
        return "mesh" in self.volume_mode

    @property
    def uses_spatial(self) -> bool:
        return "spatial" in self.volume_mode


FULL = MVDConfig(name="full", backbone="full", image_size=256, latent_size=32)

# The frustum net runs on 16 views at the latent's 32² every step: depth 8 and widths 8…64 keep it
# near 2 GFLOP (depth 16 with 16…128 was ~15 GFLOP, seconds per step on 2 cores).
SMALL = MVDConfig(
    name="small", backbone="small", image_size=256, latent_size=32,
    volume_size=16, frustum_depth=8, frustum_dims=(8, 16, 32, 64), spatial_dims=(16, 32, 64, 128),
    time_dim=64, mesh_net_dims=(8, 16, 16), mesh_grid_dims=(32, 32, 32), mesh_voxel=1.0 / 32,
    condition="small", condition_resolution=128, image_embed_dim=256, context_dim=256,
    sampler_steps=30,
)

# The trained default pack (issue 11): the small backbone at 128² views (latent 16²) and 20 DDIM
# steps — the 256² `small` took 14 s a step and 27 s to decode 16 views on 2 loaded cores, far from
# the 30 s for all 16 views; a quarter of the pixels is the largest step that may get there.
COMPACT = replace(
    SMALL, name="compact", image_size=128, latent_size=16, condition_resolution=64, sampler_steps=20,
)

# The backbone's tiny VAE downsamples by 2 (image 16 → latent 8); the UNets of small/tiny have 3
# levels, so frustum_3 is computed but not read by them.
TINY = MVDConfig(
    name="tiny", backbone="tiny", image_size=16, latent_size=8,
    volume_size=8, frustum_depth=8, frustum_dims=(8, 8, 16, 16), spatial_dims=(8, 8, 16, 16),
    time_dim=32, target_run_dim=8, target_channels=8, mesh_net_dims=(8, 8, 8), mesh_grid_dims=(16, 16, 16),
    mesh_voxel=1.0 / 16, condition="small", condition_resolution=32, image_embed_dim=32, context_dim=32,
)

PRESETS: Dict[str, MVDConfig] = {c.name: c for c in (FULL, SMALL, COMPACT, TINY)}


def preset(name: str, **overrides) -> MVDConfig:
    """A preset, optionally with fields replaced (e.g. volume_mode="spatial" for SyncDreamer)."""
    if name not in PRESETS:
        raise KeyError(f"unknown config {name!r}; one of {sorted(PRESETS)}")
    return replace(PRESETS[name], **overrides) if overrides else PRESETS[name]
