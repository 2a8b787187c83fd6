"""MICA: ArcFace identity (iResNet-100, 512-D, L2-normalised) → mapping MLP → 300 FLAME shape coefficients.

Input: `arcface` (N, 3, 112, 112) — the photo aligned to ArcFace's 5-point template, RGB,
(x − 127.5) / 127.5 (insightface `norm_crop` + `blobFromImages(swapRB=True)`).
Mapping (MICA `Generator(512, 300, 300, 3)`): Linear 512→300, 3 × Linear 300→300, each followed by
LeakyReLU 0.2, then Linear 300→300. MICA predicts identity only (no expression, pose or camera).
"""
from __future__ import annotations

from typing import Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .iresnet import IRESNET100_BLOCKS, IResNet

IMAGE_SIZE = 112
N_SHAPE = 300
# insightface's ArcFace template for 112×112 (left eye, right eye, nose, left mouth, right mouth; image left/right)
ARCFACE_TEMPLATE_112 = (
    (38.2946, 51.6963),
    (73.5318, 51.5014),
    (56.0252, 71.7366),
    (41.5493, 92.3655),
    (70.7299, 92.2041),
)


class MappingNetwork(nn.Module):
    def __init__(self, z_dim: int = 512, hidden_dim: int = 300, out_dim: int = N_SHAPE, hidden: int = 3) -> None:
        super().__init__()
        # MICA adds a skip (concat z) only for hidden > 5; its released model uses 3
        if hidden > 5:
            raise NotImplementedError("mapping networks with skips (hidden > 5) are not used by MICA's release")
        self.network = nn.ModuleList([nn.Linear(z_dim, hidden_dim)] + [nn.Linear(hidden_dim, hidden_dim) for _ in range(hidden)])
        self.output = nn.Linear(hidden_dim, out_dim)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        for layer in self.network:
            z = F.leaky_relu(layer(z), negative_slope=0.2)
        return self.output(z)


class MicaShapeRegressor(nn.Module):
    """`arcface` image → (`shape_code` (N, 300), `identity` (N, 512) unit-length)."""

    def __init__(self, arcface_blocks: Sequence[int] = IRESNET100_BLOCKS) -> None:
        super().__init__()
        self.arcface = IResNet(arcface_blocks)
        self.regressor = MappingNetwork()

    def forward(self, arcface: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        identity = F.normalize(self.arcface(arcface))
        return self.regressor(identity), identity


def load_mica_checkpoint(path: str, arcface_blocks: Sequence[int] = IRESNET100_BLOCKS) -> MicaShapeRegressor:
    """Reads MICA's `mica.tar`: {'arcface': iResNet state, 'flameModel': {'regressor.*', 'generator.*' (FLAME buffers, unused)}}."""
    checkpoint = torch.load(path, map_location="cpu")
    net = MicaShapeRegressor(arcface_blocks)
    net.arcface.load_state_dict(checkpoint["arcface"], strict=True)
    mapping = {k[len("regressor."):]: v for k, v in checkpoint["flameModel"].items() if k.startswith("regressor.")}
    net.regressor.load_state_dict(mapping, strict=True)
    return net.eval()
