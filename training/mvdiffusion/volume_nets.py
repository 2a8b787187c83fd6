"""The parents' dense 3-D CNNs: SpatialTime3DNet (SyncDreamer's appearance-volume net) and
FrustumTV3DNet (per-view frustum volume → features at 4 resolutions for the UNet's depth attention).
Module names match `spatial_volume.spatial_volume_feats.*` / `spatial_volume.frustum_volume_feats.*`."""
from __future__ import annotations

from typing import List, Sequence

import torch
from torch import nn


class SpatialTimeBlock(nn.Module):
    def __init__(self, x_dim: int, t_dim: int, out_dim: int, stride: int) -> None:
        super().__init__()
        self.t_conv = nn.Conv3d(t_dim, x_dim, 1, 1)
        self.bn = nn.GroupNorm(8, x_dim)
        self.silu = nn.SiLU()
        self.conv = nn.Conv3d(x_dim, out_dim, 3, stride=stride, padding=1)

    def forward(self, x, t):
        return self.conv(self.silu(self.bn(x + self.t_conv(t))))


class SpatialUpTimeBlock(nn.Module):
    def __init__(self, x_dim: int, t_dim: int, out_dim: int) -> None:
        super().__init__()
        self.t_conv = nn.Conv3d(t_dim, x_dim, 1, 1)
        self.norm = nn.GroupNorm(8, x_dim)
        self.silu = nn.SiLU()
        self.conv = nn.ConvTranspose3d(x_dim, out_dim, kernel_size=3, padding=1, output_padding=1, stride=2)

    def forward(self, x, t):
        return self.conv(self.silu(self.norm(x + self.t_conv(t))))


class SpatialTime3DNet(nn.Module):
    def __init__(self, time_dim: int, input_dim: int, dims: Sequence[int]) -> None:
        super().__init__()
        d0, d1, d2, d3 = dims
        self.init_conv = nn.Conv3d(input_dim, d0, 3, 1, 1)
        self.conv0 = SpatialTimeBlock(d0, time_dim, d0, 1)
        self.conv1 = SpatialTimeBlock(d0, time_dim, d1, 2)
        self.conv2_0 = SpatialTimeBlock(d1, time_dim, d1, 1)
        self.conv2_1 = SpatialTimeBlock(d1, time_dim, d1, 1)
        self.conv3 = SpatialTimeBlock(d1, time_dim, d2, 2)
        self.conv4_0 = SpatialTimeBlock(d2, time_dim, d2, 1)
        self.conv4_1 = SpatialTimeBlock(d2, time_dim, d2, 1)
        self.conv5 = SpatialTimeBlock(d2, time_dim, d3, 2)
        self.conv6_0 = SpatialTimeBlock(d3, time_dim, d3, 1)
        self.conv6_1 = SpatialTimeBlock(d3, time_dim, d3, 1)
        self.conv7 = SpatialUpTimeBlock(d3, time_dim, d2)
        self.conv8 = SpatialUpTimeBlock(d2, time_dim, d1)
        self.conv9 = SpatialUpTimeBlock(d1, time_dim, d0)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """x [B,in,L,L,L], t [B,time_dim] → [B,d0,L,L,L]."""
        t = t[:, :, None, None, None]
        x = self.init_conv(x)
        conv0 = self.conv0(x, t)
        x = self.conv2_0(self.conv1(conv0, t), t)
        conv2 = self.conv2_1(x, t)
        x = self.conv4_0(self.conv3(conv2, t), t)
        conv4 = self.conv4_1(x, t)
        x = self.conv6_1(self.conv6_0(self.conv5(conv4, t), t), t)
        x = conv4 + self.conv7(x, t)
        x = conv2 + self.conv8(x, t)
        return conv0 + self.conv9(x, t)


class FrustumTVBlock(nn.Module):
    def __init__(self, x_dim: int, t_dim: int, v_dim: int, out_dim: int, stride: int) -> None:
        super().__init__()
        self.t_conv = nn.Conv3d(t_dim, x_dim, 1, 1)
        self.v_conv = nn.Conv3d(v_dim, x_dim, 1, 1)
        self.bn = nn.GroupNorm(8, x_dim)
        self.silu = nn.SiLU()
        self.conv = nn.Conv3d(x_dim, out_dim, 3, stride=stride, padding=1)

    def forward(self, x, t, v):
        return self.conv(self.silu(self.bn(x + self.t_conv(t) + self.v_conv(v))))


class FrustumTVUpBlock(nn.Module):
    def __init__(self, x_dim: int, t_dim: int, v_dim: int, out_dim: int) -> None:
        super().__init__()
        self.t_conv = nn.Conv3d(t_dim, x_dim, 1, 1)
        self.v_conv = nn.Conv3d(v_dim, x_dim, 1, 1)
        self.norm = nn.GroupNorm(8, x_dim)
        self.silu = nn.SiLU()
        self.conv = nn.ConvTranspose3d(x_dim, out_dim, kernel_size=3, padding=1, output_padding=1, stride=2)

    def forward(self, x, t, v):
        return self.conv(self.silu(self.norm(x + self.t_conv(t) + self.v_conv(v))))


class FrustumTV3DNet(nn.Module):
    def __init__(self, in_dim: int, t_dim: int, v_dim: int, dims: Sequence[int]) -> None:
        super().__init__()
        self.conv0 = nn.Conv3d(in_dim, dims[0], 3, 1, 1)
        self.conv1 = FrustumTVBlock(dims[0], t_dim, v_dim, dims[1], 2)
        self.conv2 = FrustumTVBlock(dims[1], t_dim, v_dim, dims[1], 1)
        self.conv3 = FrustumTVBlock(dims[1], t_dim, v_dim, dims[2], 2)
        self.conv4 = FrustumTVBlock(dims[2], t_dim, v_dim, dims[2], 1)
        self.conv5 = FrustumTVBlock(dims[2], t_dim, v_dim, dims[3], 2)
        self.conv6 = FrustumTVBlock(dims[3], t_dim, v_dim, dims[3], 1)
        self.up0 = FrustumTVUpBlock(dims[3], t_dim, v_dim, dims[2])
        self.up1 = FrustumTVUpBlock(dims[2], t_dim, v_dim, dims[1])
        self.up2 = FrustumTVUpBlock(dims[1], t_dim, v_dim, dims[0])

    def forward(self, x: torch.Tensor, t: torch.Tensor, v: torch.Tensor) -> List[torch.Tensor]:
        """x [N,in,D,h,h], t [N,t_dim], v [N,v_dim] → [x0, x1, x2, x3], finest first (the parents
        return the same as a dict keyed by width)."""
        t = t[:, :, None, None, None]
        v = v[:, :, None, None, None]
        x0 = self.conv0(x)
        x1 = self.conv2(self.conv1(x0, t, v), t, v)
        x2 = self.conv4(self.conv3(x1, t, v), t, v)
        x3 = self.conv6(self.conv5(x2, t, v), t, v)
        x2 = self.up0(x3, t, v) + x2
        x1 = self.up1(x2, t, v) + x1
        x0 = self.up2(x1, t, v) + x0
        return [x0, x1, x2, x3]
