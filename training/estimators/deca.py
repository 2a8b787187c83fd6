"""DECA's coarse encoder `E_flame`: ResNet-50 → 2048 → Linear 1024 → ReLU → Linear 236.

Input: RGB in [0, 1], (N, 3, 224, 224), a square crop of 1.25× the face box. Output layout (DECA's
`param_list`): shape 100, tex 50, exp 50, pose 6 (global 3 + jaw 3, axis-angle), cam 3 (s, tx, ty:
orthographic, y flipped afterwards), light 27 (9 SH × RGB).
"""
from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from .resnet_v1 import ResNet50Features

IMAGE_SIZE = 224
PARAM_LAYOUT = OrderedDict([("shape", 100), ("tex", 50), ("exp", 50), ("pose", 6), ("cam", 3), ("light", 27)])
N_PARAMS = sum(PARAM_LAYOUT.values())  # 236


class DecaCoarseEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = ResNet50Features()
        self.layers = nn.Sequential(nn.Linear(2048, 1024), nn.ReLU(), nn.Linear(1024, N_PARAMS))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.layers(self.encoder(images))


def load_deca_checkpoint(path: str) -> DecaCoarseEncoder:
    """Reads `E_flame` from DECA's `deca_model.tar` (E_detail/D_detail are not needed for the prior)."""
    checkpoint = torch.load(path, map_location="cpu")
    state = checkpoint["E_flame"] if "E_flame" in checkpoint else checkpoint
    net = DecaCoarseEncoder()
    net.load_state_dict(state, strict=True)
    return net.eval()
