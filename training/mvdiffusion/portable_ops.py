"""Export-time stand-ins for operators that ONNX Runtime's WebGPU provider cannot run.

Its ConvTranspose kernel takes 1-D and 2-D convolutions only ("Only Conv2d or Conv1d are supported",
measured on the H200 with onnxruntime-node 1.30) and fails at the first run, after the session was
made. A transposed 3-D convolution is the same sum as a plain one over the input with zeros inserted
between samples, padded, and the kernel flipped with in/out channels swapped; Conv3d runs everywhere.
The stand-in reads the original module's weights, so checkpoints load before the swap.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import torch
import torch.nn as nn
import torch.nn.functional as F


def insert_zeros(x: torch.Tensor, stride: int, dim: int) -> torch.Tensor:
    """Along `dim`: each sample followed by stride-1 zeros (length × stride)."""
    if stride == 1:
        return x
    parts = [x] + [torch.zeros_like(x)] * (stride - 1)
    stacked = torch.stack(parts, dim=dim + 1)
    shape = list(x.shape)
    shape[dim] = shape[dim] * stride
    return stacked.reshape(shape)


class ConvTranspose3dAsConv(nn.Module):
    def __init__(self, convt: nn.ConvTranspose3d) -> None:
        super().__init__()
        if convt.groups != 1 or any(d != 1 for d in convt.dilation):
            raise ValueError("only ungrouped, undilated transposed convolutions are rewritten")
        self.convt = convt

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c = self.convt
        pads = []
        for axis, (k, s, p, op) in enumerate(zip(c.kernel_size, c.stride, c.padding, c.output_padding)):
            x = insert_zeros(x, s, 2 + axis)
            left = k - 1 - p
            right = k - 1 - p + op - (s - 1)  # the s-1 trailing zeros already pad the right
            pads.append((left, right))
        if any(v < 0 for pair in pads for v in pair):
            raise ValueError("padding larger than the kernel is not rewritten")
        # F.pad takes the last dimension first
        x = F.pad(x, [v for pair in reversed(pads) for v in pair])
        weight = c.weight.flip(2, 3, 4).transpose(0, 1)
        return F.conv3d(x, weight, c.bias)


@contextmanager
def conv_transpose_3d_as_conv(model: nn.Module) -> Iterator[int]:
    """Within the block every ConvTranspose3d under `model` is its Conv3d form (yields how many);
    afterwards the model is as before, state-dict keys included."""
    swapped = []
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.ConvTranspose3d):
                setattr(parent, name, ConvTranspose3dAsConv(child))
                swapped.append((parent, name, child))
    try:
        yield len(swapped)
    finally:
        for parent, name, child in swapped:
            setattr(parent, name, child)
