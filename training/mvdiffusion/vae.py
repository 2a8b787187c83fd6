"""The latent autoencoder: Stable Diffusion 1.x's AutoencoderKL (ldm's Encoder/Decoder) with its
parameter names, so `first_stage_model.*` of the parents loads as-is. No attention except the
middle one (SD's attn_resolutions is empty). The posterior is a diagonal Gaussian; inference uses
its mean (the contract's vae_encoder output), training may sample it.
"""

from dataclasses import dataclass, replace
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .unet import Upsample  # the same module (and key `conv`) in SD's VAE and UNet


@dataclass(frozen=True)
class VAEConfig:
    in_channels: int = 3
    out_channels: int = 3
    ch: int = 128
    ch_mult: Tuple[int, ...] = (1, 2, 4, 4)   # image 256 → latent 32
    num_res_blocks: int = 2
    z_channels: int = 4
    embed_dim: int = 4
    norm_groups: int = 32
    scale_factor: float = 0.18215             # latent scale used by the diffusion model (not applied here)


FULL = VAEConfig()                                                        # 83.65 M parameters
# 2.78 M parameters, image 256 → latent 32. On 2 Xeon threads: 16 decodes ≈ 2.6 s in ONNX Runtime
# (PyTorch: encode ≈ 75 ms, decode ≈ 130 ms per image). Level 1 stays at 32 channels: the 256² decoder
# levels dominate (ch_mult (1, 2, 2, 4) took 3.8 s for the 16 decodes).
SMALL = VAEConfig(ch=32, ch_mult=(1, 1, 2, 4), num_res_blocks=1, norm_groups=16)
TINY = VAEConfig(ch=8, ch_mult=(1, 2), num_res_blocks=1, norm_groups=4)   # 44 k parameters, image 16 → latent 8
VAE_PRESETS = {"full": FULL, "small": SMALL, "tiny": TINY}


def vae_config(preset: str, **overrides) -> VAEConfig:
    return replace(VAE_PRESETS[preset], **overrides)


def group_norm(channels: int, groups: int) -> nn.GroupNorm:
    return nn.GroupNorm(groups, channels, eps=1e-6)


class ResnetBlock(nn.Module):
    """GN-swish-conv twice, residual through a 1×1 `nin_shortcut` when widths differ."""

    def __init__(self, in_channels: int, out_channels: int, groups: int):
        super().__init__()
        self.norm1 = group_norm(in_channels, groups)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.norm2 = group_norm(out_channels, groups)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        if in_channels != out_channels:
            self.nin_shortcut = nn.Conv2d(in_channels, out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        shortcut = self.nin_shortcut(x) if hasattr(self, "nin_shortcut") else x
        return shortcut + h


class AttnBlock(nn.Module):
    """Single-head self-attention over all pixels, with 1×1 conv projections q, k, v, proj_out."""

    def __init__(self, channels: int, groups: int):
        super().__init__()
        self.norm = group_norm(channels, groups)
        self.q = nn.Conv2d(channels, channels, 1)
        self.k = nn.Conv2d(channels, channels, 1)
        self.v = nn.Conv2d(channels, channels, 1)
        self.proj_out = nn.Conv2d(channels, channels, 1)
        self.scale = channels ** -0.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, channels, height, width = x.shape
        h = self.norm(x)
        q = self.q(h).flatten(2).transpose(1, 2)   # [B, HW, C]
        k = self.k(h).flatten(2)                   # [B, C, HW]
        v = self.v(h).flatten(2).transpose(1, 2)   # [B, HW, C]
        weights = (torch.matmul(q, k) * self.scale).softmax(dim=-1)
        out = torch.matmul(weights, v).transpose(1, 2).reshape(batch, channels, height, width)
        return x + self.proj_out(out)


class Downsample(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # SD pads right and bottom only before the stride-2 conv.
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class MidBlock(nn.Module):
    def __init__(self, channels: int, groups: int):
        super().__init__()
        self.block_1 = ResnetBlock(channels, channels, groups)
        self.attn_1 = AttnBlock(channels, groups)
        self.block_2 = ResnetBlock(channels, channels, groups)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block_2(self.attn_1(self.block_1(x)))


class Level(nn.Module):
    """One resolution of the encoder (`down.N`) or decoder (`up.N`): res blocks, then resampling."""

    def __init__(self, blocks, resample: nn.Module = None, resample_name: str = "downsample"):
        super().__init__()
        self.block = nn.ModuleList(blocks)
        self.resample_name = resample_name
        if resample is not None:
            setattr(self, resample_name, resample)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.block:
            x = block(x)
        resample = getattr(self, self.resample_name, None)
        return x if resample is None else resample(x)


class Encoder(nn.Module):
    def __init__(self, c: VAEConfig):
        super().__init__()
        self.conv_in = nn.Conv2d(c.in_channels, c.ch, 3, padding=1)
        self.down = nn.ModuleList()
        block_in = c.ch
        for level, mult in enumerate(c.ch_mult):
            blocks = []
            for _ in range(c.num_res_blocks):
                blocks.append(ResnetBlock(block_in, c.ch * mult, c.norm_groups))
                block_in = c.ch * mult
            last = level == len(c.ch_mult) - 1
            self.down.append(Level(blocks, None if last else Downsample(block_in), "downsample"))
        self.mid = MidBlock(block_in, c.norm_groups)
        self.norm_out = group_norm(block_in, c.norm_groups)
        self.conv_out = nn.Conv2d(block_in, 2 * c.z_channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(x)
        for level in self.down:
            h = level(h)
        h = self.mid(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, c: VAEConfig):
        super().__init__()
        block_in = c.ch * c.ch_mult[-1]
        self.conv_in = nn.Conv2d(c.z_channels, block_in, 3, padding=1)
        self.mid = MidBlock(block_in, c.norm_groups)
        levels = [None] * len(c.ch_mult)
        for level in reversed(range(len(c.ch_mult))):
            blocks = []
            for _ in range(c.num_res_blocks + 1):
                blocks.append(ResnetBlock(block_in, c.ch * c.ch_mult[level], c.norm_groups))
                block_in = c.ch * c.ch_mult[level]
            levels[level] = Level(blocks, Upsample(block_in) if level else None, "upsample")
        self.up = nn.ModuleList(levels)  # up.0 is the finest level, run last (ldm's order)
        self.norm_out = group_norm(block_in, c.norm_groups)
        self.conv_out = nn.Conv2d(block_in, c.out_channels, 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.mid(self.conv_in(z))
        for index in range(len(self.up) - 1, -1, -1):
            h = self.up[index](h)
        return self.conv_out(F.silu(self.norm_out(h)))


class AutoencoderKL(nn.Module):
    def __init__(self, config: VAEConfig = FULL):
        super().__init__()
        self.config = config
        self.encoder = Encoder(config)
        self.decoder = Decoder(config)
        self.quant_conv = nn.Conv2d(2 * config.z_channels, 2 * config.embed_dim, 1)
        self.post_quant_conv = nn.Conv2d(config.embed_dim, config.z_channels, 1)

    def encode_moments(self, image: torch.Tensor):
        """image [B,3,S,S] in [-1,1] → (mean, logvar) [B,embed_dim,h,w], logvar clamped as ldm."""
        mean, logvar = self.quant_conv(self.encoder(image)).chunk(2, dim=1)
        return mean, logvar.clamp(-30.0, 20.0)

    def encode_mean(self, image: torch.Tensor) -> torch.Tensor:
        """Posterior mean, unscaled (multiply by config.scale_factor for the diffusion latent)."""
        return self.encode_moments(image)[0]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Unscaled latent [B,embed_dim,h,w] → image [B,3,S,S] (≈[-1,1], not clamped)."""
        return self.decoder(self.post_quant_conv(z))
