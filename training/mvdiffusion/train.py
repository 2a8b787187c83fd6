"""Training objective of the multi-view diffusion model: ε-prediction over the 16 views of one object,
with the parents' condition dropout for classifier-free guidance (5 % each: image embedding, volume,
concat, all — SyncDreamer's get_drop_scheme), batched exactly as at inference (groups of K views +
the input element). `train_steps` is the smallest loop that uses it (the CPU test runs it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional

import torch
import torch.nn.functional as F

from .config import MVDConfig
from .ddim import alphas_cumprod, guided_batch
from .model import MultiViewDiffusion

Batch = Dict[str, torch.Tensor]


@dataclass(frozen=True)
class DropScheme:
    clip: float = 0.05
    volume: float = 0.05
    concat: float = 0.05
    all: float = 0.05

    def draw(self, u: float) -> Dict[str, bool]:
        """One uniform draw u ∈ [0,1) → which conditions to drop (disjoint bands as the parents')."""
        drop_all = u <= self.all
        drop_concat = self.all < u <= self.all + self.concat
        drop_volume = self.all + self.concat < u <= self.all + self.concat + self.volume
        drop_clip = self.all + self.concat + self.volume < u <= self.all + self.concat + self.volume + self.clip
        return {"clip": drop_clip or drop_all, "volume": drop_volume or drop_all, "concat": drop_concat or drop_all}


def diffusion_loss(model: MultiViewDiffusion, batch: Batch, generator: torch.Generator,
                   drop: Optional[DropScheme] = DropScheme(), t: Optional[int] = None) -> torch.Tensor:
    """batch: target_latents [V,4,h,w] (scaled), input_image [1,3,S,S], condition_image [1,3,R,R],
    view_embed [V+1,4], mesh_vertices [N,3], mesh_colour [N,4]. Returns the MSE of ε over the views."""
    cfg = model.cfg
    ac = torch.from_numpy(alphas_cumprod(cfg.beta_start, cfg.beta_end, cfg.train_steps)).float()
    x0 = batch["target_latents"]
    if t is None:
        t = int(torch.randint(0, cfg.train_steps, (1,), generator=generator))
    noise = torch.randn(x0.shape, generator=generator).to(x0.device)
    a = ac[t].to(x0.device)
    x_t = a.sqrt() * x0 + (1 - a).sqrt() * noise
    with torch.no_grad():
        input_latent = model.encode_input(batch["input_image"])  # the VAE stays frozen
    context = model.condition(batch["condition_image"], batch["view_embed"])
    V = cfg.views
    frustum = model.volume(x_t, torch.tensor([float(t)], device=x0.device), batch["view_embed"][:V],
                           batch.get("mesh_vertices"), batch.get("mesh_colour"))
    dropped = drop.draw(float(torch.rand(1, generator=generator))) if drop else {"clip": False, "volume": False, "concat": False}
    if dropped["clip"]:
        context = torch.zeros_like(context)
    if dropped["volume"]:
        frustum = [torch.zeros_like(f) for f in frustum]
    groups = model.rig.groups if cfg.input_element else [[v] for v in range(V)]
    # guided_batch builds the conditional and the unconditional halves; training uses the first.
    b = guided_batch(x_t, float(t), input_latent, context, frustum, groups, cfg.input_element)
    half = b.x_t.shape[0] // 2
    x_in, concat = b.x_t[:half], b.concat[:half]
    if dropped["concat"]:  # the input image is gone: its latent neither concatenated nor as the input element
        concat = torch.zeros_like(concat)
        is_input = torch.tensor([v < 0 for v in b.views[:half]], device=x0.device)
        x_in = torch.where(is_input[:, None, None, None], torch.zeros_like(x_in), x_in)
    eps = model.unet(x_in, concat, b.timestep[:half], b.context[:half], [f[:half] for f in b.frustum], model.unet_group_size)
    targets = [v for v in b.views[:half] if v >= 0]
    keep = torch.tensor([i for i, v in enumerate(b.views[:half]) if v >= 0], device=x0.device)
    return F.mse_loss(eps[keep], noise[torch.tensor(targets, device=x0.device)])


def diffusion_loss_batch(model: MultiViewDiffusion, batches: List[Batch], generator: torch.Generator,
                         drop: Optional[DropScheme] = DropScheme()) -> torch.Tensor:
    """diffusion_loss of several identities with one UNet call (their groups stacked; attention stays
    inside each group, so the identities do not mix): the mean of what diffusion_loss gives for each,
    called in turn with the same generator (each identity draws t, ε, then the drop band, in that order)."""
    cfg = model.cfg
    V = cfg.views
    ac = torch.from_numpy(alphas_cumprod(cfg.beta_start, cfg.beta_end, cfg.train_steps)).float()
    device = batches[0]["target_latents"].device
    draws = []
    for _ in batches:
        t = int(torch.randint(0, cfg.train_steps, (1,), generator=generator))
        noise = torch.randn(batches[0]["target_latents"].shape, generator=generator).to(device)
        u = float(torch.rand(1, generator=generator))
        draws.append((t, noise, u))
    with torch.no_grad():
        input_latents = model.encode_input(torch.cat([b["input_image"] for b in batches]))
    groups = model.rig.groups if cfg.input_element else [[v] for v in range(V)]
    xs, cs, ts, ctxs, frs, eps_targets, keeps = [], [], [], [], None, [], []
    offset = 0
    for i, (batch, (t, noise, u)) in enumerate(zip(batches, draws)):
        x0 = batch["target_latents"]
        a = ac[t].to(device)
        x_t = a.sqrt() * x0 + (1 - a).sqrt() * noise
        context = model.condition(batch["condition_image"], batch["view_embed"])
        frustum = model.volume(x_t, torch.tensor([float(t)], device=device), batch["view_embed"][:V],
                               batch.get("mesh_vertices"), batch.get("mesh_colour"))
        dropped = drop.draw(u) if drop else {"clip": False, "volume": False, "concat": False}
        if dropped["clip"]:
            context = torch.zeros_like(context)
        if dropped["volume"]:
            frustum = [torch.zeros_like(f) for f in frustum]
        b = guided_batch(x_t, float(t), input_latents[i:i + 1], context, frustum, groups, cfg.input_element)
        half = b.x_t.shape[0] // 2
        x_in, concat = b.x_t[:half], b.concat[:half]
        if dropped["concat"]:
            concat = torch.zeros_like(concat)
            is_input = torch.tensor([v < 0 for v in b.views[:half]], device=device)
            x_in = torch.where(is_input[:, None, None, None], torch.zeros_like(x_in), x_in)
        xs.append(x_in)
        cs.append(concat)
        ts.append(b.timestep[:half])
        ctxs.append(b.context[:half])
        frs = [[f[:half]] for f in b.frustum] if frs is None else [acc + [f[:half]] for acc, f in zip(frs, b.frustum)]
        eps_targets.append(noise[torch.tensor([v for v in b.views[:half] if v >= 0], device=device)])
        keeps += [offset + j for j, v in enumerate(b.views[:half]) if v >= 0]
        offset += half
    eps = model.unet(torch.cat(xs), torch.cat(cs), torch.cat(ts), torch.cat(ctxs), [torch.cat(f) for f in frs],
                     model.unet_group_size)
    return F.mse_loss(eps[torch.tensor(keeps, device=device)], torch.cat(eps_targets))


def trainable_parameters(model: MultiViewDiffusion) -> List[torch.nn.Parameter]:
    """Everything but the VAE (frozen in the parents)."""
    return [p for n, p in model.named_parameters() if not n.startswith("first_stage_model.")]


def train_steps(cfg: MVDConfig, batch_fn: Callable[[], Batch], steps: int, lr: float, seed: int = 0,
                model: Optional[MultiViewDiffusion] = None, fixed_noise: bool = False, t: Optional[int] = None):
    """`steps` Adam steps; returns (model, losses). fixed_noise: the same t and ε every step (a test
    that the loss goes down on one fixed example)."""
    torch.manual_seed(seed)
    model = model or MultiViewDiffusion(cfg)
    model.train()
    opt = torch.optim.Adam(trainable_parameters(model), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        if fixed_noise:
            gen.manual_seed(seed)
        loss = diffusion_loss(model, batch_fn(), gen, drop=None if fixed_noise else DropScheme(), t=t)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    model.eval()
    return model, losses
