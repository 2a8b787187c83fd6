"""Attention blocks of the multi-view UNet: Stable Diffusion 1.x's spatial transformer and
SyncDreamer's depth-wise attention, with the parents' parameter names so their weights load as-is.

Written for export (torch 1.13, ONNX opset 17): attention is matmul + softmax, no einops, no
in-place activations, no gradient checkpointing, and every reshape keeps the batch (or group)
dimension dynamic — it is either read from a tensor's shape or left as -1.
"""

import torch
import torch.nn.functional as F
from torch import nn


def split_heads(tokens: torch.Tensor, heads: int, dim_head: int) -> torch.Tensor:
    """[B, N, heads·dim_head] → [B, heads, N, dim_head]."""
    return tokens.reshape(tokens.shape[0], -1, heads, dim_head).transpose(1, 2)


def merge_heads(tokens: torch.Tensor) -> torch.Tensor:
    """[B, heads, N, dim_head] → [B, N, heads·dim_head]."""
    batch, heads, _, dim_head = tokens.shape
    return tokens.transpose(1, 2).reshape(batch, -1, heads * dim_head)


def scaled_dot_product(q, k, v, scale: float) -> torch.Tensor:
    # The parents scale the logits (not q): same order of operations, same rounding.
    logits = torch.matmul(q, k.transpose(-1, -2)) * scale
    return torch.matmul(logits.softmax(dim=-1), v)


class CrossAttention(nn.Module):
    """Multi-head attention of queries x over context (or over x itself when context is None).
    Keys: to_q, to_k, to_v (no bias), to_out.0 (with bias)."""

    def __init__(self, query_dim: int, context_dim: int = None, heads: int = 8, dim_head: int = 64):
        super().__init__()
        inner_dim = heads * dim_head
        context_dim = query_dim if context_dim is None else context_dim
        self.heads = heads
        self.dim_head = dim_head
        self.scale = dim_head ** -0.5
        self.to_q = nn.Linear(query_dim, inner_dim, bias=False)
        self.to_k = nn.Linear(context_dim, inner_dim, bias=False)
        self.to_v = nn.Linear(context_dim, inner_dim, bias=False)
        # Sequential only to keep the parents' key `to_out.0`; their Dropout(0) is index 1.
        self.to_out = nn.Sequential(nn.Linear(inner_dim, query_dim), nn.Dropout(0.0))

    def forward(self, x: torch.Tensor, context: torch.Tensor = None) -> torch.Tensor:
        context = x if context is None else context
        q = split_heads(self.to_q(x), self.heads, self.dim_head)
        k = split_heads(self.to_k(context), self.heads, self.dim_head)
        v = split_heads(self.to_v(context), self.heads, self.dim_head)
        return self.to_out(merge_heads(scaled_dot_product(q, k, v, self.scale)))


class GEGLU(nn.Module):
    """Linear to 2·dim_out, then value · GELU(gate) (exact, erf-based GELU as the parents)."""

    def __init__(self, dim_in: int, dim_out: int):
        super().__init__()
        self.proj = nn.Linear(dim_in, dim_out * 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        value, gate = self.proj(x).chunk(2, dim=-1)
        return value * F.gelu(gate)


class FeedForward(nn.Module):
    """Gated MLP, keys net.0.proj and net.2 (net.1 is the parents' Dropout(0))."""

    def __init__(self, dim: int, mult: int = 4):
        super().__init__()
        inner_dim = dim * mult
        self.net = nn.Sequential(GEGLU(dim, inner_dim), nn.Dropout(0.0), nn.Linear(inner_dim, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class BasicTransformerBlock(nn.Module):
    """Self-attention, cross-attention to the condition, gated MLP; pre-LayerNorm residuals.

    multiview: Gen3D-Face's 3-D self-attention. With group_size = K+1 the K+1 consecutive batch
    elements of a group are one token sequence for attn1 (MVDream style), so every view sees the
    other views of its group and the input element. No new weights: parent checkpoints still load.
    """

    def __init__(self, dim: int, heads: int, dim_head: int, context_dim: int, multiview: bool = False):
        super().__init__()
        self.multiview = multiview
        self.attn1 = CrossAttention(dim, None, heads, dim_head)
        self.ff = FeedForward(dim)
        self.attn2 = CrossAttention(dim, context_dim, heads, dim_head)
        self.norm1 = nn.LayerNorm(dim)
        self.norm2 = nn.LayerNorm(dim)
        self.norm3 = nn.LayerNorm(dim)

    def self_attention(self, x: torch.Tensor, group_size: int = None) -> torch.Tensor:
        if not self.multiview or group_size is None or group_size == 1:
            return self.attn1(x)
        tokens, channels = x.shape[1], x.shape[2]
        grouped = x.reshape(-1, group_size * tokens, channels)  # [B/(K+1), (K+1)·HW, C]
        return self.attn1(grouped).reshape(-1, tokens, channels)

    def forward(self, x: torch.Tensor, context: torch.Tensor, group_size: int = None) -> torch.Tensor:
        x = self.self_attention(self.norm1(x), group_size) + x
        x = self.attn2(self.norm2(x), context) + x
        return self.ff(self.norm3(x)) + x


class SpatialTransformer(nn.Module):
    """GroupNorm → 1×1 conv → transformer blocks over the H·W tokens → 1×1 conv, residual.
    Keys: norm, proj_in, transformer_blocks.N.*, proj_out (SD 1.x's conv projections)."""

    def __init__(self, channels: int, heads: int, dim_head: int, depth: int, context_dim: int,
                 norm_groups: int = 32, multiview: bool = False):
        super().__init__()
        inner_dim = heads * dim_head
        self.norm = nn.GroupNorm(norm_groups, channels, eps=1e-6)
        self.proj_in = nn.Conv2d(channels, inner_dim, 1)
        self.transformer_blocks = nn.ModuleList(
            [BasicTransformerBlock(inner_dim, heads, dim_head, context_dim, multiview) for _ in range(depth)])
        self.proj_out = nn.Conv2d(inner_dim, channels, 1)
        nn.init.zeros_(self.proj_out.weight)  # starts as identity, as the parents
        nn.init.zeros_(self.proj_out.bias)

    def forward(self, x: torch.Tensor, context: torch.Tensor, group_size: int = None) -> torch.Tensor:
        batch, _, height, width = x.shape
        h = self.proj_in(self.norm(x))
        h = h.flatten(2).transpose(1, 2)  # [B, H·W, C]
        for block in self.transformer_blocks:
            h = block(h, context, group_size)
        h = h.transpose(1, 2).reshape(batch, -1, height, width)
        return self.proj_out(h) + x


class DepthAttention(nn.Module):
    """Each pixel attends over the D depth samples of its own frustum ray (SyncDreamer).
    Keys: to_q (Conv2d), to_k, to_v (Conv3d), to_out (Conv2d), none with bias."""

    def __init__(self, query_dim: int, context_dim: int, heads: int, dim_head: int):
        super().__init__()
        inner_dim = heads * dim_head
        self.heads = heads
        self.dim_head = dim_head
        self.scale = dim_head ** -0.5
        self.to_q = nn.Conv2d(query_dim, inner_dim, 1, bias=False)
        self.to_k = nn.Conv3d(context_dim, inner_dim, 1, bias=False)
        self.to_v = nn.Conv3d(context_dim, inner_dim, 1, bias=False)
        self.to_out = nn.Conv2d(inner_dim, query_dim, 1, bias=False)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """x [B, C, H, W], context [B, C_d, D, H, W] → [B, C, H, W]."""
        height, width = x.shape[2], x.shape[3]
        depth = context.shape[2]
        q = self.to_q(x).reshape(-1, self.heads, self.dim_head, 1, height, width)
        k = self.to_k(context).reshape(-1, self.heads, self.dim_head, depth, height, width)
        v = self.to_v(context).reshape(-1, self.heads, self.dim_head, depth, height, width)
        logits = (q * k).sum(dim=2) * self.scale  # [B, heads, D, H, W]
        weights = logits.softmax(dim=2).unsqueeze(2)
        out = (v * weights).sum(dim=3)  # [B, heads, dim_head, H, W]
        return self.to_out(out.reshape(-1, self.heads * self.dim_head, height, width))


class DepthTransformer(nn.Module):
    """SyncDreamer's frustum-feature injection: proj_in → depth attention → proj_out, residual.
    4 heads of context_dim/2 (inner width 2·context_dim); the last conv starts at zero."""

    def __init__(self, dim: int, context_dim: int, heads: int = 4):
        super().__init__()
        dim_head = context_dim // 2
        inner_dim = heads * dim_head
        self.proj_in = nn.Sequential(nn.Conv2d(dim, inner_dim, 1), nn.GroupNorm(8, inner_dim), nn.SiLU())
        # Bias-free conv and ReLU: an all-zero frustum (guidance's unconditional half) stays zero.
        self.proj_context = nn.Sequential(
            nn.Conv3d(context_dim, context_dim, 1, bias=False), nn.GroupNorm(8, context_dim), nn.ReLU())
        self.depth_attn = DepthAttention(inner_dim, context_dim, heads, dim_head)
        self.proj_out = nn.Sequential(
            nn.GroupNorm(8, inner_dim), nn.ReLU(),
            nn.Conv2d(inner_dim, inner_dim, 3, padding=1, bias=False),
            nn.GroupNorm(8, inner_dim), nn.ReLU(),
            nn.Conv2d(inner_dim, dim, 3, padding=1, bias=False))
        nn.init.zeros_(self.proj_out[5].weight)

    def forward(self, x: torch.Tensor, frustum: torch.Tensor) -> torch.Tensor:
        h = self.depth_attn(self.proj_in(x), self.proj_context(frustum))
        return self.proj_out(h) + x
