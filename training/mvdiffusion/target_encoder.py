"""NoisyTargetViewEncoder (SyncDreamer): a light CNN that embeds each noisy target-view latent with
its camera (view embedding) and the timestep before the views are unprojected into the volume.
Module names and shapes follow `spatial_volume.target_encoder.*` of the parents."""
from __future__ import annotations

import torch
from torch import nn


class Image2DResBlockWithTV(nn.Module):
    def __init__(self, dim: int, tdim: int, vdim: int) -> None:
        super().__init__()
        self.time_embed = nn.Conv2d(tdim, dim, 1, 1)
        self.view_embed = nn.Conv2d(vdim, dim, 1, 1)
        self.conv = nn.Sequential(
            nn.GroupNorm(8, dim), nn.SiLU(), nn.Conv2d(dim, dim, 3, 1, 1),
            nn.GroupNorm(8, dim), nn.SiLU(), nn.Conv2d(dim, dim, 3, 1, 1),
        )

    def forward(self, x: torch.Tensor, t: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return x + self.conv(x + self.time_embed(t) + self.view_embed(v))


class NoisyTargetViewEncoder(nn.Module):
    def __init__(self, time_dim: int, view_dim: int, run_dim: int = 16, output_dim: int = 16, latent_channels: int = 4) -> None:
        super().__init__()
        self.init_conv = nn.Conv2d(latent_channels, run_dim, 3, 1, 1)
        self.out_conv0 = Image2DResBlockWithTV(run_dim, time_dim, view_dim)
        self.out_conv1 = Image2DResBlockWithTV(run_dim, time_dim, view_dim)
        self.out_conv2 = Image2DResBlockWithTV(run_dim, time_dim, view_dim)
        self.final_out = nn.Sequential(nn.GroupNorm(8, run_dim), nn.SiLU(), nn.Conv2d(run_dim, output_dim, 3, 1, 1))

    def forward(self, x: torch.Tensor, t: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        """x [N,4,h,w], t [N,time_dim], v [N,view_dim] → [N,output_dim,h,w]."""
        t = t[:, :, None, None]
        v = v[:, :, None, None]
        x = self.init_conv(x)
        x = self.out_conv0(x, t, v)
        x = self.out_conv1(x, t, v)
        x = self.out_conv2(x, t, v)
        return self.final_out(x)
