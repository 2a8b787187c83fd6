"""training/train_default_pack.py on the `tiny` config (CPU, seconds): a few steps of each phase lower
the loss, the latent-scale fold keeps reconstructions, a checkpoint round-trips and respects the size
cap, the PNG writer writes a valid PNG, the mirror flip is consistent with the rig, and a checkpoint
folder exports as a pack."""
import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch

from mvdiffusion.checkpoint import load_checkpoint, save_tensors, load_tensors
from mvdiffusion.config import preset
from mvdiffusion.dataset import HeadData, mirror_permutation
from mvdiffusion.model import MultiViewDiffusion
from mvdiffusion.png import line_plot, write_png
from mvdiffusion.rig import camera_centre, make_rig
from mvdiffusion.train import diffusion_loss
import train_default_pack as T

torch.set_num_threads(2)


def write_identity(root: Path, i: int, prior: bool = True) -> None:
    """A fake identity in make-synthetic-heads.ts's layout (small images: tiny resizes to 16 px)."""
    rng = np.random.default_rng(i)
    d = root / f"id-{i:06d}"
    d.mkdir(parents=True)
    yy, xx = np.mgrid[0:32, 0:32]
    views = np.full((16, 32, 32, 3), 255, np.uint8)
    for v in range(16):  # a coloured blob that moves with the view: something to learn
        blob = ((yy - 16) ** 2 + (xx - 8 - v) ** 2) < 60
        views[v][blob] = (rng.integers(40, 200, 3)).astype(np.uint8)
    np.save(d / "views.npy", views)
    np.save(d / "input.npy", views[0])
    verts = (rng.normal(size=(200, 3)) * 0.12).astype(np.float32)
    np.save(d / "mesh_vertices.npy", verts)
    np.save(d / "mesh_colour.npy", rng.random((200, 4)).astype(np.float32))
    meta = {"prior": {"inputElevationDeg": 3.0} if prior else None}
    (d / "identity.json").write_text(json.dumps(meta))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("heads")
    for i in range(4):
        write_identity(root, i)
    write_identity(root, 9, prior=False)  # left out
    return root


COMMON = ["--config", "tiny", "--val-count", "1", "--val-t", "500", "--log-every", "1", "--reserve", "0",
          "--threads", "2", "--seconds", "100000"]  # the step caps decide, not the clock


@pytest.fixture(scope="module")
def vae_run(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("vae")
    rec = T.main(["--data", str(data_dir), "--out", str(out), "--phase", "vae",
                  "--max-steps", "8", "--vae-batch", "4", "--vae-lr", "3e-3", "--warmup", "1", "--kl", "0"] + COMMON)
    return out, rec


def test_dataset_skips_null_priors_and_resizes(data_dir):
    cfg = preset("tiny")
    d = HeadData(str(data_dir), cfg, make_rig("head360"), val_count=1)
    assert len(d.train) + len(d.val) == 4
    assert d.train[0].views.shape == (16, 3, 16, 16) and d.train[0].condition.shape == (3, 32, 32)


def test_mirror_permutation_is_the_rigs_mirror():
    rig = make_rig("head360")
    m = mirror_permutation(rig)
    assert m is not None and m[0] == 0 and m[4] == 12 and sorted(m) == list(range(16))
    for k, j in enumerate(m):
        ck = camera_centre(rig.azimuths[k], rig.elevations[k], rig.distance)
        cj = camera_centre(rig.azimuths[j], rig.elevations[j], rig.distance)
        assert np.allclose(ck * [-1, 1, 1], cj)


def test_vae_phase_lowers_the_loss_and_folds_the_scale(vae_run):
    out, rec = vae_run
    curve = [y for _, y in rec["curves"]["vae_train"]]
    assert curve[-1] < curve[0], curve
    assert abs(rec["phases"]["vae"]["latent_std"] - 1.0) < 0.05
    assert all(abs(m) < 0.05 for m in rec["phases"]["vae"]["latent_channel_mean"])
    assert rec["phases"]["vae"]["psnr_val"] > 0


def test_fold_keeps_reconstructions():
    torch.manual_seed(0)
    m = MultiViewDiffusion(preset("tiny"))
    x = torch.rand(2, 3, 16, 16) * 2 - 1
    before = m.decode(m.encode_input(x))
    z = m.encode_input(x)
    T.fold_latent_scale(m, 3.7, [0.1, -0.2, 0.3, 0.0])
    after = m.decode(m.encode_input(x))
    assert torch.allclose(before, after, atol=1e-4)
    shift = torch.tensor([0.1, -0.2, 0.3, 0.0])[None, :, None, None] * m.cfg.latent_scale
    assert torch.allclose(m.encode_input(x), 3.7 * (z - shift), atol=1e-4)


def test_checkpoint_round_trip_and_diffusion_steps(vae_run, data_dir, tmp_path):
    ckpt, _ = vae_run
    state0, _, _ = load_checkpoint(ckpt)
    m = MultiViewDiffusion(preset("tiny"))
    m.load_state_dict(state0, strict=True)
    for k, v in m.state_dict().items():
        assert torch.equal(v, state0[k]), k
    out = tmp_path / "diff"
    rec = T.main(["--data", str(data_dir), "--out", str(out), "--resume", str(ckpt), "--phase", "diffusion",
                  "--max-steps", "2", "--batch", "1", "--lr", "2e-3", "--warmup", "1",
                  "--no-drop", "--flip"] + COMMON)
    assert rec["phases"]["diffusion"]["steps"] == 2 and rec["phases"]["vae"]["steps"] == 8
    state1, ema, rec1 = load_checkpoint(out)
    # The VAE is frozen in phase 2: bit-identical after the resume.
    vae_keys = [k for k in state0 if k.startswith("first_stage_model.")]
    assert all(torch.equal(state0[k], state1[k]) for k in vae_keys)
    assert ema and all(k in state1 for k in ema)
    assert rec1["phases"]["diffusion"]["val_ema"] is not None
    assert (out / "loss-diffusion.png").exists() and (out / "loss-vae.png").exists()
    files = list(out.iterdir())
    assert len(files) <= 8 and all(f.stat().st_size <= 16 * 2**20 for f in files)


def test_diffusion_steps_lower_the_loss_on_fixed_data(data_dir):
    """Same t and ε every step on one identity: the ε loss goes down (the full loop's own batches are
    too noisy to show it in a few steps)."""
    cfg = preset("tiny")
    torch.manual_seed(0)
    m = MultiViewDiffusion(cfg)
    d = HeadData(str(data_dir), cfg, m.rig, val_count=1)
    d.cache_latents(m, torch.device("cpu"))
    batch = d.batch(d.train[0], torch.device("cpu"))
    params = list(T.trainable_named(m).values())
    opt = torch.optim.AdamW(params, lr=2e-3)
    losses = []
    for _ in range(5):
        loss = diffusion_loss(m, batch, torch.Generator().manual_seed(1), drop=None, t=400)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert losses[-1] < losses[0] * 0.97, losses


def test_split_files_respect_the_cap(tmp_path):
    tensors = {"a": torch.randn(300_000), "b": torch.randn(1000, 300), "c": torch.arange(5)}
    cap = 1 << 20
    index = save_tensors(tmp_path, tensors, cap=cap)
    assert len(index) >= 2
    assert all((tmp_path / e["file"]).stat().st_size <= cap for e in index)
    back = load_tensors(tmp_path, index)
    assert set(back) == set(tensors) and all(torch.equal(back[k], tensors[k]) for k in tensors)


def test_png_signature_and_ihdr(tmp_path):
    img = line_plot({"a": ([0, 1, 2], [1.0, 0.5, 0.2])}, width=200, height=120)
    write_png(tmp_path / "p.png", img)
    b = (tmp_path / "p.png").read_bytes()
    assert b[:8] == b"\x89PNG\r\n\x1a\n"
    length, tag = struct.unpack(">I4s", b[8:16])
    assert tag == b"IHDR" and length == 13
    w, h, depth, colour = struct.unpack(">IIBB", b[16:26])
    assert (w, h, depth, colour) == (200, 120, 8, 2)
    assert struct.unpack(">I", b[29:33])[0] == zlib.crc32(b[12:29]) & 0xFFFFFFFF
    # IDAT decodes back to the raster (filter byte 0 per row).
    idat_len = struct.unpack(">I", b[33:37])[0]
    raw = zlib.decompress(b[41:41 + idat_len])
    rows = np.frombuffer(raw, np.uint8).reshape(120, 1 + 200 * 3)
    assert (rows[:, 0] == 0).all() and np.array_equal(rows[:, 1:].reshape(120, 200, 3), img)


def test_checkpoint_exports_as_a_pack(vae_run, tmp_path):
    from mvdiffusion import export as E
    ckpt, _ = vae_run
    E.main(["--config", "tiny", "--weights", str(ckpt), "--out", str(tmp_path / "pack")])
    manifest = json.loads((tmp_path / "pack" / "manifest.json").read_text())
    assert len(manifest["networks"]) == 5


def test_stacked_identities_equal_separate_losses(data_dir):
    """diffusion_loss_batch = the mean of diffusion_loss per identity with the generator drawn in turn."""
    from mvdiffusion.train import DropScheme, diffusion_loss_batch
    cfg = preset("tiny")
    torch.manual_seed(0)
    m = MultiViewDiffusion(cfg).eval()
    d = HeadData(str(data_dir), cfg, m.rig, val_count=1, flip=True)
    d.cache_latents(m, torch.device("cpu"))
    batches = [d.batch(d.train[0], torch.device("cpu")), d.batch(d.train[1], torch.device("cpu"), flipped=True)]
    drop = DropScheme(clip=0.3, volume=0.3, concat=0.2, all=0.1)  # exercise the drop paths
    with torch.no_grad():
        for seed in (0, 5):
            g = torch.Generator().manual_seed(seed)
            sep = [float(diffusion_loss(m, b, g, drop)) for b in batches]
            stacked = float(diffusion_loss_batch(m, batches, torch.Generator().manual_seed(seed), drop))
            assert abs(stacked - sum(sep) / 2) < 1e-5 * max(1.0, stacked), (stacked, sep)


def test_a_vae_checkpoint_starts_another_variant(vae_run, data_dir, tmp_path):
    ckpt, _ = vae_run
    state0, _, _ = load_checkpoint(ckpt)
    rec = T.main(["--data", str(data_dir), "--out", str(tmp_path), "--resume", str(ckpt), "--phase", "diffusion",
                  "--variant", "nophoto", "--max-steps", "1", "--batch", "1", "--no-drop"] + COMMON)
    assert rec["variant"] == "nophoto" and rec["overrides"] == {"mesh_photo_features": False}
    state1, _, _ = load_checkpoint(tmp_path)
    assert all(torch.equal(v, state1[k]) for k, v in state0.items() if k.startswith("first_stage_model."))
    assert state1["model.spatial_volume.smpl_feature_extractor.conv0.weight".split("model.", 1)[1]].shape[1] == 8
