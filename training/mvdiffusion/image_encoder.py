"""Encoders of the input photo into the UNet's cross-attention context.

- ClipVisionEncoder: OpenAI CLIP's visual tower (ViT-L/14 for the parents' checkpoints) with
  CLIP's key names (`visual.*`), so `clip_image_encoder.model.visual.*` loads as-is. Attention is
  written out as matmuls (nn.MultiheadAttention's fused path exports poorly) but keeps the packed
  `in_proj_weight` / `in_proj_bias` layout.
- SmallImageEncoder: a small CNN for the small packs, trained from scratch by the project.
"""

from dataclasses import dataclass, replace
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import nn

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


def clip_preprocess(image: torch.Tensor, size: int = 224) -> torch.Tensor:
    """[B,3,H,W] in [-1,1] → CLIP input: bicubic resize with align_corners=True and no antialias
    (kornia.geometry.resize as SyncDreamer calls it), then CLIP's mean/std."""
    x = F.interpolate(image, size=(size, size), mode="bicubic", align_corners=True)
    x = (x + 1.0) * 0.5
    mean = torch.tensor(CLIP_MEAN, dtype=x.dtype, device=x.device).reshape(1, 3, 1, 1)
    std = torch.tensor(CLIP_STD, dtype=x.dtype, device=x.device).reshape(1, 3, 1, 1)
    return (x - mean) / std


@dataclass(frozen=True)
class ClipVisionConfig:
    image_size: int = 224
    patch_size: int = 14
    width: int = 1024
    layers: int = 24
    heads: int = 16
    output_dim: int = 768


CLIP_VIT_L14 = ClipVisionConfig()
CLIP_TINY = ClipVisionConfig(image_size=32, patch_size=8, width=32, layers=2, heads=2, output_dim=16)


class QuickGELU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


class PackedSelfAttention(nn.Module):
    """nn.MultiheadAttention's parameters (in_proj_weight [3D,D], in_proj_bias [3D], out_proj),
    batch-first, computed with plain matmuls."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.dim_head = dim // heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * dim, dim))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * dim))
        self.out_proj = nn.Linear(dim, dim)
        nn.init.xavier_uniform_(self.in_proj_weight)
        nn.init.zeros_(self.in_proj_bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch = x.shape[0]
        q, k, v = F.linear(x, self.in_proj_weight, self.in_proj_bias).chunk(3, dim=-1)
        q, k, v = (t.reshape(batch, -1, self.heads, self.dim_head).transpose(1, 2) for t in (q, k, v))
        q = q * self.dim_head ** -0.5  # MultiheadAttention scales q before the product
        out = torch.matmul(torch.matmul(q, k.transpose(-1, -2)).softmax(dim=-1), v)
        return self.out_proj(out.transpose(1, 2).reshape(batch, -1, self.heads * self.dim_head))


class ResidualAttentionBlock(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.attn = PackedSelfAttention(dim, heads)
        self.ln_1 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential()
        self.mlp.add_module("c_fc", nn.Linear(dim, dim * 4))
        self.mlp.add_module("gelu", QuickGELU())
        self.mlp.add_module("c_proj", nn.Linear(dim * 4, dim))
        self.ln_2 = nn.LayerNorm(dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, dim: int, layers: int, heads: int):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(dim, heads) for _ in range(layers)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    """CLIP's visual tower: patch conv, class token, positions, pre-LN, blocks, post-LN on the
    class token, projection."""

    def __init__(self, c: ClipVisionConfig):
        super().__init__()
        grid = c.image_size // c.patch_size
        self.conv1 = nn.Conv2d(3, c.width, c.patch_size, stride=c.patch_size, bias=False)
        self.class_embedding = nn.Parameter(torch.empty(c.width))
        self.positional_embedding = nn.Parameter(torch.empty(grid * grid + 1, c.width))
        self.ln_pre = nn.LayerNorm(c.width)
        self.transformer = Transformer(c.width, c.layers, c.heads)
        self.ln_post = nn.LayerNorm(c.width)
        self.proj = nn.Parameter(torch.empty(c.width, c.output_dim))
        for p in (self.class_embedding, self.positional_embedding, self.proj):
            nn.init.normal_(p, std=c.width ** -0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x).flatten(2).transpose(1, 2)                  # [B, grid², width]
        cls = self.class_embedding.reshape(1, 1, -1).expand(x.shape[0], 1, x.shape[2])
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.transformer(self.ln_pre(x))                           # batch-first throughout
        return torch.matmul(self.ln_post(x[:, 0, :]), self.proj)


class ClipVisionEncoder(nn.Module):
    """[B,3,S,S] CLIP-normalised (see clip_preprocess) → [B, output_dim] image embedding
    (un-normalised, as CLIP's encode_image and SyncDreamer use it)."""

    def __init__(self, config: ClipVisionConfig = CLIP_VIT_L14):
        super().__init__()
        self.config = config
        self.visual = VisionTransformer(config)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.visual(image)


@dataclass(frozen=True)
class SmallImageEncoderConfig:
    in_channels: int = 3
    resolution: int = 128
    channels: Tuple[int, ...] = (32, 64, 128, 256)   # one stride-2 stage each
    out_dim: int = 256
    norm_groups: int = 8


SMALL_IMAGE_ENCODER = SmallImageEncoderConfig()   # 1.24 M parameters, ≈ 4 ms at 128 px on 2 threads
TINY_IMAGE_ENCODER = SmallImageEncoderConfig(resolution=32, channels=(8, 16), out_dim=32, norm_groups=4)
IMAGE_ENCODER_PRESETS = {"small": SMALL_IMAGE_ENCODER, "tiny": TINY_IMAGE_ENCODER}


def image_encoder_config(preset: str, **overrides) -> SmallImageEncoderConfig:
    return replace(IMAGE_ENCODER_PRESETS[preset], **overrides)


class ConvStage(nn.Module):
    """Stride-2 conv then a residual 3×3 conv, GroupNorm + SiLU."""

    def __init__(self, cin: int, cout: int, groups: int):
        super().__init__()
        self.down = nn.Conv2d(cin, cout, 3, stride=2, padding=1)
        self.norm1 = nn.GroupNorm(groups, cout)
        self.conv = nn.Conv2d(cout, cout, 3, padding=1)
        self.norm2 = nn.GroupNorm(groups, cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.silu(self.norm1(self.down(x)))
        return h + F.silu(self.norm2(self.conv(h)))


class SmallImageEncoder(nn.Module):
    """[B,3,R,R] in [-1,1] → [B, out_dim]: conv stages, global average pool, LayerNorm, linear.
    Works at any R (the pooling is global); trained from scratch for the small packs."""

    def __init__(self, config: SmallImageEncoderConfig = SMALL_IMAGE_ENCODER):
        super().__init__()
        self.config = config
        c = config
        widths = (c.in_channels,) + tuple(c.channels)
        self.stages = nn.Sequential(*[ConvStage(widths[i], widths[i + 1], c.norm_groups)
                                      for i in range(len(c.channels))])
        self.norm = nn.LayerNorm(c.channels[-1])
        self.proj = nn.Linear(c.channels[-1], c.out_dim)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        pooled = self.stages(image).mean(dim=(2, 3))
        return self.proj(self.norm(pooled))
