"""Converters of the parents' checkpoints (SyncDreamer, Morphable Diffusion) into MultiViewDiffusion.

State dicts carry the official key names and shapes of fixtures/official_keys/mvd_parents.json (written
from the official model classes by make_mvd_parent_keys.py). Full-size routing is checked with stride-0
tensors (every official tensor is one distinct constant broadcast to its full shape: no memory), one
full-size strict load into the model, and the tensor-layout transforms (spconv KRSC, size-1 axes) with
real values — the KRSC one against a pure-PyTorch sparse convolution that follows spconv 2.x's index
rules. CPU, ~1 min, < 7 GB."""
from __future__ import annotations

import os
import pickle
import re
import sys
import types
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from mvdiffusion.converters import keys as K  # noqa: E402
from mvdiffusion.converters.checkpoints import (  # noqa: E402
    OFFICIAL_KEYS_JSON, fill_model, load_lightning_state_dict, merge_clip, official_shapes, persistent_shapes, skip_init)
from mvdiffusion.converters.parents import (  # noqa: E402
    MD_MESH_TRANSFORM, axis_angle_matrix, md_transform_vertices, parent_spec)

PARENTS = ("syncdreamer", "morphable_diffusion")
pytestmark = pytest.mark.skipif(not OFFICIAL_KEYS_JSON.exists(), reason="official key list not generated")

SCHEDULE = ("betas", "alphas", "alphas_cumprod", "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod",
            "posterior_variance", "posterior_log_variance_clipped")
CLIP_TEXT = tuple("clip_image_encoder.model." + k for k in
                  ("token_embedding.weight", "positional_embedding", "ln_final.weight", "ln_final.bias",
                   "text_projection", "logit_scale"))
EXPECTED_DROPPED = {
    "syncdreamer": set(SCHEDULE) | set(CLIP_TEXT) | {"poses", "Ks", "azimuth"},
    "morphable_diffusion": set(SCHEDULE) | set(CLIP_TEXT),
}
SPARSE_WEIGHTS = ["conv0.0", "conv0.3", "down0.0", "conv1.0", "conv1.3", "down1.0", "conv2.0", "conv2.3", "conv2.6"]


def build_ours(parent: str):
    from mvdiffusion.model import MultiViewDiffusion

    spec = parent_spec(parent)
    torch.set_num_threads(2)
    with skip_init():
        return MultiViewDiffusion(spec.config, spec.rig).eval()


@pytest.fixture(scope="module")
def shapes():
    """{parent: (official shapes, our shapes)} at full size (our model built without initialisers)."""
    out = {}
    for parent in PARENTS:
        model = build_ours(parent)
        out[parent] = (official_shapes(parent), persistent_shapes(model))
        del model
    return out


def constant_state_dict(official, codes):
    """Each official key → its code broadcast to the full shape (stride 0, no memory); real betas."""
    sd = {}
    for key, shape in official.items():
        if key == "betas":
            sd[key] = K.schedule_betas(0.00085, 0.012, 1000)
        elif key.endswith("num_batches_tracked"):
            sd[key] = torch.tensor(codes[key], dtype=torch.int64).expand(shape)
        else:
            sd[key] = torch.tensor(float(codes[key]), dtype=torch.float64).expand(shape)
    return sd


# --- the official key list ------------------------------------------------------------------------

def test_official_list_has_provenance_and_the_known_sizes():
    import json

    doc = json.loads(OFFICIAL_KEYS_JSON.read_text())
    prov = doc["provenance"]
    assert prov["syncdreamer"]["repo"] == "liuyuan-pal/SyncDreamer" and len(prov["syncdreamer"]["commit"]) == 40
    assert prov["morphable_diffusion"]["repo"] == "xiyichen/morphablediffusion" and len(prov["morphable_diffusion"]["commit"]) == 40
    sd, md = official_shapes("syncdreamer"), official_shapes("morphable_diffusion")
    unet = [k for k in sd if k.startswith("model.diffusion_model.")]
    assert len(unet) == 686 + 170  # SD-1.x UNet + 10 DepthTransformers (checkpoint-structure.md A2)
    assert sd["model.diffusion_model.input_blocks.0.0.weight"] == (320, 8, 3, 3)
    assert sd["cc_projection.weight"] == (768, 772) and "cc_projection.weight" not in md
    assert md["spatial_volume.xyzc_net.conv0.0.weight"] == (16, 3, 3, 3, 16)  # spconv KRSC
    assert md["spatial_volume.smpl_feature_extractor.conv0.weight"] == (16, 16, 1)
    assert not any(k.startswith("spatial_volume.spatial_volume_feats.") for k in md)
    assert sum(k.startswith("spatial_volume.xyzc_net.") and k.endswith(".weight") and len(s) == 5 for k, s in md.items()) == 9


def test_backbone_unet_list_agrees_where_present():
    """The backbone's own UNet key list (if committed) says the same shapes."""
    import json

    other = OFFICIAL_KEYS_JSON.parent / "syncdreamer_unet.json"
    if not other.exists():
        pytest.skip("no syncdreamer_unet.json")
    doc = json.loads(other.read_text())
    table = doc.get("keys", doc) if isinstance(doc, dict) else doc
    ours = official_shapes("syncdreamer")
    checked = 0
    for k, v in table.items():
        if not isinstance(v, (list, tuple)):
            continue
        shape = tuple(v[0]) if v and isinstance(v[0], list) else tuple(v)
        full = k if k.startswith("model.diffusion_model.") else "model.diffusion_model." + k
        if full in ours:
            assert ours[full] == shape, full
            checked += 1
    assert checked > 600


# --- full-size mapping ------------------------------------------------------------------------------

@pytest.mark.parametrize("parent", PARENTS)
def test_every_official_key_is_mapped_or_dropped_by_name(shapes, parent):
    official, ours = shapes[parent]
    km = K.build_key_map(parent, official, ours)
    assert set(km.ours) == set(official)
    assert set(km.dropped) == EXPECTED_DROPPED[parent]
    assert all(km.dropped[k] for k in km.dropped)
    reverse = km.reverse()
    assert set(reverse) == set(ours), "every key of ours is filled by exactly one official key"
    assert len(reverse) == len(official) - len(km.dropped)
    # our model keeps the parents' roots: each component sits where the official one does
    assert all(km.prefixes[c.name] == c.official for c in K.PARENTS[parent] if c.name in km.prefixes)
    krsc = sorted(k for k, t in km.transform.items() if t == "krsc")
    if parent == "morphable_diffusion":
        assert krsc == sorted(f"spatial_volume.xyzc_net.{n}.weight" for n in SPARSE_WEIGHTS)
        assert any(k.endswith("running_var") for k in reverse)  # BatchNorm buffers travel
    else:
        assert krsc == []


@pytest.mark.parametrize("parent", PARENTS)
def test_each_value_lands_at_its_key(shapes, parent):
    official, ours = shapes[parent]
    codes = {k: i + 1 for i, k in enumerate(sorted(official))}
    sd = constant_state_dict(official, codes)
    km = K.build_key_map(parent, official, ours)
    out = K.apply_key_map(km, sd, ours)
    assert set(out) == set(ours)
    for key, our_key in km.ours.items():
        if our_key is None:
            continue
        t = out[our_key]
        assert tuple(t.shape) == tuple(ours[our_key]), key
        if key == "betas":
            continue
        assert float(t.reshape(-1)[0]) == codes[key] and float(t.reshape(-1)[-1]) == codes[key], key


@pytest.mark.skipif(os.environ.get("GEN3D_HEAVY_TESTS") != "1",
                    reason="builds the full-size model (6 GB, ~1 min on 2 cores): GEN3D_HEAVY_TESTS=1")
def test_full_size_strict_load_into_the_model(shapes):
    """Morphable Diffusion (the parent with spconv weights) through fill_model: official-list check,
    schedule check, key map, strict load_state_dict; then every parameter holds its official value."""
    parent = "morphable_diffusion"
    official, _ = shapes[parent]
    codes = {k: (i % 1000) + 1 for i, k in enumerate(sorted(official))}
    sd = constant_state_dict(official, codes)
    model = build_ours(parent)
    km = fill_model(parent, model, sd)
    state = model.state_dict()
    for key, our_key in km.ours.items():
        if our_key is None:
            continue
        t = state[our_key].reshape(-1)
        assert float(t[0]) == codes[key] and float(t[-1]) == codes[key], key
    del model, state


# --- tensor layouts with real values -----------------------------------------------------------------

def test_krsc_permutation_moves_each_kernel_tap():
    w = torch.randn(4, 3, 3, 3, 5)  # [out, kd, kh, kw, in]
    t = K.krsc_to_torch(w)
    assert t.shape == (4, 5, 3, 3, 3)
    for o, d, h, x, i in [(0, 0, 0, 0, 0), (3, 2, 1, 0, 4), (1, 0, 2, 1, 2)]:
        assert t[o, i, d, h, x] == w[o, d, h, x, i]
    assert torch.equal(K.torch_to_krsc(t), w)


def test_conv1d_into_a_linear_shape_is_a_squeeze():
    c = K.Component("mesh_vertex_net", "spatial_volume.smpl_feature_extractor.")
    assert K._transform_for(c, (16, 16, 1), (16, 16)) == "squeeze"
    assert K._transform_for(c, (16, 16, 1), (16, 16, 1)) == "copy"
    assert K._transform_for(c, (16, 16, 1), (16, 8, 2)) is None


def _reference_sparse_module():
    """The pure-PyTorch spconv stand-in of official_env (spconv 2.x index rules)."""
    from mvdiffusion.converters.official_env import SPCONV_STANDIN

    mod = types.ModuleType("spconv_reference")
    exec(SPCONV_STANDIN, mod.__dict__)
    return mod


def _reference_sparse_net(sp):
    """Morphable Diffusion's SparseConvNet (network.py) built from the stand-in's classes."""
    nn = torch.nn

    def bn(c):
        return nn.BatchNorm1d(c, eps=1e-3, momentum=0.01)

    def subm(n, c_in, c_out):
        layers = []
        for i in range(n):
            layers += [sp.SubMConv3d(c_in if i == 0 else c_out, c_out, 3, bias=False), bn(c_out), nn.ReLU()]
        return sp.SparseSequential(*layers)

    net = nn.Module()
    net.conv0 = subm(2, 16, 16)
    net.down0 = sp.SparseSequential(sp.SparseConv3d(16, 32, 3, 2, padding=1, bias=False), bn(32), nn.ReLU())
    net.conv1 = subm(2, 32, 32)
    net.down1 = sp.SparseSequential(sp.SparseConv3d(32, 64, 3, 2, padding=1, bias=False), bn(64), nn.ReLU())
    net.conv2 = subm(3, 64, 64)
    return net


def test_dense_sparse_net_with_converted_krsc_weights_equals_the_sparse_reference():
    from mvdiffusion.mesh_fusion import SparseConvNet

    torch.manual_seed(0)
    sp = _reference_sparse_module()
    ref = _reference_sparse_net(sp).eval()
    with torch.no_grad():
        for k, v in ref.state_dict().items():
            if k.endswith("running_var"):
                v.copy_(torch.rand_like(v) + 0.5)
            elif k.endswith("num_batches_tracked"):
                v.fill_(7)
            elif v.is_floating_point():
                v.copy_(torch.randn_like(v) * (0.2 if v.dim() == 5 else 0.5))
    official = {"spatial_volume.xyzc_net." + k: v for k, v in ref.state_dict().items()}
    ours = SparseConvNet(16, (16, 32, 64)).eval()
    our_shapes = {"spatial_volume.xyzc_net." + k: tuple(v.shape) for k, v in ours.state_dict().items()}
    km = K.build_key_map("morphable_diffusion", {k: tuple(v.shape) for k, v in official.items()}, our_shapes)
    sd = K.apply_key_map(km, official, our_shapes)
    ours.load_state_dict({k[len("spatial_volume.xyzc_net."):]: v for k, v in sd.items()}, strict=True)

    D, H, W = 16, 20, 12  # multiples of 4, as the parent's out_sh
    g = torch.Generator().manual_seed(1)
    flat = torch.randperm(D * H * W, generator=g)[:300]  # distinct active voxels (a blob-free scatter)
    idx = torch.stack([flat // (H * W), (flat // W) % H, flat % W], 1)
    feats = torch.randn(idx.shape[0], 16, generator=g)
    x = sp.SparseConvTensor(feats, torch.cat([torch.zeros(len(idx), 1, dtype=torch.long), idx], 1), [D, H, W], 1)
    with torch.no_grad():
        for name in ("conv0", "down0", "conv1", "down1", "conv2"):
            x = getattr(ref, name)(x)
        expected = x.dense()  # [1, 64, D/4, H/4, W/4]
        dense = torch.zeros(1, 16, D, H, W)
        dense[0, :, idx[:, 0], idx[:, 1], idx[:, 2]] = feats.t()
        mask = torch.zeros(1, 1, D, H, W)
        mask[0, 0, idx[:, 0], idx[:, 1], idx[:, 2]] = 1
        got = ours(dense, mask)
    assert got.shape == expected.shape == (1, 64, D // 4, H // 4, W // 4)
    assert float(expected.abs().max()) > 0.1
    assert float((got - expected).abs().max()) < 1e-5 * max(1.0, float(expected.abs().max()))

    # the same weights with the kernel flipped (a KRSC reading that assumed true convolution) disagree
    flipped = {k: (v.flip(2, 3, 4) if v.dim() == 5 else v) for k, v in ours.state_dict().items()}
    ours.load_state_dict(flipped)
    with torch.no_grad():
        assert float((ours(dense, mask) - expected).abs().max()) > 1e-2


# --- strictness ---------------------------------------------------------------------------------------

def test_a_missing_key_is_named(shapes):
    official, ours = shapes["syncdreamer"]
    cut = dict(official)
    del cut["model.diffusion_model.out.2.weight"]
    with pytest.raises(K.ConversionError, match=re.escape("model.diffusion_model.out.2.weight")):
        K.build_key_map("syncdreamer", cut, ours)
    with pytest.raises(K.ConversionError, match="missing from the checkpoint"):
        K.check_official_keys("syncdreamer", cut, official)


def test_an_extra_key_is_named(shapes):
    official, ours = shapes["morphable_diffusion"]
    more = dict(official)
    more["spatial_volume.xyzc_net.conv3.0.weight"] = (64, 3, 3, 3, 64)
    more["model_ema.decay"] = ()
    with pytest.raises(K.ConversionError) as e:
        K.build_key_map("morphable_diffusion", more, ours)
    assert "spatial_volume.xyzc_net.conv3.0.weight" in str(e.value) and "model_ema.decay" in str(e.value)
    with pytest.raises(K.ConversionError, match="does not have"):
        K.check_official_keys("morphable_diffusion", more, official)


def test_a_wrong_shape_is_named(shapes):
    official, ours = shapes["syncdreamer"]
    bad = dict(official)
    bad["cc_projection.weight"] = (768, 768)
    bad["spatial_volume.frustum_volume_feats.conv0.weight"] = (64, 64, 3, 3)
    with pytest.raises(K.ConversionError) as e:
        K.build_key_map("syncdreamer", bad, ours)
    msg = str(e.value)
    assert "cc_projection.weight [768, 768]" in msg and "spatial_volume.frustum_volume_feats.conv0.weight" in msg
    with pytest.raises(K.ConversionError, match="shape"):
        K.check_official_keys("syncdreamer", bad, official)


def test_a_syncdreamer_checkpoint_is_not_a_morphable_diffusion_one(shapes):
    official, _ = shapes["syncdreamer"]
    _, md_ours = shapes["morphable_diffusion"]
    with pytest.raises(K.ConversionError) as e:
        K.build_key_map("morphable_diffusion", official, md_ours)
    assert "cc_projection.weight" in str(e.value) or "xyzc_net" in str(e.value)


def test_dropped_keys_may_be_absent_and_the_schedule_is_checked(shapes):
    official, ours = shapes["morphable_diffusion"]
    lean = {k: v for k, v in official.items() if k not in EXPECTED_DROPPED["morphable_diffusion"]}
    K.build_key_map("morphable_diffusion", lean, ours)
    optional = [re.escape(k) for k in EXPECTED_DROPPED["morphable_diffusion"]]
    K.check_official_keys("morphable_diffusion", lean, official, optional)
    K.check_schedule({"betas": K.schedule_betas(0.00085, 0.012, 1000)}, 0.00085, 0.012, 1000)
    with pytest.raises(K.ConversionError, match="schedule"):
        K.check_schedule({"betas": torch.linspace(1e-4, 0.02, 1000)}, 0.00085, 0.012, 1000)


# --- the user's files ---------------------------------------------------------------------------------

def test_lightning_checkpoint_with_classes_not_installed_here(tmp_path):
    fake = types.ModuleType("omegaconf_not_installed")

    class DictConfig:  # what a Lightning checkpoint's hyper_parameters can hold
        def __init__(self):
            self.content = {"lr": 1e-4}

    DictConfig.__module__ = fake.__name__
    DictConfig.__qualname__ = "DictConfig"
    fake.DictConfig = DictConfig
    sys.modules[fake.__name__] = fake
    try:
        path = tmp_path / "x.ckpt"
        torch.save({"state_dict": {"a.weight": torch.ones(2, 2)}, "hyper_parameters": DictConfig(), "epoch": 3}, path)
    finally:
        del sys.modules[fake.__name__]
    sd = load_lightning_state_dict(path)
    assert list(sd) == ["a.weight"] and torch.equal(sd["a.weight"], torch.ones(2, 2))

    torch.save({"epoch": 3, "optimizer_states": []}, tmp_path / "no_sd.ckpt")
    with pytest.raises(K.ConversionError, match="no `state_dict`"):
        load_lightning_state_dict(tmp_path / "no_sd.ckpt")
    (tmp_path / "junk.ckpt").write_bytes(b"not a checkpoint")
    with pytest.raises(K.ConversionError, match="torch.load"):
        load_lightning_state_dict(tmp_path / "junk.ckpt")
    with pytest.raises(FileNotFoundError):
        load_lightning_state_dict(tmp_path / "absent.ckpt")


def test_clip_comes_from_the_checkpoint_or_from_clip_file():
    sd = {"model.diffusion_model.out.2.bias": torch.zeros(4)}
    with pytest.raises(K.ConversionError, match="--clip"):
        merge_clip(sd, None, None)
    merge_clip(sd, {"visual.proj": torch.zeros(1024, 768), "transformer.resblocks.0.ln_1.weight": torch.ones(768)}, "ViT-L-14.pt")
    assert "clip_image_encoder.model.visual.proj" in sd
    assert K.unused_reason("morphable_diffusion", "clip_image_encoder.model.transformer.resblocks.0.ln_1.weight")
    kept = {"clip_image_encoder.model.visual.proj": torch.ones(1)}
    merge_clip(kept, {"visual.proj": torch.zeros(1)}, "ViT-L-14.pt")
    assert float(kept["clip_image_encoder.model.visual.proj"][0]) == 1.0  # the checkpoint's own copy wins


# --- Morphable Diffusion's mesh preprocessing ----------------------------------------------------------

def test_md_mesh_transform_matches_the_parent_formula():
    import numpy as np

    R = axis_angle_matrix(MD_MESH_TRANSFORM["rotationAxisAngle"])
    assert np.allclose(R @ R.T, np.eye(3)) and abs(np.linalg.det(R) - 1) < 1e-12
    try:
        from scipy.spatial.transform import Rotation

        assert np.allclose(R, Rotation.from_rotvec(MD_MESH_TRANSFORM["rotationAxisAngle"]).as_matrix())
    except ImportError:
        pass
    v = np.array([[0.01, 0.02, -0.03], [0.1, -0.05, 0.07]])
    w = (R @ (v * 1.087).T).T + np.array(MD_MESH_TRANSFORM["translation"])
    w = w * 2.5
    w = np.stack([w[:, 0], w[:, 2], -w[:, 1]], 1)
    assert np.allclose(md_transform_vertices(v), w)


# --- world frames ------------------------------------------------------------------------------------

def test_volume_kernels_follow_an_axis_permutation_of_the_world():
    """SyncDreamer's volume is z-up; ours y-up. With the kernels re-axed, our SpatialTime3DNet on our
    grid equals the parent's on its grid (transposed)."""
    from mvdiffusion.converters.parents import SD_VOLUME_FRAME
    from mvdiffusion.volume_nets import SpatialTime3DNet

    torch.manual_seed(0)
    theirs = SpatialTime3DNet(16, 24, (8, 16, 16, 16)).eval()
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn_like(p) * 0.3)
    ours = SpatialTime3DNet(16, 24, (8, 16, 16, 16)).eval()
    prefix = "spatial_volume.spatial_volume_feats."
    off = {prefix + k: v for k, v in theirs.state_dict().items()}
    shapes_ = {prefix + k: tuple(v.shape) for k, v in ours.state_dict().items()}
    km = K.build_key_map("syncdreamer", {k: tuple(v.shape) for k, v in off.items()}, shapes_, volume_frame=SD_VOLUME_FRAME)
    assert km.volume_axes == ((0, 1, 4, 2, 3), ())
    ours.load_state_dict({k[len(prefix):]: v for k, v in K.apply_key_map(km, off, shapes_).items()})
    x, t = torch.randn(1, 24, 8, 8, 8), torch.randn(1, 16)
    with torch.no_grad():
        expected = theirs(x, t).permute(0, 1, 4, 2, 3)
        got = ours(x.permute(0, 1, 4, 2, 3), t)
        assert float((got - expected).abs().max()) < 1e-4 * max(1.0, float(expected.abs().max()))
        ours.load_state_dict(theirs.state_dict())  # the same weights without re-axing do not match
        assert float((ours(x.permute(0, 1, 4, 2, 3), t) - expected).abs().max()) > 1e-2


def test_world_frame_is_recovered_from_the_checkpoint_cameras():
    from mvdiffusion.converters.parents import SD_VOLUME_FRAME, sd_rig
    from mvdiffusion.rig import rig_cameras

    _, R, t = rig_cameras(sd_rig(), 256)
    parent_R = R @ SD_VOLUME_FRAME  # R_ours = R_parent·Mᵀ
    M = K.frame_from_cameras(parent_R, R, t, t)
    assert (M == SD_VOLUME_FRAME).all()
    import numpy as np

    wrong = parent_R.copy()
    wrong[3] = np.eye(3)
    with pytest.raises(K.ConversionError, match="axis permutation"):
        K.frame_from_cameras(wrong, R, t, t)


def test_md_virtual_trajectory_is_our_face180():
    """generate_face.py's cameras: centre 4.5·(sin y, 0, cos y), R = scipy Euler 'xyz' (−180°, y, 0) extrinsic."""
    import numpy as np

    from mvdiffusion.converters.parents import MD_DISTANCE, md_rig
    from mvdiffusion.rig import rig_cameras

    def rot(axis, deg):
        a = np.radians(deg)
        c, s = np.cos(a), np.sin(a)
        return {"x": np.array([[1, 0, 0], [0, c, -s], [0, s, c]]), "y": np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]),
                "z": np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])}[axis]

    _, R, t = rig_cameras(md_rig(), 256)
    for k, yaw in enumerate(np.linspace(-90, 90, 16)):
        Rm = rot("z", 0) @ rot("y", yaw) @ rot("x", -180)
        C = MD_DISTANCE * np.array([np.sin(np.radians(yaw)), 0, np.cos(np.radians(yaw))])
        assert np.abs(Rm - R[k]).max() < 1e-9 and np.abs(-Rm @ C - t[k]).max() < 1e-9


# --- the pack ------------------------------------------------------------------------------------------

def test_parent_pack_manifest_carries_source_mesh_transform_and_crop(tmp_path, monkeypatch):
    """write_parent_pack around the integrator's export_pack (both stood in for: the conversion by a tiny
    model, the export by a one-file pack; the real full-size export takes minutes and has its own tests):
    id, licence, source, meshTransform, inputCrop."""
    import json

    pytest.importorskip("onnx")
    from mvdiffusion import export as E
    from mvdiffusion.converters import pack as P
    from packs.pack_writer import PackWriter

    spec = parent_spec("morphable_diffusion")
    km = K.KeyMap("morphable_diffusion", {}, ours={"a": "a", "betas": None}, transform={"a": "copy"}, dropped={"betas": "x"})
    seen = {}

    def fake_export(model, out, dtype="fp32", pack_id=None, license=None, version="0.1.0"):
        seen.update(model=model, dtype=dtype)
        w = PackWriter(out, pack_id, "generate", version, license, role="multiview-diffusion",
                       diffusion={"inputCrop": {"mode": "alpha-bbox", "fill": 0.78}, "dtype": dtype})
        w.path("unet.onnx").write_bytes(b"stand-in")
        return w.finish()

    monkeypatch.setattr(P, "convert_checkpoint", lambda parent, ckpt, clip=None: ("converted model", km, spec))
    monkeypatch.setattr(E, "export_pack", fake_export)
    manifest = P.write_parent_pack("morphable_diffusion", "/data/facescape_flame_mv_tracking.ckpt", str(tmp_path / "pack"), "fp16")
    doc = json.loads(Path(manifest).read_text())
    assert seen == {"model": "converted model", "dtype": "fp16"}
    assert doc["id"] == "morphable-diffusion-facescape" and doc["kind"] == "generate"
    assert "Morphable Diffusion" in doc["license"]
    assert doc["source"] == {"checkpoint": "facescape_flame_mv_tracking.ckpt", "keysMapped": 1, "keysDropped": 1,
                             "converter": "training/convert_morphable_diffusion.py"}
    assert doc["diffusion"]["meshTransform"]["scale"] == 1.087 and doc["diffusion"]["dtype"] == "fp16"
    assert doc["diffusion"]["inputCrop"] == {"mode": "none"}
    assert doc["parent"]["repo"] == "xiyichen/morphablediffusion" and "meshTransform" not in doc
    assert [f["path"] for f in doc["files"]] == ["unet.onnx"]
