"""Mesh fusion F_ag (Morphable Diffusion's xyzc path) with dense ops only, exportable to ONNX.

The appearance volume is sampled at the mesh vertices, a 1×1 conv (`smpl_feature_extractor.conv0`)
mixes the channels (plus the photo colour/visibility when enabled), the vertices are voxelised into a
fixed box whose origin is their minimum (coord = round((v − min)/voxel) in (z,y,x) order), the
SparseConvNet runs as dense 3-D convs with active-voxel masks, and its quarter-resolution output is
resampled onto the L³ grid exactly as the parent's grid_sample (normalised by the full box size).

Dense emulation of spconv: SubMConv3d = conv3d, kept only at active voxels (inactive inputs are zero,
so the active outputs equal the sparse ones); SparseConv3d(k3, s2, p1) = strided conv3d, active where
any input in its window is (max-pool of the mask); BatchNorm1d + ReLU on active voxels, zeros elsewhere.
Vertices that fall into the same voxel are averaged (spconv's behaviour with duplicate indices is
undefined; the parents never deduplicate). The parent's sparse tensor has the per-mesh spatial shape
out_sh = (⌊⌈extent/voxel⌉/4⌋ + 1)·4 (its `(n | 3) + 1`); it is computed in the graph, limits the
strided convs' outputs to out_sh/2 and out_sh/4 as spconv's shape does, and normalises the
resampling, so a fixed box larger than the mesh gives the parent's numbers exactly."""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .trilinear import gather_trilinear, trilinear_corners


def sparse_block(*layers: Tuple[str, int, int]) -> nn.Sequential:
    """("subm"|"down", c_in, c_out) per layer → Conv3d, BatchNorm1d(eps 1e-3, momentum 0.01), ReLU each,
    so state-dict names are `<i>.weight` (conv), `<i+1>.*` (BN) as in the parent's SparseSequential."""
    mods = []
    for kind, cin, cout in layers:
        stride = 2 if kind == "down" else 1
        mods += [nn.Conv3d(cin, cout, 3, stride=stride, padding=1, bias=False),
                 nn.BatchNorm1d(cout, eps=1e-3, momentum=0.01), nn.ReLU()]
    return nn.Sequential(*mods)


def masked_batch_norm(bn: nn.BatchNorm1d, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """BatchNorm1d over the active voxels only (x [1,C,D,H,W], mask [1,1,D,H,W] of 0/1)."""
    if bn.training:
        n = mask.sum().clamp(min=1)
        mean = (x * mask).sum((0, 2, 3, 4)) / n
        var = (((x - mean[None, :, None, None, None]) * mask) ** 2).sum((0, 2, 3, 4)) / n
        with torch.no_grad():
            m = bn.momentum
            bn.running_mean.mul_(1 - m).add_(m * mean)
            bn.running_var.mul_(1 - m).add_(m * var * n / (n - 1).clamp(min=1))
            bn.num_batches_tracked += 1
    else:
        mean, var = bn.running_mean, bn.running_var
    shape = (1, -1, 1, 1, 1)
    y = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + bn.eps)
    return (y * bn.weight.view(shape) + bn.bias.view(shape)) * mask


def region_mask(shape: Sequence[int], limit: torch.Tensor) -> torch.Tensor:
    """[1,1,D,H,W] of 1 where every index is below `limit` [3] (d,h,w) — the parent's spatial shape."""
    axes = [(torch.arange(n, dtype=limit.dtype) < limit[a]).to(limit.dtype) for a, n in enumerate(shape)]
    return (axes[0][:, None, None] * axes[1][None, :, None] * axes[2][None, None, :])[None, None]


def run_sparse_block(block: nn.Sequential, x: torch.Tensor, mask: torch.Tensor,
                     out_sh: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, torch.Tensor]:
    for m in block:
        if isinstance(m, nn.Conv3d):
            if m.stride[0] == 2:
                mask = F.max_pool3d(mask, 3, 2, 1)  # active if any input in the 3×3×3 window is
                if out_sh is not None:  # …and inside the parent's (halved) spatial shape
                    out_sh = torch.floor((out_sh - 1) / 2) + 1
                    mask = mask * region_mask(mask.shape[2:], out_sh)
            x = m(x) * mask
        elif isinstance(m, nn.BatchNorm1d):
            x = masked_batch_norm(m, x, mask)
        else:
            x = torch.relu(x) * mask
    return x, mask, out_sh


class SparseConvNet(nn.Module):
    """Morphable Diffusion's xyzc_net: SubM c0 ×2, down → c1, SubM c1 ×2, down → c2, SubM c2 ×3."""

    def __init__(self, in_dim: int, dims: Sequence[int]) -> None:
        super().__init__()
        c0, c1, c2 = dims
        self.conv0 = sparse_block(("subm", in_dim, c0), ("subm", c0, c0))
        self.down0 = sparse_block(("down", c0, c1))
        self.conv1 = sparse_block(("subm", c1, c1), ("subm", c1, c1))
        self.down1 = sparse_block(("down", c1, c2))
        self.conv2 = sparse_block(("subm", c2, c2), ("subm", c2, c2), ("subm", c2, c2))
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                # He init: a sparse site has few active neighbours, and torch's default init would shrink
                # the features ~10× per layer over these seven layers.
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")

    def forward(self, x: torch.Tensor, mask: torch.Tensor, out_sh: Optional[torch.Tensor] = None) -> torch.Tensor:
        """x [1,C,D,H,W] (zeros at inactive voxels), mask [1,1,D,H,W], out_sh [3] the parent's spatial
        shape (None: the array's) → dense [1,c2,D/4,H/4,W/4]."""
        for block in (self.conv0, self.down0, self.conv1, self.down1, self.conv2):
            x, mask, out_sh = run_sparse_block(block, x, mask, out_sh)
        return x


class SMPLFeatureExtractor(nn.Module):
    """`smpl_feature_extractor.conv0`: a per-vertex 1×1 conv. The parent applies it to each view's
    samples and averages over the views; being linear, that equals applying it to the view mean."""

    def __init__(self, in_dim: int, out_dim: int) -> None:
        super().__init__()
        self.conv0 = nn.Conv1d(in_dim, out_dim, 1)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        return self.conv0(feats)


def voxelise(vertices: torch.Tensor, feats: torch.Tensor, dims: Sequence[int], voxel: float
             ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """vertices [N,3] (x,y,z), feats [C,N] → dense [1,C,D,H,W] (vertex mean per voxel), mask
    [1,1,D,H,W], the box origin (per-axis vertex minimum, (x,y,z)) and the parent's spatial shape
    out_sh [3] (d,h,w, float). ScatterElements(add)."""
    D, H, W = (int(d) for d in dims)
    origin = vertices.min(0).values
    coord = torch.round((vertices - origin).flip(-1) / voxel).long()  # (d,h,w)
    coord = torch.minimum(torch.clamp(coord, min=0), torch.tensor([D - 1, H - 1, W - 1]))
    flat = coord[:, 0] * (H * W) + coord[:, 1] * W + coord[:, 2]
    C = feats.shape[0]
    # The index broadcast against a tensor of src's shape: the exporter needs their shapes to agree.
    index = flat[None] + torch.zeros_like(feats, dtype=torch.long)
    sums = torch.zeros(C, D * H * W, dtype=feats.dtype).scatter_add(1, index, feats)
    count = torch.zeros(1, D * H * W, dtype=feats.dtype).scatter_add(1, index[:1], torch.ones_like(feats[:1]))
    mask = (count > 0).to(feats.dtype)
    dense = sums / count.clamp(min=1)
    extent = torch.ceil((vertices.max(0).values - origin).flip(-1) / voxel)
    out_sh = (torch.floor(extent / 4) + 1) * 4  # Morphable Diffusion's (n | 3) + 1
    return dense.reshape(1, C, D, H, W), mask.reshape(1, 1, D, H, W), origin, out_sh


def resample_to_volume(feature_volume: torch.Tensor, origin: torch.Tensor, volume_points_zyx: torch.Tensor,
                       dims: Sequence[int], voxel: float, out_sh: torch.Tensor) -> torch.Tensor:
    """The parent's grid_sample of the quarter-res output at the L³ points: normalised coordinate
    ((p − min)/voxel)/out_sh·2 − 1 with align_corners=True on its out_sh/4 grid → index
    ((p − min)/voxel)/out_sh·(out_sh/4 − 1), zero outside that grid. feature_volume [1,C,d,h,w] → [C, L³]."""
    q = [int(d) // 4 for d in dims]  # two stride-2 convs on a multiple of 4
    quarter = out_sh / 4
    pos = (volume_points_zyx - origin.flip(-1)) / voxel / out_sh * (quarter - 1)
    idx, wts = trilinear_corners(pos, q, limit=quarter)
    C = feature_volume.shape[1]
    return gather_trilinear(feature_volume.reshape(C, -1), idx, wts)
