"""SpatialVolumeNet: noisy views → appearance volume → (mesh fusion F_ag | SyncDreamer's
SpatialTime3DNet) → per-view frustum volumes → FrustumTV3DNet features at 4 resolutions.
Everything the rig fixes is a non-persistent buffer (a graph constant; never in the state dict)."""
from __future__ import annotations

from typing import List, Optional

import torch
from torch import nn

from .config import MVDConfig
from .mesh_fusion import SMPLFeatureExtractor, SparseConvNet, resample_to_volume, voxelise
from .rig import Rig
from .target_encoder import NoisyTargetViewEncoder
from .trilinear import gather_trilinear, gather_trilinear_rows, grid_to_index, trilinear_corners
from .unprojection import frustum_sampling, unproject, unprojection_grids, volume_points
from .volume_nets import FrustumTV3DNet, SpatialTime3DNet


class SpatialVolumeNet(nn.Module):
    def __init__(self, cfg: MVDConfig, rig: Rig) -> None:
        super().__init__()
        self.cfg = cfg
        fdim = cfg.volume_channels
        self.target_encoder = NoisyTargetViewEncoder(cfg.time_dim, cfg.view_dim, cfg.target_run_dim,
                                                     cfg.target_channels, cfg.latent_channels)
        if cfg.uses_spatial:
            self.spatial_volume_feats = SpatialTime3DNet(cfg.time_dim, cfg.target_channels * cfg.views, cfg.spatial_dims)
        if cfg.uses_mesh:
            self.xyzc_net = SparseConvNet(cfg.target_channels, cfg.mesh_net_dims)
            extra = 4 if cfg.mesh_photo_features else 0
            self.smpl_feature_extractor = SMPLFeatureExtractor(cfg.target_channels + extra, cfg.target_channels)
            pts = torch.from_numpy(volume_points(cfg.volume_size, cfg.volume_length).reshape(-1, 3)).float()
            self.register_buffer("volume_points_zyx", pts.flip(-1).contiguous(), persistent=False)
        self.frustum_volume_feats = FrustumTV3DNet(fdim, cfg.time_dim, cfg.view_dim, cfg.frustum_dims)
        h = cfg.latent_size
        self.register_buffer("unprojection_grids",
                             unprojection_grids(rig, cfg.image_size, h, cfg.volume_size, cfg.volume_length), persistent=False)
        idx, wts = frustum_sampling(rig, cfg.image_size, h, cfg.frustum_depth, cfg.frustum_length,
                                    cfg.volume_size, cfg.volume_length)
        self.register_buffer("frustum_index", idx, persistent=False)
        self.register_buffer("frustum_weight", wts, persistent=False)

    def appearance_volumes(self, x_t: torch.Tensor, t_embed: torch.Tensor, view_embed: torch.Tensor) -> torch.Tensor:
        """x_t [V,4,h,w] → per-view appearance volumes [V,C,L,L,L]."""
        V = x_t.shape[0]
        feats = self.target_encoder(x_t, t_embed.expand(V, -1), view_embed)
        return unproject(feats, self.unprojection_grids, self.cfg.volume_size)

    def mesh_volume(self, appearance: torch.Tensor, mesh_vertices: torch.Tensor,
                    mesh_colour: Optional[torch.Tensor]) -> torch.Tensor:
        """F_ag [C_f, L³] from the view-mean appearance volume and the mesh."""
        cfg = self.cfg
        L = cfg.volume_size
        mean = appearance.mean(0).reshape(appearance.shape[1], -1)  # [C, L³]
        pos = grid_to_index(mesh_vertices / cfg.volume_length, (L, L, L))
        idx, wts = trilinear_corners(pos, (L, L, L))
        vfeat = gather_trilinear(mean, idx, wts)  # [C, N]
        if cfg.mesh_photo_features:
            vfeat = torch.cat([vfeat, mesh_colour.t()], 0)
        vfeat = self.smpl_feature_extractor(vfeat[None])[0]
        dense, mask, origin, out_sh = voxelise(mesh_vertices, vfeat, cfg.mesh_grid_dims, cfg.mesh_voxel)
        out = self.xyzc_net(dense, mask, out_sh)
        return resample_to_volume(out, origin, self.volume_points_zyx, cfg.mesh_grid_dims, cfg.mesh_voxel, out_sh)

    @torch.no_grad()
    def calibrate_batch_norm(self, x_t: torch.Tensor, t_embed: torch.Tensor, view_embed: torch.Tensor,
                             mesh_vertices: torch.Tensor, mesh_colour: Optional[torch.Tensor]) -> None:
        """Random-weight packs only: set the SparseConvNet's BatchNorm running statistics to those of
        one example (momentum 1 for one pass), so its features are O(1) and the GroupNorms after it do
        not divide by a near-zero variance — which would make ONNX-vs-PyTorch parity meaningless."""
        if not self.cfg.uses_mesh:
            return
        bns = [m for m in self.xyzc_net.modules() if isinstance(m, nn.BatchNorm1d)]
        self.xyzc_net.train()
        for bn in bns:
            bn.momentum = 1.0
        self.mesh_volume(self.appearance_volumes(x_t, t_embed, view_embed), mesh_vertices, mesh_colour)
        for bn in bns:
            bn.momentum = 0.01
        self.xyzc_net.eval()

    def forward(self, x_t: torch.Tensor, t_embed: torch.Tensor, view_embed: torch.Tensor,
                mesh_vertices: Optional[torch.Tensor] = None, mesh_colour: Optional[torch.Tensor] = None) -> List[torch.Tensor]:
        """x_t [V,4,h,w], t_embed [1,time_dim], view_embed [V,4], mesh_vertices [N,3] (volume frame),
        mesh_colour [N,4] → frustum features [V,C_i,D_i,h_i,h_i] for i = 0..3 (finest first)."""
        cfg = self.cfg
        V, h = x_t.shape[0], cfg.latent_size
        appearance = self.appearance_volumes(x_t, t_embed, view_embed)
        volume = None
        if cfg.uses_mesh:
            volume = self.mesh_volume(appearance, mesh_vertices, mesh_colour)
        if cfg.uses_spatial:
            L = cfg.volume_size
            stacked = appearance.reshape(1, -1, L, L, L)  # views-major channels, as the parent's view(B, N*C, …)
            spatial = self.spatial_volume_feats(stacked, t_embed)[0].reshape(cfg.spatial_dims[0], -1)
            volume = spatial if volume is None else volume + spatial
        C = volume.shape[0]
        frustum = gather_trilinear_rows(volume.t(), self.frustum_index, self.frustum_weight)  # [V·D·h·h, C]
        frustum = frustum.reshape(V, cfg.frustum_depth * h * h, C).transpose(1, 2).reshape(V, C, cfg.frustum_depth, h, h)
        return self.frustum_volume_feats(frustum, t_embed.expand(V, -1), view_embed)
