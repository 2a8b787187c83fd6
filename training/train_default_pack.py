"""Train the default multi-view diffusion pack on the synthetic heads of training/data/, in resumable
chunks under a wall-clock budget (the device machine's commands last ≤ 10 minutes).

    python3 training/train_default_pack.py --data DIR --out DIR [--resume CKPT_DIR] \
        [--phase vae|diffusion|both] [--seconds 480] [--seed 0] [--lr 1e-4] [--batch 4] \
        [--config small] [--variant base|nophoto|spatial] [--set key=value ...] [--flip]

Phase `vae`: the backbone's AutoencoderKL (untrained: no SD weights here) as an autoencoder on the
target views — L1 + kl·KL (per-element means), AdamW; at the end of every VAE chunk the latent is
rescaled *inside the VAE* (quant_conv's mean rows × k, its log-variance bias + 2 ln k,
post_quant_conv's weights ÷ k, a per-channel mean shift likewise; decode(encode) unchanged) so that
encode_mean × config.latent_scale has mean 0 and std 1: the pack keeps the contract's latent scale (0.18215) and no engine or export change is needed.
Held-out reconstruction PSNR is measured each chunk.

Phase `diffusion`: train.diffusion_loss with its condition dropout, the VAE frozen (target latents
cached once per chunk), AdamW with a linear lr warm-up at every chunk's start (the optimizer state is
not kept between chunks: the checkpoint must fit the return channel), gradient clipping 1.0, an EMA of
the trainable weights (exported), autocast bf16 on CUDA (`--amp`), `--batch` identities per step in
one stacked UNet call (train.diffusion_loss_batch; `--accumulate`: gradient accumulation instead).
Each chunk ends with a held-out validation
loss (fixed t ∈ VAL_T and fixed noise per identity, no dropout) for the EMA and the live weights.

Output (`--out`, ≤ 8 files, each ≤ 16 MiB): part-NN.pt (model fp32, EMA fp16), recipe.json (the
recipe, the curves, the chunks, the checkpoint's index), loss-vae.png / loss-diffusion.png.
Export: `python3 -m training.mvdiffusion.export --config small --weights OUT_DIR --out PACK [--dtype fp16]`.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from mvdiffusion.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from mvdiffusion.config import MVDConfig, preset  # noqa: E402
from mvdiffusion.dataset import HeadData, Order, to_unit  # noqa: E402
from mvdiffusion.model import MultiViewDiffusion  # noqa: E402
from mvdiffusion.png import line_plot, write_png  # noqa: E402
from mvdiffusion.train import DropScheme, diffusion_loss, diffusion_loss_batch  # noqa: E402

VARIANTS: Dict[str, dict] = {
    "base": {},
    "nophoto": {"mesh_photo_features": False},   # no prior-projection colour/visibility in the mesh features
    "spatial": {"volume_mode": "mesh+spatial"},  # Morphable Diffusion's use_spatial_volume
}
VAL_T = (50, 250, 500, 750, 950)
MAX_CURVE = 4000


# --- helpers -------------------------------------------------------------------------------------
def parse_sets(items: Sequence[str]) -> dict:
    out = {}
    for it in items or []:
        k, v = it.split("=", 1)
        try:
            out[k] = json.loads(v)
        except json.JSONDecodeError:
            out[k] = v
        if isinstance(out[k], list):
            out[k] = tuple(out[k])
    return out


def make_config(name: str, overrides: dict) -> MVDConfig:
    return preset(name, **{k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()})


def autocast(device: torch.device, amp: str):
    if amp == "off":
        return contextlib.nullcontext()
    dtype = torch.bfloat16 if amp == "bf16" else torch.float16
    return torch.autocast(device.type, dtype=dtype)


def grad_scaler(enabled: bool):
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        try:
            return torch.amp.GradScaler("cuda", enabled=enabled)
        except TypeError:
            pass
    return torch.cuda.amp.GradScaler(enabled=enabled)


def trainable_named(model: MultiViewDiffusion) -> Dict[str, torch.nn.Parameter]:
    return {n: p for n, p in model.named_parameters() if not n.startswith("first_stage_model.")}


def append_curve(curve: List[list], row: list) -> None:
    curve.append(row)
    if len(curve) > MAX_CURVE:  # keep the first point, thin the rest by two
        curve[1:] = curve[2::2]


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


# --- VAE -----------------------------------------------------------------------------------------
def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    """a, b in [-1, 1] → PSNR on the [0, 1] scale."""
    mse = float((((a.clamp(-1, 1) - b) * 0.5) ** 2).mean())
    return 10 * math.log10(1.0 / max(mse, 1e-12))


@torch.no_grad()
def vae_eval(model: MultiViewDiffusion, data: HeadData, device: torch.device, max_ids: int = 8) -> dict:
    """Held-out PSNR of decode(encode_mean) over all views, and the scaled latent's std (train ids)."""
    vae = model.first_stage_model
    vae.eval()
    ps = []
    for ident in data.val[:max_ids]:
        for i in range(0, len(ident.views), 8):
            x = to_unit(ident.views[i:i + 8]).to(device)
            ps.append(psnr(vae.decode(vae.encode_mean(x)), x))
    lat = []
    for ident in data.train[:max_ids]:
        for i in range(0, len(ident.views), 8):
            lat.append(vae.encode_mean(to_unit(ident.views[i:i + 8]).to(device)).float().cpu())
    lat = torch.cat(lat) * model.cfg.latent_scale
    centred = lat - lat.mean((0, 2, 3), keepdim=True)
    return {"psnr_val": float(np.mean(ps)) if ps else None, "latent_std": float(lat.std()),
            "latent_std_centred": float(centred.std()),
            "latent_channel_mean": [float(m) for m in lat.mean((0, 2, 3))],
            "latent_mean": float(lat.mean()), "latent_channel_std": [round(float(s), 4) for s in lat.std((0, 2, 3))]}


@torch.no_grad()
def fold_latent_scale(model: MultiViewDiffusion, k: float, shift=None) -> None:
    """Make the VAE's latent k·(z − shift) inside its weights (shift [E] per channel, unscaled units);
    decode(encode_mean) is unchanged: quant_conv's mean rows give k·(mean − shift), its log-variance
    bias + 2 ln k, post_quant_conv reads z'/k + shift."""
    vae = model.first_stage_model
    E = vae.config.embed_dim
    shift = torch.zeros(E) if shift is None else torch.as_tensor(shift, dtype=torch.float32)
    shift = shift.to(vae.quant_conv.bias.device)
    w = vae.post_quant_conv.weight  # [Z, E, 1, 1]
    vae.post_quant_conv.bias += (w[:, :, 0, 0] * shift[None]).sum(1)
    w /= k
    vae.quant_conv.weight[:E] *= k
    vae.quant_conv.bias[:E] = k * (vae.quant_conv.bias[:E] - shift)
    vae.quant_conv.bias[E:] += 2 * math.log(k)


def run_vae(model: MultiViewDiffusion, data: HeadData, device: torch.device, a, deadline: float, rec: dict) -> None:
    vr = rec["phases"].setdefault("vae", {"steps": 0, "seconds": 0.0, "folds": []})
    curve = rec["curves"].setdefault("vae_train", [])
    vcurve = rec["curves"].setdefault("vae_psnr_val", [])
    vae = model.first_stage_model
    for p in vae.parameters():
        p.requires_grad_(True)
    vae.train()
    opt = torch.optim.AdamW(vae.parameters(), lr=a.vae_lr, weight_decay=0.0)
    scaler = grad_scaler(a.amp == "fp16" and device.type == "cuda")
    g = torch.Generator().manual_seed(a.seed * 31 + vr["steps"])
    t_start = time.time()
    step_time, n, acc = 0.0, 0, []
    V = model.cfg.views
    while True:
        t0 = time.time()
        if t0 + step_time * 1.5 > deadline or (a.max_steps and n >= a.max_steps):
            break
        ids = torch.randint(0, len(data.train), (a.vae_batch,), generator=g).tolist()
        views = torch.randint(0, V, (a.vae_batch,), generator=g).tolist()
        flips = (torch.rand(a.vae_batch, generator=g) < 0.5).tolist() if data.flip else [False] * a.vae_batch
        x = to_unit(data.view_images([data.train[i] for i in ids], flips, views)).to(device)
        for group in opt.param_groups:
            group["lr"] = a.vae_lr * min(1.0, (n + 1) / a.warmup)
        with autocast(device, a.amp):
            mean, logvar = vae.encode_moments(x)
            z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g).to(device)
            rec_img = vae.decode(z)
        mean, logvar, rec_img = mean.float(), logvar.float(), rec_img.float()
        l1 = (rec_img - x).abs().mean()
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).mean()
        loss = l1 + a.kl * kl
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        scaler.step(opt)
        scaler.update()
        acc.append(float(l1))
        n += 1
        vr["steps"] += 1
        sync(device)
        dt = time.time() - t0
        step_time = dt if n == 1 else 0.9 * step_time + 0.1 * dt
        if n % a.log_every == 0 or n <= 3:
            append_curve(curve, [vr["steps"], float(np.mean(acc))])
            print(f"[vae] step {vr['steps']} l1 {np.mean(acc):.4f} kl {float(kl):.3f} "
                  f"{1 / max(step_time, 1e-9):.2f} it/s ({step_time * 1000:.0f} ms/step, {a.vae_batch} views)", flush=True)
            acc = []
    for p in vae.parameters():
        p.requires_grad_(False)
    vae.eval()
    seconds = time.time() - t_start
    ev = vae_eval(model, data, device)
    # One scale for all channels (as SD's scale factor), a mean per channel (as SD3's shift): the scaled
    # latent is zero-mean with std 1; a per-channel scale would blow up a near-dead channel's noise.
    k = 1.0 / max(ev["latent_std_centred"], 1e-6)
    fold_latent_scale(model, k, [m / model.cfg.latent_scale for m in ev["latent_channel_mean"]])
    after = vae_eval(model, data, device)
    vr.update({"seconds": vr["seconds"] + seconds, "batch_views": a.vae_batch, "lr": a.vae_lr, "kl": a.kl,
               "loss": "L1 + kl*KL (per-element means), posterior sampled", "psnr_val": after["psnr_val"],
               "latent_std_before_fold": ev["latent_std"], "latent_channel_mean_before_fold": ev["latent_channel_mean"],
               "latent_std": after["latent_std"], "latent_channel_mean": after["latent_channel_mean"],
               "latent_mean": after["latent_mean"], "latent_channel_std": after["latent_channel_std"],
               "ms_per_step": step_time * 1000})
    vr["folds"].append(k)
    append_curve(vcurve, [vr["steps"], after["psnr_val"]])
    rec["chunks"].append({"phase": "vae", "steps": n, "seconds": round(seconds, 1), "ms_per_step": round(step_time * 1000, 1),
                          "psnr_val": after["psnr_val"], "fold": k})
    print(f"[vae] chunk: {n} steps in {seconds:.0f} s; held-out PSNR {after['psnr_val']:.2f} dB; latent std "
          f"{ev['latent_std']:.3f} → {after['latent_std']:.3f} (fold ×{k:.3f})", flush=True)


# --- diffusion -----------------------------------------------------------------------------------
@torch.no_grad()
def val_loss(model: MultiViewDiffusion, data: HeadData, device: torch.device, ts=VAL_T) -> Optional[float]:
    if not data.val:
        return None
    was = model.training
    model.eval()
    out = []
    for j, ident in enumerate(data.val):
        batch = data.batch(ident, device)
        for t in ts:
            g = torch.Generator().manual_seed(1000 * j + t)
            out.append(float(diffusion_loss(model, batch, g, drop=None, t=t)))
    model.train(was)
    model.first_stage_model.eval()
    return float(np.mean(out))


@contextlib.contextmanager
def swapped_in(model: MultiViewDiffusion, ema: Dict[str, torch.Tensor]):
    params = trainable_named(model)
    saved = {n: p.detach().clone() for n, p in params.items()}
    with torch.no_grad():
        for n, p in params.items():
            p.copy_(ema[n])
    try:
        yield model
    finally:
        with torch.no_grad():
            for n, p in params.items():
                p.copy_(saved[n])


def run_diffusion(model: MultiViewDiffusion, ema: Dict[str, torch.Tensor], data: HeadData, device: torch.device,
                  a, deadline: float, rec: dict) -> None:
    dr = rec["phases"].setdefault("diffusion", {"steps": 0, "seconds": 0.0, "identities_seen": 0})
    curve = rec["curves"].setdefault("diffusion_train", [])
    vcurve = rec["curves"].setdefault("diffusion_val", [])
    vae = model.first_stage_model
    for p in vae.parameters():
        p.requires_grad_(False)
    t_cache = time.time()
    data.cache_latents(model, device)
    print(f"[diffusion] cached {len(data.latents)} latent sets in {time.time() - t_cache:.1f} s", flush=True)
    params = trainable_named(model)
    names = list(params)
    plist = [params[n] for n in names]
    for p in plist:
        p.requires_grad_(True)
    emas = [ema[n] for n in names]
    opt = torch.optim.AdamW(plist, lr=a.lr, betas=(0.9, 0.999), weight_decay=a.wd)
    scaler = grad_scaler(a.amp == "fp16" and device.type == "cuda")
    order = Order(len(data.train), a.seed, **{k: v for k, v in rec.get("order", {}).items() if k != "seed"})
    g = torch.Generator().manual_seed(a.seed * 7919 + dr["steps"])
    drop = DropScheme() if not a.no_drop else None
    model.train()
    vae.eval()
    t_start = time.time()
    step_time, n, acc = 0.0, 0, []
    while True:
        t0 = time.time()
        if t0 + step_time * 1.5 > deadline or (a.max_steps and n >= a.max_steps):
            break
        for group in opt.param_groups:
            group["lr"] = a.lr * min(1.0, (n + 1) / a.warmup)
        opt.zero_grad(set_to_none=True)
        total = 0.0
        picks = [(data.train[order.next()], data.flip and bool(torch.rand(1, generator=g) < 0.5)) for _ in range(a.batch)]
        batches = [data.batch(ident, device, flipped) for ident, flipped in picks]
        if a.accumulate:  # one identity per call, gradients accumulated
            for batch in batches:
                with autocast(device, a.amp):
                    loss = diffusion_loss(model, batch, g, drop)
                scaler.scale(loss.float() / a.batch).backward()
                total += float(loss) / a.batch
        else:  # the identities' UNet groups stacked into one call
            with autocast(device, a.amp):
                loss = diffusion_loss_batch(model, batches, g, drop)
            scaler.scale(loss.float()).backward()
            total = float(loss)
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(plist, 1.0)
        scaler.step(opt)
        scaler.update()
        with torch.no_grad():
            d = min(a.ema, (1 + dr["steps"]) / (10 + dr["steps"]))
            torch._foreach_mul_(emas, d)
            torch._foreach_add_(emas, [p.detach().float() for p in plist], alpha=1 - d)
        acc.append(total)
        n += 1
        dr["steps"] += 1
        dr["identities_seen"] += a.batch
        sync(device)
        dt = time.time() - t0
        step_time = dt if n == 1 else 0.9 * step_time + 0.1 * dt
        if n % a.log_every == 0 or n <= 3:
            append_curve(curve, [dr["steps"], float(np.mean(acc))])
            print(f"[diffusion] step {dr['steps']} loss {np.mean(acc):.4f} lr {opt.param_groups[0]['lr']:.2e} "
                  f"{1 / max(step_time, 1e-9):.2f} it/s ({step_time * 1000:.0f} ms/step, batch {a.batch})", flush=True)
            acc = []
    seconds = time.time() - t_start
    rec["order"] = order.state()
    t_val = time.time()
    v_live = val_loss(model, data, device, a.val_t)
    with swapped_in(model, ema):
        v_ema = val_loss(model, data, device, a.val_t)
    append_curve(vcurve, [dr["steps"], v_ema, v_live])
    dr.update({"seconds": dr["seconds"] + seconds, "batch": a.batch, "lr": a.lr, "warmup": a.warmup, "wd": a.wd,
               "ema": a.ema, "amp": a.amp, "batch_mode": "accumulate" if a.accumulate else "stacked", "drop": None if a.no_drop else DropScheme().__dict__, "flip": data.flip,
               "val_ema": v_ema, "val_live": v_live, "val_t": list(a.val_t), "ms_per_step": step_time * 1000})
    rec["chunks"].append({"phase": "diffusion", "steps": n, "seconds": round(seconds, 1),
                          "ms_per_step": round(step_time * 1000, 1), "val_ema": v_ema, "val_live": v_live,
                          "val_seconds": round(time.time() - t_val, 1)})
    print(f"[diffusion] chunk: {n} steps in {seconds:.0f} s ({n / max(seconds, 1e-9):.2f} it/s); "
          f"held-out val loss EMA {v_ema} live {v_live} (t ∈ {list(a.val_t)}, {len(data.val)} ids)", flush=True)


# --- output --------------------------------------------------------------------------------------
def write_plots(out: Path, rec: dict) -> None:
    c = rec["curves"]
    legend = {}
    if c.get("vae_train"):
        x, y = zip(*c["vae_train"])
        curves = {"train L1": (x, y)}
        write_png(out / "loss-vae.png", line_plot(curves))
        legend["loss-vae.png"] = {"blue": "VAE train L1 (log y)"}
    if c.get("diffusion_train"):
        x, y = zip(*c["diffusion_train"])
        curves = {"train": (x, y)}
        leg = {"blue": "diffusion train ε-MSE"}
        if c.get("diffusion_val"):
            rows = c["diffusion_val"]
            curves["val_ema"] = ([r[0] for r in rows], [r[1] for r in rows])
            curves["val_live"] = ([r[0] for r in rows], [r[2] for r in rows])
            leg.update({"red": "held-out val, EMA", "green": "held-out val, live"})
        write_png(out / "loss-diffusion.png", line_plot(curves))
        legend["loss-diffusion.png"] = leg
    rec["plots"] = legend


def main(argv: Optional[Sequence[str]] = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--resume")
    ap.add_argument("--phase", default="both", choices=["vae", "diffusion", "both"])
    ap.add_argument("--seconds", type=float, default=480)
    ap.add_argument("--vae-fraction", type=float, default=0.4, help="share of --seconds for the VAE with --phase both")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--config", default="small")
    ap.add_argument("--variant", default="base", choices=sorted(VARIANTS))
    ap.add_argument("--set", nargs="*", default=[], help="extra config overrides key=value (JSON values)")
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--vae-lr", type=float, default=2e-4)
    ap.add_argument("--wd", type=float, default=0.0)
    ap.add_argument("--batch", type=int, default=4, help="identities per diffusion step")
    ap.add_argument("--accumulate", action="store_true",
                    help="one diffusion_loss call per identity with gradient accumulation (default: one stacked UNet call)")
    ap.add_argument("--vae-batch", type=int, default=16, help="views per VAE step")
    ap.add_argument("--kl", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--amp", default="auto", choices=["auto", "bf16", "fp16", "off"])
    ap.add_argument("--no-drop", action="store_true", help="no condition dropout (tests)")
    ap.add_argument("--flip", action="store_true", help="mirror augmentation (views, cameras, prior)")
    ap.add_argument("--val-count", type=int, default=4)
    ap.add_argument("--val-t", type=lambda s: tuple(int(v) for v in s.split(",")), default=VAL_T,
                    help="timesteps of the held-out loss (fixed noise per identity and t)")
    ap.add_argument("--max-identities", type=int, default=0)
    ap.add_argument("--max-steps", type=int, default=0, help="at most this many steps per phase in this chunk (0: the clock decides)")
    ap.add_argument("--log-every", type=int, default=20)
    ap.add_argument("--reserve", type=float, default=-1, help="seconds kept for validation and saving (default 6 %% + 10)")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args(argv)
    t0 = time.time()
    if a.threads:
        torch.set_num_threads(a.threads)
    device = torch.device("cuda" if a.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if a.device == "auto" else a.device))
    if a.amp == "auto":
        a.amp = "bf16" if device.type == "cuda" else "off"
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)

    ema: Dict[str, torch.Tensor] = {}
    if a.resume:
        state, ema_state, rec = load_checkpoint(Path(a.resume))
        cfg = make_config(rec["config"], rec.get("overrides", {}))
        wanted = dict(VARIANTS[a.variant], **parse_sets(a.set))
        if "diffusion" not in rec["phases"] and (a.variant != rec.get("variant", "base") or parse_sets(a.set)):
            # A VAE-only checkpoint: its VAE starts any variant (variants compared on the same VAE).
            rec["variant"], rec["overrides"] = a.variant, {k: list(v) if isinstance(v, tuple) else v for k, v in wanted.items()}
            cfg = make_config(rec["config"], wanted)
            torch.manual_seed(a.seed)
            model = MultiViewDiffusion(cfg)
            model.first_stage_model.load_state_dict(
                {k[len("first_stage_model."):]: v for k, v in state.items() if k.startswith("first_stage_model.")}, strict=True)
            print(f"resume: the checkpoint's VAE, new variant {a.variant} {wanted}", flush=True)
        else:
            if a.variant != rec.get("variant", "base") or parse_sets(a.set):
                print(f"resume: keeping the checkpoint's config ({rec.get('variant')}, {rec.get('overrides')})", flush=True)
            model = MultiViewDiffusion(cfg)
            model.load_state_dict(state, strict=True)
            ema = ema_state
    else:
        overrides = dict(VARIANTS[a.variant], **parse_sets(a.set))
        cfg = make_config(a.config, overrides)
        torch.manual_seed(a.seed)
        model = MultiViewDiffusion(cfg)
        rec = {"config": a.config, "variant": a.variant, "overrides": {k: list(v) if isinstance(v, tuple) else v
                                                                        for k, v in overrides.items()},
               "phases": {}, "curves": {}, "chunks": []}
    model.to(device)
    data = HeadData(a.data, cfg, model.rig, a.val_count, a.max_identities, a.flip)
    rec["data"] = {"dir": str(a.data), "train_identities": len(data.train),
                   "train_range": [data.train[0].name, data.train[-1].name], "val_identities": [i.name for i in data.val],
                   "seed": a.seed, "flip": data.flip, "views": cfg.views, "image_size": cfg.image_size,
                   "condition_resolution": cfg.condition_resolution}
    rec["latent_scale"] = cfg.latent_scale
    rec["optimizer"] = "AdamW, state dropped between chunks (fresh each chunk, lr warm-up each chunk)"
    print(f"device {device} torch {torch.__version__} amp {a.amp}; {len(data.train)} train / {len(data.val)} val "
          f"identities (loaded in {time.time() - t0:.1f} s); config {cfg.name} variant {rec['variant']}", flush=True)

    reserve = a.reserve if a.reserve >= 0 else 10 + 0.06 * a.seconds
    end = t0 + a.seconds - reserve
    if a.phase in ("vae", "both"):
        vae_end = end if a.phase == "vae" else t0 + (a.seconds - reserve) * a.vae_fraction
        run_vae(model, data, device, a, vae_end, rec)
    if a.phase in ("diffusion", "both"):
        if "vae" not in rec["phases"]:
            print("warning: the VAE was never trained (run --phase vae or both first)", flush=True)
        if not ema:
            ema = {n: p.detach().float().clone() for n, p in trainable_named(model).items()}
        ema = {n: v.to(device) for n, v in ema.items()}
        run_diffusion(model, ema, data, device, a, end, rec)
    rec.setdefault("chunks_meta", []).append({"device": str(device), "torch": torch.__version__, "amp": a.amp,
                                              "phase": a.phase, "seconds_budget": a.seconds,
                                              "seconds_used": round(time.time() - t0, 1)})
    write_plots(out, rec)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    rec = save_checkpoint(out, state, {n: v.cpu() for n, v in ema.items()} if ema else None, rec)
    files = sorted(os.listdir(out))
    print(f"wrote {out}: {len(files)} files, {sum(os.path.getsize(out / f) for f in files) / 2**20:.1f} MiB "
          f"({', '.join(files)}); total {time.time() - t0:.0f} s", flush=True)
    return rec


if __name__ == "__main__":
    main()
