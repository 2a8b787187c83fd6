#!/usr/bin/env python3
"""Official modules vs. ours after conversion: same random weights (official names, through the
converters' strict key map), same inputs, max |difference| per module. Opt-in (needs the parents' code,
which the tests cannot fetch):

    /usr/bin/python3 training/compare_official.py --syncdreamer-repo SyncDreamer --morphable-repo morphablediffusion \
        --clip-repo CLIP [--size full|reduced] [--device cpu|cuda] [--only unet,vae,…] [--json out.json]

Compared: the UNet with depth attention (`DepthWiseAttention`), the VAE (posterior mean, decoder), CLIP's
visual tower, NoisyTargetViewEncoder, FrustumTV3DNet, SpatialTime3DNet (SyncDreamer's builds are taken;
Morphable Diffusion's network.py defines the same classes), Morphable Diffusion's SparseConvNet — spconv
cannot run here, so the official module runs on official_env's pure-PyTorch sparse convolution (spconv
2.x's index rules, KRSC weights) and ours is the dense emulation with converted weights — and the two
rigs (the parents' camera matrices against ours). `reduced` narrows the UNet (64 channels) for a quick
CPU run; every other module is always full size. fp32 with TF32 off.
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from mvdiffusion.converters import keys as K  # noqa: E402
from mvdiffusion.converters.official_env import official_imports  # noqa: E402


def randomise(module: nn.Module, seed: int) -> None:
    """Every float parameter and buffer random (the parents zero-init several output convs, which would
    hide a wrong mapping); BatchNorm variances positive."""
    g = torch.Generator().manual_seed(seed)
    params = {n for n, _ in module.named_parameters()}
    with torch.no_grad():
        for name, t in list(module.state_dict().items()):
            if not t.is_floating_point() or (name not in params and "running_" not in name):
                continue  # schedule / rig buffers keep their values
            if name.endswith("running_var"):
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
            elif t.dim() >= 2:
                fan_in = max(1, t[0].numel())
                t.copy_(torch.randn(t.shape, generator=g) / math.sqrt(fan_in))
            else:
                t.copy_(torch.randn(t.shape, generator=g) * 0.1 + (1.0 if name.endswith("weight") else 0.0))


def transfer(parent: str, official: nn.Module, official_prefix: str, ours: nn.Module, our_prefix: str,
             volume_frame=None) -> K.KeyMap:
    """official module's state → ours through the converters' key map (prefixes as in the checkpoints)."""
    osd = {official_prefix + k: v for k, v in official.state_dict().items()}
    our_shapes = {our_prefix + k: tuple(v.shape) for k, v in ours.state_dict().items()}
    km = K.build_key_map(parent, {k: tuple(v.shape) for k, v in osd.items()}, our_shapes, volume_frame=volume_frame)
    sd = K.apply_key_map(km, osd, our_shapes)
    ours.load_state_dict({k[len(our_prefix):]: v for k, v in sd.items()}, strict=True)
    return km


# MultiViewDiffusion builds some constants on the CPU inside its forward (timestep frequencies, trilinear
# bounds): the end-to-end runs keep our model on the CPU and the official one on --device.
OURS_DEVICE = torch.device("cpu")


def max_abs(a, b) -> float:
    return float((a.float().cpu() - b.float().cpu()).abs().max())


def scale(a) -> float:
    return float(a.float().cpu().abs().max())


class Comparison:
    def __init__(self, device: str, size: str):
        self.device = torch.device(device)
        self.size = size
        self.rows: List[dict] = []

    def record(self, module: str, shape: str, diff: float, ref: float, seconds: float, note: str = "") -> None:
        row = {"module": module, "size": shape, "max_abs_diff": diff, "max_abs_output": ref,
               "seconds": round(seconds, 2), "note": note}
        self.rows.append(row)
        print(f"{module:<34} {shape:<40} max|Δ| {diff:.3e}  (max|out| {ref:.3e}, {seconds:.1f} s) {note}", flush=True)


def run_sd_modules(cmp: Comparison, repo: str, clip_repo: Optional[str], only: Optional[set]) -> None:
    dev = cmp.device
    from mvdiffusion import target_encoder as our_te
    from mvdiffusion import volume_nets as our_vn
    from mvdiffusion.unet import UNetConfig, UNetModel
    from mvdiffusion.vae import AutoencoderKL as OurVAE
    from mvdiffusion.image_encoder import ClipVisionEncoder

    with official_imports(repo, clip_repo):
        net = importlib.import_module("ldm.models.diffusion.sync_dreamer_network")
        att = importlib.import_module("ldm.models.diffusion.sync_dreamer_attention")
        ae = importlib.import_module("ldm.models.autoencoder")
        clip = importlib.import_module("clip") if clip_repo else None
        g = torch.Generator().manual_seed(0)

        if not only or "target_encoder" in only:
            t0 = time.time()
            off = net.NoisyTargetViewEncoder(256, 4, run_dim=16, output_dim=16).eval()
            randomise(off, 1)
            ours = our_te.NoisyTargetViewEncoder(256, 4, 16, 16, 4).eval()
            transfer("syncdreamer", off, "spatial_volume.target_encoder.", ours, "spatial_volume.target_encoder.")
            x, t, v = torch.randn(16, 4, 32, 32, generator=g), torch.randn(16, 256, generator=g), torch.randn(16, 4, generator=g)
            with torch.no_grad():
                a = off.to(dev)(x.to(dev), t.to(dev), v.to(dev))
                b = ours.to(dev)(x.to(dev), t.to(dev), v.to(dev))
            cmp.record("NoisyTargetViewEncoder", "16×4×32² (full)", max_abs(a, b), scale(a), time.time() - t0)

        if not only or "frustum" in only:
            t0 = time.time()
            off = net.FrustumTV3DNet(64, 256, 4, dims=(64, 128, 256, 512)).eval()
            randomise(off, 2)
            ours = our_vn.FrustumTV3DNet(64, 256, 4, (64, 128, 256, 512)).eval()
            transfer("syncdreamer", off, "spatial_volume.frustum_volume_feats.", ours, "spatial_volume.frustum_volume_feats.")
            n = 4
            x, t, v = torch.randn(n, 64, 48, 32, 32, generator=g), torch.randn(n, 256, generator=g), torch.randn(n, 4, generator=g)
            with torch.no_grad():
                a = off.to(dev)(x.to(dev), t.to(dev), v.to(dev))
                b = ours.to(dev)(x.to(dev), t.to(dev), v.to(dev))
            for i, w in enumerate((32, 16, 8, 4)):
                cmp.record(f"FrustumTV3DNet level {i}", f"{n}×64×48×32² → {tuple(b[i].shape[1:])}", max_abs(a[w], b[i]), scale(a[w]),
                           time.time() - t0)

        if not only or "spatial" in only:
            t0 = time.time()
            off = net.SpatialTime3DNet(time_dim=256, input_dim=256, dims=(64, 128, 256, 512)).eval()
            randomise(off, 3)
            ours = our_vn.SpatialTime3DNet(256, 256, (64, 128, 256, 512)).eval()
            transfer("syncdreamer", off, "spatial_volume.spatial_volume_feats.", ours, "spatial_volume.spatial_volume_feats.")
            x, t = torch.randn(1, 256, 32, 32, 32, generator=g), torch.randn(1, 256, generator=g)
            with torch.no_grad():
                a = off.to(dev)(x.to(dev), t.to(dev))
                b = ours.to(dev)(x.to(dev), t.to(dev))
            cmp.record("SpatialTime3DNet", "1×256×32³ (full)", max_abs(a, b), scale(a), time.time() - t0)
            # in our y-up frame: kernels re-axed by the converter, the volume transposed the same way
            t0 = time.time()
            from mvdiffusion.converters.parents import SD_VOLUME_FRAME

            km = transfer("syncdreamer", off.cpu(), "spatial_volume.spatial_volume_feats.", ours.cpu(),
                          "spatial_volume.spatial_volume_feats.", volume_frame=SD_VOLUME_FRAME)
            perm, _ = km.volume_axes
            with torch.no_grad():
                b = ours.to(dev)(x.to(dev).permute(*perm), t.to(dev))
            cmp.record("SpatialTime3DNet, our frame", f"1×256×32³, kernels permuted {perm}", max_abs(a.permute(*perm), b), scale(a),
                       time.time() - t0)

        if not only or "unet" in only:
            t0 = time.time()
            full = cmp.size == "full"
            mc = 320 if full else 64
            vd = (64, 128, 256, 512) if full else (16, 32, 64, 128)
            ctx = 768 if full else 64
            off = att.DepthWiseAttention(volume_dims=vd, image_size=32, in_channels=8, out_channels=4, model_channels=mc,
                                         attention_resolutions=[4, 2, 1], num_res_blocks=2, channel_mult=[1, 2, 4, 4],
                                         num_heads=8, use_spatial_transformer=True, transformer_depth=1, context_dim=ctx,
                                         use_checkpoint=False, legacy=False).eval()
            randomise(off, 4)
            ours = UNetModel(UNetConfig(model_channels=mc, volume_dims=vd, context_dim=ctx, multiview_attention=False)).eval()
            km = transfer("syncdreamer", off, "model.diffusion_model.", ours, "model.diffusion_model.")
            B = 2
            x = torch.randn(B, 8, 32, 32, generator=g)
            ts = torch.tensor([981.0, 321.0])
            c = torch.randn(B, 1, ctx, generator=g)
            src = {32 >> i: torch.randn(B, vd[i], 48 >> i, 32 >> i, 32 >> i, generator=g) for i in range(4)}
            with torch.no_grad():
                off, ours = off.to(dev), ours.to(dev)
                a = off(x.to(dev), ts.to(dev), c.to(dev), {k: v.to(dev) for k, v in src.items()})
                b = ours(x.to(dev), ts.to(dev), c.to(dev), {k: v.to(dev) for k, v in src.items()})
            params = sum(p.numel() for p in ours.parameters())
            cmp.record("UNet + depth attention", f"B=2, {mc} ch, {params / 1e6:.0f} M params ({cmp.size})", max_abs(a, b), scale(a),
                       time.time() - t0, f"{len([1 for v in km.ours.values() if v])} keys")
            del off, ours
            torch.cuda.empty_cache() if dev.type == "cuda" else None

        if not only or "vae" in only:
            t0 = time.time()
            cfg = {"double_z": True, "z_channels": 4, "resolution": 256, "in_channels": 3, "out_ch": 3, "ch": 128,
                   "ch_mult": [1, 2, 4, 4], "num_res_blocks": 2, "attn_resolutions": [], "dropout": 0.0}
            off = ae.AutoencoderKL(ddconfig=cfg, lossconfig={"target": "torch.nn.Identity"}, embed_dim=4).eval()
            randomise(off, 5)
            ours = OurVAE().eval()
            transfer("syncdreamer", off, "first_stage_model.", ours, "first_stage_model.")
            img = torch.rand(1, 3, 256, 256, generator=g) * 2 - 1
            z = torch.randn(2, 4, 32, 32, generator=g)
            with torch.no_grad():
                off, ours = off.to(dev), ours.to(dev)
                a = off.encode(img.to(dev)).mean
                b = ours.encode_mean(img.to(dev))
                cmp.record("VAE encoder (posterior mean)", "1×3×256² (full)", max_abs(a, b), scale(a), time.time() - t0)
                t0 = time.time()
                a = off.decode(z.to(dev))
                b = ours.decode(z.to(dev))
                cmp.record("VAE decoder", "2×4×32² (full)", max_abs(a, b), scale(a), time.time() - t0)
            del off, ours

        if clip is not None and (not only or "clip" in only):
            t0 = time.time()
            model, _ = clip.load("ViT-L-14.pt", device="cpu")
            del model.transformer
            randomise(model.visual, 6)
            ours = ClipVisionEncoder().eval()
            transfer("syncdreamer", model.visual, "clip_image_encoder.model.visual.", ours.visual,
                     "clip_image_encoder.model.visual.")
            img = torch.randn(2, 3, 224, 224, generator=g)
            with torch.no_grad():
                a = model.to(dev).encode_image(img.to(dev))
                b = ours.to(dev)(img.to(dev))
            cmp.record("CLIP ViT-L/14 visual", "2×3×224² (full)", max_abs(a, b), scale(a), time.time() - t0)


def sparse_voxels(shape, n_points: int, seed: int) -> torch.Tensor:
    """Distinct voxels of a thin ellipsoid shell (a head-like surface at 5 mm), [N,3] (d,h,w)."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=(n_points, 3))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    centre = (np.asarray(shape) - 1) / 2
    pts = np.round(centre + u * (np.asarray(shape) * 0.42)).astype(np.int64)
    pts = np.unique(np.clip(pts, 0, np.asarray(shape) - 1), axis=0)
    return torch.from_numpy(pts)


def run_md_sparse(cmp: Comparison, repo: str) -> None:
    from mvdiffusion.mesh_fusion import SparseConvNet as OurSparse

    dev = cmp.device
    with official_imports(repo):
        net = importlib.import_module("ldm.models.diffusion.network")
        spc = importlib.import_module("spconv.pytorch.core")
        t0 = time.time()
        off = net.SparseConvNet().eval()
        randomise(off, 7)
        ours = OurSparse(16, (16, 32, 64)).eval()
        km = transfer("morphable_diffusion", off, "spatial_volume.xyzc_net.", ours, "spatial_volume.xyzc_net.")
        shape = (128, 176, 116)  # the FLAME template's grid after the parent's transform (out_sh)
        idx = sparse_voxels(shape, 5023, 8)
        g = torch.Generator().manual_seed(9)
        feats = torch.randn(len(idx), 16, generator=g)
        with torch.no_grad():
            off, ours = off.to(dev), ours.to(dev)
            x = spc.SparseConvTensor(feats.to(dev), torch.cat([torch.zeros(len(idx), 1, dtype=torch.long), idx], 1).to(dev),
                                     list(shape), 1)
            a = off(x)
            dense = torch.zeros(1, 16, *shape, device=dev)
            mask = torch.zeros(1, 1, *shape, device=dev)
            i = idx.to(dev)
            dense[0, :, i[:, 0], i[:, 1], i[:, 2]] = feats.to(dev).t()
            mask[0, 0, i[:, 0], i[:, 1], i[:, 2]] = 1
            b = ours(dense, mask)
        krsc = sum(1 for t in km.transform.values() if t == "krsc")
        cmp.record("SparseConvNet: dense vs sparse ref", f"{len(idx)} voxels in {shape}", max_abs(a, b), scale(a), time.time() - t0,
                   f"{krsc} KRSC weights permuted")


def run_rigs(cmp: Comparison, sd_repo: str) -> None:
    """The parents' cameras against ours (rotation, translation; focal separately)."""
    import pickle

    from mvdiffusion.converters.parents import MD_DISTANCE, md_rig, sd_rig
    from mvdiffusion.rig import rig_cameras

    t0 = time.time()
    with open(Path(sd_repo) / "meta_info" / "camera-16.pkl", "rb") as f:
        Ksd, azs, els, dists, poses = pickle.load(f)
    _, R, t = rig_cameras(sd_rig(), 256)
    ours = np.concatenate([R, t[:, :, None]], 2)
    cmp.record("rig ring30 vs camera-16.pkl [R|t]", "16 views", float(np.abs(ours - poses).max()), float(np.abs(poses).max()),
               time.time() - t0, f"pkl K fx={float(Ksd[0, 0]):.2f}; elevations {np.degrees(np.asarray(els)).round(2).tolist()[:2]}")
    M = K.frame_from_cameras(poses[:, :, :3], R, poses[:, :, 3], t, tol=1.0)
    dev_rt = float(max(np.abs(poses[:, :, :3] @ M.T - R).max(), np.abs(poses[:, :, 3] - t).max()))
    cmp.record("rig ring30 vs camera-16.pkl, after M", "16 views", dev_rt, float(np.abs(poses).max()), 0.0,
               f"M (p_ours = M p_sd) = {M.astype(int).tolist()}")
    # SyncDreamer's world up axis: camera y (down) in world coordinates for view 0
    print("  SyncDreamer view 0 R rows (x right, y down, z forward):", np.round(poses[0, :, :3], 4).tolist())
    print("  ours        view 0 R rows:", np.round(R[0], 4).tolist())

    from scipy.spatial.transform import Rotation

    t0 = time.time()
    yaws = np.linspace(-90, 90, 16)
    rts = []
    for y in yaws:
        pos = np.array([MD_DISTANCE * np.sin(np.radians(y)), 0, MD_DISTANCE * np.cos(np.radians(y))])
        Rm = Rotation.from_euler("xyz", (-180, y, 0), True).as_matrix()
        rts.append(np.concatenate([Rm, (-Rm @ pos)[:, None]], 1))
    rts = np.stack(rts)
    _, R, t = rig_cameras(md_rig(), 256)
    ours = np.concatenate([R, t[:, :, None]], 2)
    cmp.record("rig face180 vs MD virtual trajectory [R|t]", "16 views", float(np.abs(ours - rts).max()), float(np.abs(rts).max()),
               time.time() - t0)


def run_sd_end_to_end(cmp: Comparison, repo: str, clip_repo: str, workdir: Path, keep_ckpt: bool = False) -> None:
    """The whole official SyncDreamer model (random weights) → a .ckpt on disk → convert_syncdreamer's
    conversion → one denoising step of both: volume path (unprojection, SpatialTime3DNet, frustum
    sampling, FrustumTV3DNet), CLIP + cc_projection context, VAE input latent, UNet ε."""
    import torch.nn.functional as F

    from mvdiffusion.converters.pack import convert_checkpoint
    from mvdiffusion.rig import view_embeddings

    dev = cmp.device
    t0 = time.time()
    with official_imports(repo, clip_repo) as root:
        from mvdiffusion.converters.official_env import read_yaml_model_params

        params = read_yaml_model_params(root / "configs/syncdreamer.yaml")
        params.pop("scheduler_config", None)
        off = importlib.import_module("ldm.models.diffusion.sync_dreamer").SyncMultiviewDiffusion(scheduler_config=None, **params)
    randomise(off, 11)
    off.eval()
    ckpt = workdir / "syncdreamer-random.ckpt"
    torch.save({"state_dict": off.state_dict(), "epoch": 0}, ckpt)
    ours, km, spec = convert_checkpoint("syncdreamer", str(ckpt))
    if not keep_ckpt:
        ckpt.unlink()
    cmp.record("end-to-end: build, save, convert", "SyncDreamer full", 0.0, 0.0, time.time() - t0,
               f"{sum(1 for v in km.ours.values() if v)} keys mapped, axes {km.volume_axes}")

    g = torch.Generator().manual_seed(12)
    N = 16
    x = torch.randn(1, N, 4, 32, 32, generator=g)
    t = torch.tensor([501])
    elev = 20.0
    image = torch.rand(1, 3, 256, 256, generator=g) * 2 - 1
    off = off.to(dev)
    ours = ours.to(OURS_DEVICE)
    od = OURS_DEVICE
    with torch.no_grad():
        t0 = time.time()
        v_off = off.get_viewpoint_embedding(1, torch.tensor([np.radians(elev)], dtype=torch.float32, device=dev))  # [1,N,4]
        v_ours = torch.from_numpy(view_embeddings(ours.rig, elev)).to(od)  # [N+1,4]
        cmp.record("view embedding (relative-negated-elevation)", "16 views, input elevation 20°", max_abs(v_off[0], v_ours[:N]),
                   scale(v_off), time.time() - t0)
        t0 = time.time()
        te = off.embed_time(t.to(dev))
        sv = off.spatial_volume.construct_spatial_volume(x.to(dev), te, v_off, off.poses, off.Ks)
        fr, _ = off.spatial_volume.construct_view_frustum_volume(sv, te, v_off, off.poses, off.Ks,
                                                                   torch.arange(N, device=dev)[None])
        fr_ours = ours.volume(x[0].to(od), t.float().to(od), v_ours[:N])
        for i, w in enumerate((32, 16, 8, 4)):
            cmp.record(f"volume path → frustum level {i}", f"16 views, t=501 ({tuple(fr_ours[i].shape[1:])})", max_abs(fr[w], fr_ours[i]),
                       scale(fr[w]), time.time() - t0)
        t0 = time.time()
        clip_off = off.clip_image_encoder.encode(image.to(dev))  # [1,1,768]
        ctx_off = off.cc_projection(torch.cat([clip_off.repeat(N, 1, 1), v_off[0].unsqueeze(1)], -1))  # [N,1,768]
        img224 = F.interpolate(image.to(od), size=(224, 224), mode="bicubic", align_corners=True)
        ctx_ours = ours.condition(img224, v_ours)[:N]
        cmp.record("context: CLIP + cc_projection", "16 views", max_abs(ctx_off, ctx_ours), scale(ctx_off), time.time() - t0)
        t0 = time.time()
        lat_off = off.encode_first_stage(image.to(dev), sample=False)
        lat_ours = ours.encode_input(image.to(od))
        cmp.record("input latent (VAE mean × 0.18215)", "1×3×256²", max_abs(lat_off, lat_ours), scale(lat_off), time.time() - t0)
        t0 = time.time()
        eps_off = off.model(x[0].to(dev), t.repeat(N).to(dev), ctx_off, fr, lat_off.repeat(N, 1, 1, 1), is_train=False)
        eps_ours = ours.unet(x[0].to(od), lat_ours.repeat(N, 1, 1, 1), t.float().repeat(N).to(od), ctx_ours, fr_ours, None)
        cmp.record("UNet ε, one step (end to end)", "16 views, t=501", max_abs(eps_off, eps_ours), scale(eps_off), time.time() - t0)


def head_shell_vertices(n: int, voxel: float, seed: int) -> np.ndarray:
    """A head-sized ellipsoid shell in Morphable Diffusion's volume frame (the FLAME template spans
    ≈ 0.56 × 0.86 × 0.62 there), one vertex per 5 mm voxel (spconv's handling of duplicate voxels is
    undefined, the parent never deduplicates, ours averages: keep the comparison about the rest)."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=(n, 3))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    v = (u * np.array([0.28, 0.43, 0.31]) * (1 + 0.02 * rng.normal(size=(n, 1)))).astype(np.float32)
    vt = torch.from_numpy(v)
    coord = torch.round((vt[:, [2, 1, 0]] - vt.min(0).values[[2, 1, 0]]) / voxel).int()
    _, first = np.unique(coord.numpy(), axis=0, return_index=True)
    return v[np.sort(first)]


def md_batch(verts: np.ndarray, dev) -> Dict[str, torch.Tensor]:
    """generate_face.py's batch for the virtual trajectory and a mesh already in the volume frame."""
    from scipy.spatial.transform import Rotation

    from mvdiffusion.converters.parents import MD_DISTANCE, MD_FOCAL_AT_256

    Ks, RTs = [], []
    for yaw in np.linspace(-90, 90, 16):
        K = np.eye(4)
        K[:3, :3] = [[MD_FOCAL_AT_256, 0, 128], [0, MD_FOCAL_AT_256, 128], [0, 0, 1]]
        pos = np.array([MD_DISTANCE * np.sin(np.radians(yaw)), 0, MD_DISTANCE * np.cos(np.radians(yaw))])
        R = Rotation.from_euler("xyz", (-180, yaw, 0), True).as_matrix()
        Ks.append(K)
        RTs.append(np.concatenate([R, (-R @ pos)[:, None]], 1))
    v = torch.from_numpy(verts).float()
    mn, mx = v.min(0).values, v.max(0).values
    voxel = torch.tensor([0.005, 0.005, 0.005])
    coord = torch.round((v[:, [2, 1, 0]] - mn[[2, 1, 0]]) / voxel).int()
    out_sh = torch.ceil((mx[[2, 1, 0]] - mn[[2, 1, 0]]) / voxel).int()
    out_sh = (out_sh | 3) + 1
    zeros = torch.zeros(1, 16)
    b = {"target_K": torch.tensor(np.stack(Ks)).float()[None], "target_RT": torch.tensor(np.stack(RTs)).float()[None],
         "vertices": v[None], "coord": coord[None], "out_sh": out_sh[None], "bounds": torch.stack([mn, mx])[None],
         "input_azimuth": torch.zeros(1, 1), "input_elevation": torch.zeros(1, 1), "target_azimuth": zeros,
         "target_elevation": zeros}
    return {k: t.to(dev) for k, t in b.items()}


def run_md_end_to_end(cmp: Comparison, repo: str, clip_repo: str, workdir: Path) -> None:
    """The whole official Morphable Diffusion model (random weights; its sparse net on the pure-PyTorch
    spconv stand-in) → .ckpt → convert_morphable_diffusion's conversion → one step of both with the same
    mesh: appearance volume, mesh fusion (SMPL feature conv, SparseConvNet, resampling onto the grid),
    frustum sampling, FrustumTV3DNet, raw CLIP context, UNet ε."""
    import torch.nn.functional as F

    from mvdiffusion.converters.pack import convert_checkpoint
    from mvdiffusion.rig import view_embeddings

    dev = cmp.device
    t0 = time.time()
    with official_imports(repo, clip_repo) as root:
        from mvdiffusion.converters.official_env import read_yaml_model_params

        params = read_yaml_model_params(root / "configs/facescape.yaml")
        params.pop("scheduler_config", None)
        off = importlib.import_module("ldm.models.diffusion.morphable_diffusion").SyncMultiviewDiffusion(
            scheduler_config=None, **params)
    randomise(off, 21)
    off.eval()
    ckpt = workdir / "md-random.ckpt"
    torch.save({"state_dict": off.state_dict()}, ckpt)
    ours, km, spec = convert_checkpoint("morphable_diffusion", str(ckpt))
    ckpt.unlink()
    cmp.record("MD end-to-end: build, save, convert", "Morphable Diffusion full", 0.0, 0.0, time.time() - t0,
               f"{sum(1 for v in km.ours.values() if v)} keys mapped")
    verts = head_shell_vertices(6000, 0.005, 22)
    batch = md_batch(verts, dev)
    g = torch.Generator().manual_seed(23)
    N = 16
    x = torch.randn(1, N, 4, 32, 32, generator=g)
    t = torch.tensor([501])
    image = torch.rand(1, 3, 256, 256, generator=g) * 2 - 1
    off = off.to(dev)
    ours = ours.to(OURS_DEVICE)
    od = OURS_DEVICE
    with torch.no_grad():
        t0 = time.time()
        v_off = off.get_viewpoint_embedding(batch)
        v_ours = torch.from_numpy(view_embeddings(ours.rig, 0.0)).to(od)
        te = off.embed_time(t.to(dev))
        sv = off.spatial_volume.construct_spatial_volume(x.to(dev), te, v_off, batch)
        fr, _ = off.spatial_volume.construct_view_frustum_volume(sv, te, v_off, torch.arange(N, device=dev)[None], batch)
        fr_ours = ours.volume(x[0].to(od), t.float().to(od), v_ours[:N], torch.from_numpy(verts).to(od))
        for i, w in enumerate((32, 16, 8, 4)):
            cmp.record(f"MD volume path → frustum level {i}", f"{len(verts)} vertices, t=501", max_abs(fr[w], fr_ours[i]),
                       scale(fr[w]), time.time() - t0)
        t0 = time.time()
        ctx_off = off.clip_image_encoder.encode(image.to(dev)).repeat(N, 1, 1)
        ctx_ours = ours.condition(F.interpolate(image.to(od), size=(224, 224), mode="bicubic", align_corners=True), v_ours)[:N]
        cmp.record("MD context: raw CLIP", "16 views", max_abs(ctx_off, ctx_ours), scale(ctx_off), time.time() - t0)
        lat_off = off.encode_first_stage(image.to(dev), sample=False)
        lat_ours = ours.encode_input(image.to(od))
        t0 = time.time()
        eps_off = off.model(x[0].to(dev), t.repeat(N).to(dev), ctx_off, fr, lat_off.repeat(N, 1, 1, 1), is_train=False)
        eps_ours = ours.unet(x[0].to(od), lat_ours.repeat(N, 1, 1, 1), t.float().repeat(N).to(od), ctx_ours, fr_ours, None)
        cmp.record("MD UNet ε, one step (end to end)", "16 views, t=501", max_abs(eps_off, eps_ours), scale(eps_off), time.time() - t0)


def main(argv: Optional[List[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--syncdreamer-repo", required=True)
    ap.add_argument("--morphable-repo", required=True)
    ap.add_argument("--clip-repo", help="openai/CLIP checkout (for the visual tower); skipped without it")
    ap.add_argument("--size", default="full", choices=["full", "reduced"], help="UNet width (other modules are always full)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--only", help="comma list of: target_encoder,frustum,spatial,unet,vae,clip,sparse,rig,e2e-sd,e2e-md")
    ap.add_argument("--json", help="write the rows here")
    ap.add_argument("--end-to-end", action="store_true",
                    help="also: whole official SyncDreamer → .ckpt → converter → one step of both (needs ~12 GB RAM + disk)")
    ap.add_argument("--workdir", default="/tmp", help="where --end-to-end writes its temporary .ckpt")
    ap.add_argument("--keep-ckpt", action="store_true", help="keep that .ckpt (syncdreamer-random.ckpt) for a converter run")
    args = ap.parse_args(argv)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    if args.device == "cpu":
        torch.set_num_threads(min(torch.get_num_threads(), 16))
    only = set(args.only.split(",")) if args.only else None
    cmp = Comparison(args.device, args.size)
    print(f"torch {torch.__version__} on {args.device}", flush=True)
    if not only or only - {"sparse", "rig", "e2e-sd", "e2e-md"}:
        run_sd_modules(cmp, args.syncdreamer_repo, args.clip_repo, only)
    if not only or "sparse" in only:
        run_md_sparse(cmp, args.morphable_repo)
    if not only or "rig" in only:
        run_rigs(cmp, args.syncdreamer_repo)
    if args.end_to_end and (not only or "e2e-sd" in only):
        run_sd_end_to_end(cmp, args.syncdreamer_repo, args.clip_repo, Path(args.workdir), args.keep_ckpt)
    if args.end_to_end and (not only or "e2e-md" in only):
        run_md_end_to_end(cmp, args.morphable_repo, args.clip_repo, Path(args.workdir))
    if args.json:
        Path(args.json).write_text(json.dumps({"torch": torch.__version__, "device": args.device, "rows": cmp.rows}, indent=1))


if __name__ == "__main__":
    main()
