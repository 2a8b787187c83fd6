"""MultiViewDiffusion: the whole Gen3D-Face multi-view diffusion model, one method per ONNX graph of
docs/multiview-diffusion.md (condition, encode_input, volume, unet, decode).

State-dict roots match the parents (SyncDreamer / Morphable Diffusion), so converted checkpoints
load: `model.diffusion_model.*`, `first_stage_model.*`, `clip_image_encoder.model.*` (full) or
`image_encoder.*` (small/tiny), `cc_projection.*`, `spatial_volume.*`, `time_embed.*`."""
from __future__ import annotations

import math
from typing import List, Optional, Sequence

import torch
from torch import nn

from .config import MVDConfig
from .image_encoder import CLIP_MEAN, CLIP_STD, ClipVisionEncoder, SmallImageEncoder, image_encoder_config
from .rig import Rig, make_rig
from .spatial_volume import SpatialVolumeNet
from .unet import UNetModel, unet_config
from .vae import AutoencoderKL, vae_config


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """ldm's sinusoidal embedding [cos | sin] of float timesteps [B] → [B, dim]."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class _DiffusionModelHolder(nn.Module):
    """`model.diffusion_model` as in the parents' UNetWrapper."""

    def __init__(self, unet: nn.Module) -> None:
        super().__init__()
        self.diffusion_model = unet


class _ClipHolder(nn.Module):
    """`clip_image_encoder.model` as in the parents' FrozenCLIPImageEmbedder."""

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.model = encoder


class MultiViewDiffusion(nn.Module):
    def __init__(self, cfg: MVDConfig, rig: Optional[Rig] = None) -> None:
        super().__init__()
        self.cfg = cfg
        self.rig = rig or make_rig(cfg.rig, cfg.views, cfg.group_size)
        levels = len(unet_config(cfg.backbone).channel_mult)
        # The frustum widths are the volume side's choice; the UNet's depth attention follows them.
        ucfg = unet_config(cfg.backbone, multiview_attention=cfg.multiview_attention, context_dim=cfg.context_dim,
                           volume_dims=tuple(cfg.frustum_dims[:levels]))
        self.unet_levels = levels
        self.model = _DiffusionModelHolder(UNetModel(ucfg))
        self.first_stage_model = AutoencoderKL(vae_config(cfg.backbone))
        if cfg.condition == "clip":
            self.clip_image_encoder = _ClipHolder(ClipVisionEncoder())
            self.register_buffer("clip_mean", torch.tensor(CLIP_MEAN).reshape(1, 3, 1, 1), persistent=False)
            self.register_buffer("clip_std", torch.tensor(CLIP_STD).reshape(1, 3, 1, 1), persistent=False)
        else:
            self.image_encoder = SmallImageEncoder(image_encoder_config(cfg.backbone, out_dim=cfg.image_embed_dim))
        if cfg.cc_projection:
            self.cc_projection = nn.Linear(cfg.image_embed_dim + 4, cfg.context_dim)
            with torch.no_grad():  # zero123's init: identity on the image part, zero on the camera
                self.cc_projection.weight.zero_()
                self.cc_projection.weight[:, : cfg.image_embed_dim].copy_(torch.eye(cfg.context_dim, cfg.image_embed_dim))
                self.cc_projection.bias.zero_()
        self.spatial_volume = SpatialVolumeNet(cfg, self.rig)
        td = cfg.time_dim
        self.time_embed = nn.Sequential(nn.Linear(td, td), nn.SiLU(), nn.Linear(td, td))

    # --- the five graphs -------------------------------------------------------------------------
    def condition(self, image: torch.Tensor, view_embed: torch.Tensor) -> torch.Tensor:
        """image [1,3,R,R] in [-1,1], view_embed [V+1,4] → context [V+1,1,C]."""
        if self.cfg.condition == "clip":
            x = ((image + 1) * 0.5 - self.clip_mean) / self.clip_std  # the engine resizes to R = 224
            embed = self.clip_image_encoder.model(x)
        else:
            embed = self.image_encoder(image)
        embed = embed.expand(view_embed.shape[0], -1)
        if self.cfg.cc_projection:
            embed = self.cc_projection(torch.cat([embed, view_embed], -1))
        return embed[:, None, :]

    def encode_input(self, image: torch.Tensor) -> torch.Tensor:
        """image [1,3,S,S] in [-1,1] → latent [1,4,h,w] (posterior mean × scale)."""
        return self.first_stage_model.encode_mean(image) * self.cfg.latent_scale

    def embed_time(self, timestep: torch.Tensor) -> torch.Tensor:
        return self.time_embed(timestep_embedding(timestep, self.cfg.time_dim))

    def volume(self, x_t: torch.Tensor, timestep: torch.Tensor, view_embed: torch.Tensor,
               mesh_vertices: Optional[torch.Tensor] = None, mesh_colour: Optional[torch.Tensor] = None) -> List[torch.Tensor]:
        """x_t [V,4,h,w], timestep [1], view_embed [V,4], mesh_vertices [N,3], mesh_colour [N,4]
        → frustum_0..3 [V,C_i,D_i,h_i,h_i]."""
        return self.spatial_volume(x_t, self.embed_time(timestep), view_embed, mesh_vertices, mesh_colour)

    def unet(self, x_t: torch.Tensor, concat: torch.Tensor, timestep: torch.Tensor, context: torch.Tensor,
             frustum: Sequence[torch.Tensor], group_size: Optional[int]) -> torch.Tensor:
        """x_t, concat [B,4,h,w], timestep [B], context [B,1,C], frustum_i [B,…] → eps [B,4,h,w].
        zero123's quirk: the concat latent is divided by the scale again before the UNet sees it."""
        x = torch.cat([x_t, concat / self.cfg.latent_scale], 1)
        return self.model.diffusion_model(x, timestep, context, list(frustum[: self.unet_levels]), group_size)

    def decode(self, latent: torch.Tensor) -> torch.Tensor:
        """Scaled latent [B,4,h,w] → image [B,3,S,S] clamped to [-1,1]."""
        return self.first_stage_model.decode(latent / self.cfg.latent_scale).clamp(-1, 1)

    @property
    def unet_group_size(self) -> Optional[int]:
        """Elements per multi-view attention group in the UNet batch (K views + the input element)."""
        if not self.cfg.input_element:
            return None
        return self.cfg.group_size + 1
