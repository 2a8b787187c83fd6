"""DDIM as the contract fixes it (both sides): schedule, one step, and a reference sampler that runs
MultiViewDiffusion the way the engine runs the five graphs — views in groups with the input element,
the conditional and unconditional halves as more groups in one UNet batch, noise from a callable.

β = linspace(√β0, √β1, T)², ᾱ = cumprod(1 − β); n steps: τ_i = i·(T/n) + 1, walked from the last down;
ᾱ_prev of the first index = ᾱ[0]; σ = eta·√((1−ᾱ_prev)/(1−ᾱ))·√(1 − ᾱ/ᾱ_prev);
x_prev = √ᾱ_prev·x̂0 + √max(1−ᾱ_prev−σ², 1e-7)·ε̂ + σ·z, no z at the last step (SyncDreamer's clamp kept)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import torch

NoiseSource = Callable[[Tuple[int, ...]], torch.Tensor]


def alphas_cumprod(beta_start: float = 0.00085, beta_end: float = 0.012, steps: int = 1000) -> np.ndarray:
    """ᾱ [T] float64 of the scaled-linear schedule."""
    betas = np.linspace(beta_start ** 0.5, beta_end ** 0.5, steps, dtype=np.float64) ** 2
    return np.cumprod(1.0 - betas)


@dataclass(frozen=True)
class DDIMSchedule:
    timesteps: np.ndarray     # [n] ascending τ_i
    alphas: np.ndarray        # ᾱ at τ_i
    alphas_prev: np.ndarray   # ᾱ at τ_{i-1}, ᾱ[0] for i = 0
    sigmas: np.ndarray


def ddim_schedule(steps: int, eta: float, train_steps: int = 1000, beta_start: float = 0.00085,
                  beta_end: float = 0.012) -> DDIMSchedule:
    ac = alphas_cumprod(beta_start, beta_end, train_steps)
    stride = train_steps // steps
    ts = np.arange(0, train_steps, stride)[:steps] + 1
    a = ac[ts]
    a_prev = np.concatenate([ac[:1], ac[ts[:-1]]])
    sig = eta * np.sqrt((1 - a_prev) / (1 - a) * (1 - a / a_prev))
    return DDIMSchedule(ts, a, a_prev, sig)


def ddim_step(x: torch.Tensor, eps: torch.Tensor, sched: DDIMSchedule, index: int,
              noise: Optional[torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
    """One update at schedule index `index` → (x_prev, predicted x̂0). `noise` None at the last step."""
    a, a_prev, s = float(sched.alphas[index]), float(sched.alphas_prev[index]), float(sched.sigmas[index])
    x0 = (x - (1 - a) ** 0.5 * eps) / a ** 0.5
    x_prev = a_prev ** 0.5 * x0 + max(1 - a_prev - s * s, 1e-7) ** 0.5 * eps
    if noise is not None:
        x_prev = x_prev + s * noise
    return x_prev, x0


@dataclass
class UNetBatch:
    x_t: torch.Tensor
    concat: torch.Tensor
    timestep: torch.Tensor
    context: torch.Tensor
    frustum: List[torch.Tensor]
    views: List[int]          # the target view of each element, -1 for an input element


def guided_batch(x: torch.Tensor, t: float, input_latent: torch.Tensor, context: torch.Tensor,
                 frustum: Sequence[torch.Tensor], groups: Sequence[Sequence[int]], input_element: bool) -> UNetBatch:
    """The UNet batch of one step with guidance: the conditional groups, then the unconditional ones
    (zeros for concat, context and frustum; the input element's x_t is zero too).
    context [V+1,1,C] (row V = the input element's)."""
    V = x.shape[0]
    xs, cs, ctx, frs, views = [], [], [], [[] for _ in frustum], []
    for conditional in (True, False):
        for g in groups:
            members = list(g) + ([-1] if input_element else [])
            for v in members:
                if v >= 0:
                    xs.append(x[v])
                else:
                    xs.append(input_latent[0] if conditional else torch.zeros_like(input_latent[0]))
                cs.append(input_latent[0] if conditional else torch.zeros_like(input_latent[0]))
                row = context[v if v >= 0 else V]
                ctx.append(row if conditional else torch.zeros_like(row))
                for i, f in enumerate(frustum):
                    frs[i].append(f[v] if (conditional and v >= 0) else torch.zeros_like(f[0]))
                views.append(v)
    B = len(xs)
    return UNetBatch(torch.stack(xs), torch.stack(cs), torch.full((B,), float(t)), torch.stack(ctx),
                     [torch.stack(f) for f in frs], views)


def guided_eps(eps: torch.Tensor, batch: UNetBatch, views: int, guidance: float) -> torch.Tensor:
    """ε̂ [V,4,h,w] = ε_u + w·(ε_c − ε_u) from the batch's output (input elements ignored)."""
    half = eps.shape[0] // 2
    out = torch.zeros((views,) + tuple(eps.shape[1:]), dtype=eps.dtype)
    for b in range(half):
        v = batch.views[b]
        if v >= 0:
            out[v] = eps[half + b] + guidance * (eps[b] - eps[half + b])
    return out


@dataclass
class SampleResult:
    latents: torch.Tensor            # [V,4,h,w] after the last step
    first_step_eps: torch.Tensor     # raw UNet output of the first step's batch [B,4,h,w]
    first_step_guided: torch.Tensor  # ε̂ of the first step [V,4,h,w]
    first_step_latents: torch.Tensor # x after the first step
    first_batch: UNetBatch
    first_volume: List[torch.Tensor] # volume outputs of the first step


@torch.no_grad()
def sample(model, image: torch.Tensor, cond_image: torch.Tensor, view_embed: torch.Tensor,
           mesh_vertices: Optional[torch.Tensor], mesh_colour: Optional[torch.Tensor], noise: NoiseSource,
           steps: int, eta: float, guidance: float) -> SampleResult:
    """image [1,3,S,S] (VAE input), cond_image [1,3,R,R], view_embed [V+1,4] (row V = the input element)."""
    cfg = model.cfg
    V, h = cfg.views, cfg.latent_size
    sched = ddim_schedule(steps, eta, cfg.train_steps, cfg.beta_start, cfg.beta_end)
    context = model.condition(cond_image, view_embed)
    input_latent = model.encode_input(image)
    groups = model.rig.groups if cfg.input_element else [[v] for v in range(V)]
    x = noise((V, cfg.latent_channels, h, h))
    first = None
    for k, index in enumerate(reversed(range(steps))):
        t = float(sched.timesteps[index])
        frustum = model.volume(x, torch.tensor([t]), view_embed[:V], mesh_vertices, mesh_colour)
        batch = guided_batch(x, t, input_latent, context, frustum, groups, cfg.input_element)
        eps = model.unet(batch.x_t, batch.concat, batch.timestep, batch.context, batch.frustum, model.unet_group_size)
        e = guided_eps(eps, batch, V, guidance)
        x, _ = ddim_step(x, e, sched, index, noise(tuple(x.shape)) if index > 0 else None)
        if k == 0:
            first = (eps, e, x.clone(), batch, frustum)
    return SampleResult(x, *first)
