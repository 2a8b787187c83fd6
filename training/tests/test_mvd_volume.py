"""Volume side of the multi-view diffusion model: dense emulation of spconv, gather-trilinear
sampling, unprojection grids, voxelisation."""
import itertools

import numpy as np
import torch
import torch.nn.functional as F

from mvdiffusion.config import preset
from mvdiffusion.mesh_fusion import SparseConvNet, voxelise
from mvdiffusion.rig import make_rig, project, rig_cameras
from mvdiffusion.trilinear import gather_trilinear, grid_to_index, trilinear_corners
from mvdiffusion.unprojection import frustum_sampling, unprojection_grids, volume_points

torch.set_num_threads(2)


def sparse_reference(net: SparseConvNet, sites: dict, dims) -> dict:
    """spconv semantics by a loop over active sites: {(d,h,w): feature [C]} through every layer."""
    for block in (net.conv0, net.down0, net.conv1, net.down1, net.conv2):
        for m in block:
            if isinstance(m, torch.nn.Conv3d):
                w = m.weight.detach()
                if m.stride[0] == 1:   # SubMConv3d: outputs exactly at the input sites
                    out = {}
                    for p in sites:
                        acc = torch.zeros(w.shape[0], dtype=torch.float64)
                        for k in itertools.product(range(3), repeat=3):
                            q = tuple(p[a] + k[a] - 1 for a in range(3))
                            if q in sites:
                                acc += w[:, :, k[0], k[1], k[2]].double() @ sites[q]
                        out[p] = acc
                else:                  # SparseConv3d k3 s2 p1: output o reads inputs 2o + k − 1
                    dims = tuple((d + 1) // 2 for d in dims)
                    out = {}
                    for p in sites:
                        for k in itertools.product(range(3), repeat=3):
                            o2 = [p[a] + 1 - k[a] for a in range(3)]
                            if any(v % 2 for v in o2):
                                continue
                            o = tuple(v // 2 for v in o2)
                            if all(0 <= o[a] < dims[a] for a in range(3)):
                                out.setdefault(o, torch.zeros(w.shape[0], dtype=torch.float64))
                                out[o] += w[:, :, k[0], k[1], k[2]].double() @ sites[p]
                sites = out
            elif isinstance(m, torch.nn.BatchNorm1d):
                scale = (m.weight / torch.sqrt(m.running_var + m.eps)).detach().double()
                shift = (m.bias - m.running_mean * m.weight / torch.sqrt(m.running_var + m.eps)).detach().double()
                sites = {p: v * scale + shift for p, v in sites.items()}
            else:
                sites = {p: torch.relu(v) for p, v in sites.items()}
    return sites, dims


def test_dense_sparse_conv_net_matches_a_sparse_loop():
    torch.manual_seed(0)
    dims = (8, 8, 12)
    net = SparseConvNet(3, (4, 6, 5)).eval()
    with torch.no_grad():  # non-trivial BatchNorm statistics
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm1d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
    g = np.random.default_rng(1)
    coords = {tuple(int(c) for c in g.integers(0, dims)) for _ in range(40)}
    sites = {p: torch.randn(3, dtype=torch.float64) for p in coords}
    dense = torch.zeros(1, 3, *dims)
    mask = torch.zeros(1, 1, *dims)
    for p, v in sites.items():
        dense[0, :, p[0], p[1], p[2]] = v.float()
        mask[0, 0, p[0], p[1], p[2]] = 1
    with torch.no_grad():
        out = net(dense, mask)[0]
    ref, out_dims = sparse_reference(net, sites, dims)
    assert tuple(out.shape[1:]) == out_dims == (2, 2, 3)
    expected = torch.zeros_like(out)
    for p, v in ref.items():
        expected[:, p[0], p[1], p[2]] = v.float()
    assert len(ref) > 0
    assert torch.allclose(out, expected, atol=1e-5), float((out - expected).abs().max())
    # Inactive sites are exactly zero.
    active = torch.zeros(out.shape[1:], dtype=torch.bool)
    for p in ref:
        active[p] = True
    assert float(out[:, ~active].abs().max()) == 0.0


def test_strided_outputs_stop_at_the_parents_spatial_shape():
    """With out_sh given, a strided conv has no output site at or beyond out_sh/2 (spconv's shape),
    even where the fixed box is larger."""
    torch.manual_seed(0)
    net = SparseConvNet(2, (4, 4, 4)).eval()
    dims = (16, 16, 16)
    dense, mask = torch.zeros(1, 2, *dims), torch.zeros(1, 1, *dims)
    dense[0, :, 7, 7, 7] = 1.0
    mask[0, 0, 7, 7, 7] = 1.0  # out_sh 8: in the parent, down0 → 4³, down1 → 2³
    x, m, sh = dense, mask, torch.tensor([8.0, 8.0, 8.0])
    from mvdiffusion.mesh_fusion import run_sparse_block
    x, m, sh = run_sparse_block(net.conv0, x, m, sh)
    x, m, sh = run_sparse_block(net.down0, x, m, sh)
    assert sh.tolist() == [4.0] * 3 and m[0, 0, 4:].sum() == 0 and m[0, 0, :, 4:].sum() == 0
    assert float(m.sum()) == 1  # only (3,3,3): (4,4,4) would be active in the unbounded box
    unbounded = run_sparse_block(net.down0, *run_sparse_block(net.conv0, dense, mask)[:2])[1]
    assert float(unbounded.sum()) == 8


def test_gather_trilinear_equals_grid_sample_5d():
    torch.manual_seed(0)
    dims = (5, 6, 7)
    vol = torch.randn(1, 3, *dims)
    grid = torch.rand(1, 50, 1, 1, 3) * 2.4 - 1.2  # some points outside: zeros padding
    grid[0, :4, 0, 0] = torch.tensor([[-1.0, -1, -1], [1, 1, 1], [1, -1, 0.3], [0, 0, 0]])
    ref = F.grid_sample(vol, grid, mode="bilinear", padding_mode="zeros", align_corners=True)[0, :, :, 0, 0]
    idx, w = trilinear_corners(grid_to_index(grid.reshape(-1, 3), dims), dims)
    got = gather_trilinear(vol.reshape(3, -1), idx, w)
    assert torch.allclose(got, ref, atol=1e-6)


def test_unprojection_sends_the_volume_centre_to_the_image_centre():
    cfg = preset("tiny")
    rig = make_rig("head360")
    L, h = 9, cfg.latent_size  # odd L: a voxel sits at the centre
    grids = unprojection_grids(rig, cfg.image_size, h, L, 0.5).reshape(rig.views, L, L, L, 2)
    centre = grids[:, L // 2, L // 2, L // 2]
    # Pixel cx = S/2 is feature coordinate h/2, normalised by (h−1)/2 − 1 (align_corners=True).
    expected = (h / 2) / ((h - 1) / 2) - 1
    assert torch.allclose(centre, torch.full_like(centre, expected), atol=1e-6)
    K, R, t = rig_cameras(rig, cfg.image_size)
    uv, depth = project(np.zeros((1, 3)), K[0], R[0], t[0])
    assert np.allclose(uv, [[cfg.image_size / 2] * 2]) and np.isclose(depth[0], rig.distance)


def test_frustum_sampling_matches_grid_sample_of_the_frustum_points():
    cfg = preset("tiny")
    rig = make_rig("head360")
    L, h, D = cfg.volume_size, cfg.latent_size, cfg.frustum_depth
    idx, w = frustum_sampling(rig, cfg.image_size, h, D, cfg.frustum_length, L, cfg.volume_length)
    vol = torch.randn(2, L, L, L)
    got = gather_trilinear(vol.reshape(2, -1), idx, w).reshape(2, rig.views, D, h, h)
    # The frustum's centre ray at mid-depth passes close to the origin: it samples the volume's middle.
    assert got.shape == (2, rig.views, D, h, h)
    assert float(w.sum(0).max()) <= 1 + 1e-6


def test_voxelise_averages_vertices_per_voxel_from_the_minimum():
    verts = torch.tensor([[0.0, 0.0, 0.0], [0.01, 0.0, 0.0], [0.5, 0.25, 0.125]])
    feats = torch.tensor([[1.0, 3.0, 5.0]])
    dense, mask, origin, out_sh = voxelise(verts, feats, (8, 8, 8), 0.125)
    assert torch.equal(origin, torch.zeros(3))
    assert out_sh.tolist() == [4.0, 4.0, 8.0]  # ⌈extent/voxel⌉ = (1, 2, 4) → (n | 3) + 1
    assert float(mask.sum()) == 2
    assert float(dense[0, 0, 0, 0, 0]) == 2.0            # two vertices averaged
    assert float(dense[0, 0, 1, 2, 4]) == 5.0            # (d,h,w) = (z,y,x)/voxel


def test_volume_points_are_indexed_zyx():
    pts = volume_points(4, 0.5)
    assert np.allclose(pts[0, 0, 1], [-0.5 + 1 / 3, -0.5, -0.5])  # w → x
    assert np.allclose(pts[1, 0, 0], [-0.5, -0.5, -0.5 + 1 / 3])  # d → z
