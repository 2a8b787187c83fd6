"""The denoising UNet: Stable Diffusion 1.x's UNet (as zero123 / SyncDreamer use it, 8 input
channels) plus SyncDreamer's depth-wise attention to the frustum volumes, plus Gen3D-Face's
multi-view self-attention (a flag; no weights of its own).

With the `full` preset, `UNetModel().state_dict()` has exactly the keys and shapes of the parents'
`model.diffusion_model.*` (checked against training/fixtures/official_keys/syncdreamer_unet.json).
"""

import math
from dataclasses import dataclass, replace
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from torch import nn

from .attention import DepthTransformer, SpatialTransformer


@dataclass(frozen=True)
class UNetConfig:
    in_channels: int = 8            # noisy latent + the input view's latent (the caller concatenates)
    out_channels: int = 4           # ε
    model_channels: int = 320
    channel_mult: Tuple[int, ...] = (1, 2, 4, 4)
    num_res_blocks: int = 2
    attention_resolutions: Tuple[int, ...] = (4, 2, 1)  # downsampling factors that get a transformer
    num_heads: int = 8              # d_head = channels / num_heads, as SD 1.x
    transformer_depth: int = 1
    context_dim: int = 768
    norm_groups: int = 32
    depth_attention: bool = True    # SyncDreamer's DepthTransformers (middle + output blocks)
    volume_dims: Tuple[int, ...] = (64, 128, 256, 512)  # frustum channels at downsampling 1, 2, 4, 8
    multiview_attention: bool = False

    def __post_init__(self):
        if self.depth_attention and len(self.volume_dims) != len(self.channel_mult):
            raise ValueError("volume_dims needs one entry per level of channel_mult")
        for mult in self.channel_mult:
            if (self.model_channels * mult) % self.num_heads or (self.model_channels * mult) % self.norm_groups:
                raise ValueError(f"{self.model_channels * mult} channels do not split into heads/groups")


FULL = UNetConfig()
# Transformers (cross-, self- and multi-view attention) only at the coarsest level (8×8): the
# multi-view attention at 16×16 (5 × 256 tokens per group) was most of the cost — one UNet batch of 40
# (16 views + 4 input elements, × 2 guidance halves) took 752 ms with attention at ds 2 and 4, 308 ms
# with ds 4 alone, in onnxruntime-node on 2 cores of an AMD EPYC (model_channels 24 instead: 524 ms).
SMALL = UNetConfig(model_channels=32, channel_mult=(1, 2, 4), num_res_blocks=1, attention_resolutions=(4,),
                   num_heads=4, context_dim=256, norm_groups=16, volume_dims=(8, 16, 32),
                   multiview_attention=True)
# For CI and parity fixtures: every code path (transformers at every level, depth attention at every
# injection point, multi-view attention) at a few ms per forward on an 8×8 latent.
TINY = UNetConfig(model_channels=16, channel_mult=(1, 2, 2), num_res_blocks=1, attention_resolutions=(1, 2, 4),
                  num_heads=2, context_dim=32, norm_groups=8, volume_dims=(8, 8, 16), multiview_attention=True)
UNET_PRESETS = {"full": FULL, "small": SMALL, "tiny": TINY}


def unet_config(preset: str, **overrides) -> UNetConfig:
    """A preset by name ('full', 'small', 'tiny'), with fields replaced by keyword."""
    return replace(UNET_PRESETS[preset], **overrides)


class TimestepEmbedding(nn.Module):
    """Sinusoidal embedding [cos | sin] of the (float) timestep, as ldm's timestep_embedding."""

    def __init__(self, dim: int, max_period: float = 10000.0):
        super().__init__()
        half = dim // 2
        freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
        self.register_buffer("freqs", freqs, persistent=False)  # not in the parents' state dict

    def forward(self, timesteps: torch.Tensor) -> torch.Tensor:
        args = timesteps.float().unsqueeze(1) * self.freqs.unsqueeze(0)
        return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class ResBlock(nn.Module):
    """GN-SiLU-conv, + time embedding, GN-SiLU-(dropout)-conv, residual (1×1 conv if widths differ)."""

    def __init__(self, channels: int, emb_channels: int, out_channels: int, norm_groups: int):
        super().__init__()
        self.in_layers = nn.Sequential(
            nn.GroupNorm(norm_groups, channels), nn.SiLU(), nn.Conv2d(channels, out_channels, 3, padding=1))
        self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(emb_channels, out_channels))
        self.out_layers = nn.Sequential(
            nn.GroupNorm(norm_groups, out_channels), nn.SiLU(), nn.Dropout(0.0),
            nn.Conv2d(out_channels, out_channels, 3, padding=1))
        nn.init.zeros_(self.out_layers[3].weight)
        nn.init.zeros_(self.out_layers[3].bias)
        self.skip_connection = nn.Identity() if channels == out_channels else nn.Conv2d(channels, out_channels, 1)

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.in_layers(x) + self.emb_layers(emb).unsqueeze(-1).unsqueeze(-1)
        return self.skip_connection(x) + self.out_layers(h)


class Downsample(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.op = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.op(x)


class Upsample(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class UNetStage(nn.Sequential):
    """One entry of input_blocks / output_blocks / middle_block: each layer gets what it needs."""

    def forward(self, x, emb, context, group_size=None):
        for layer in self:
            if isinstance(layer, ResBlock):
                x = layer(x, emb)
            elif isinstance(layer, SpatialTransformer):
                x = layer(x, context, group_size)
            else:
                x = layer(x)
        return x


Frustum = Union[Dict[int, torch.Tensor], Sequence[torch.Tensor]]


class UNetModel(nn.Module):
    def __init__(self, config: UNetConfig = FULL):
        super().__init__()
        self.config = config
        c = config
        emb_dim = c.model_channels * 4
        self.timestep_embedding = TimestepEmbedding(c.model_channels)
        self.time_embed = nn.Sequential(
            nn.Linear(c.model_channels, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))

        def res_block(cin, cout):
            return ResBlock(cin, emb_dim, cout, c.norm_groups)

        def transformer(ch):
            return SpatialTransformer(ch, c.num_heads, ch // c.num_heads, c.transformer_depth, c.context_dim,
                                      c.norm_groups, c.multiview_attention)

        self.input_blocks = nn.ModuleList([UNetStage(nn.Conv2d(c.in_channels, c.model_channels, 3, padding=1))])
        skip_channels = [c.model_channels]
        ch, ds = c.model_channels, 1
        for level, mult in enumerate(c.channel_mult):
            for _ in range(c.num_res_blocks):
                layers = [res_block(ch, mult * c.model_channels)]
                ch = mult * c.model_channels
                if ds in c.attention_resolutions:
                    layers.append(transformer(ch))
                self.input_blocks.append(UNetStage(*layers))
                skip_channels.append(ch)
            if level != len(c.channel_mult) - 1:
                self.input_blocks.append(UNetStage(Downsample(ch)))
                skip_channels.append(ch)
                ds *= 2

        # The middle block always has a transformer, whatever attention_resolutions says (as SD).
        self.middle_block = UNetStage(res_block(ch, ch), transformer(ch), res_block(ch, ch))

        # Output blocks; depth attention follows every block except the coarsest level's, at the
        # resolution the block ends at (SyncDreamer's output_b2c for the full config: blocks 3–11).
        self.output_blocks = nn.ModuleList()
        block_condition = {}          # output block index → (channels, level it ends at)
        levels = len(c.channel_mult)
        for level in reversed(range(levels)):
            mult = c.channel_mult[level]
            for i in range(c.num_res_blocks + 1):
                layers = [res_block(ch + skip_channels.pop(), c.model_channels * mult)]
                ch = c.model_channels * mult
                if ds in c.attention_resolutions:
                    layers.append(transformer(ch))
                if level and i == c.num_res_blocks:
                    layers.append(Upsample(ch))
                    ds //= 2
                if level != levels - 1:
                    block_condition[len(self.output_blocks)] = (ch, int(math.log2(ds)))
                self.output_blocks.append(UNetStage(*layers))

        self.out = nn.Sequential(
            nn.GroupNorm(c.norm_groups, ch), nn.SiLU(), nn.Conv2d(c.model_channels, c.out_channels, 3, padding=1))
        nn.init.zeros_(self.out[2].weight)
        nn.init.zeros_(self.out[2].bias)

        # Plain dict (not a module): output block → (index into output_conditions, volume level).
        self.output_block_condition = {}
        if c.depth_attention:
            middle_channels = c.model_channels * c.channel_mult[-1]
            self.middle_conditions = DepthTransformer(middle_channels, c.volume_dims[levels - 1])
            self.output_conditions = nn.ModuleList()
            for block_index, (channels, level) in sorted(block_condition.items()):
                self.output_block_condition[block_index] = (len(self.output_conditions), level)
                self.output_conditions.append(DepthTransformer(channels, c.volume_dims[level]))

    @staticmethod
    def frustum_at(frustum: Frustum, level: int, h: torch.Tensor) -> torch.Tensor:
        """A list/tuple is indexed by level (0 = latent resolution, as volume.onnx's frustum_0..3);
        a dict by the feature map's width (SyncDreamer's source_dict)."""
        if isinstance(frustum, (list, tuple)):
            return frustum[level]
        return frustum[int(h.shape[-1])]

    def forward(self, x: torch.Tensor, timesteps: torch.Tensor, context: torch.Tensor,
                frustum: Optional[Frustum] = None, group_size: Optional[int] = None) -> torch.Tensor:
        """x [B, in_channels, h, w]; timesteps [B] float; context [B, 1, context_dim];
        frustum: {width: [B, C_d, D, width, width]} or [level 0, level 1, …], None = no depth attention;
        group_size: K+1 consecutive batch elements share multi-view self-attention (B divisible by it).
        Returns ε [B, out_channels, h, w]."""
        emb = self.time_embed(self.timestep_embedding(timesteps))
        use_depth = self.config.depth_attention and frustum is not None
        skips = []
        h = x
        for stage in self.input_blocks:
            h = stage(h, emb, context, group_size)
            skips.append(h)
        h = self.middle_block(h, emb, context, group_size)
        if use_depth:
            h = self.middle_conditions(h, self.frustum_at(frustum, len(self.config.channel_mult) - 1, h))
        for index, stage in enumerate(self.output_blocks):
            h = stage(torch.cat([h, skips.pop()], dim=1), emb, context, group_size)
            if use_depth and index in self.output_block_condition:
                condition, level = self.output_block_condition[index]
                h = self.output_conditions[condition](h, self.frustum_at(frustum, level, h))
        return self.out(h)
