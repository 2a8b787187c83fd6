"""ArcFace iResNet (insightface `arcface_torch` layout, as MICA's `Arcface`): (N,3,112,112) → (N,512).

iResNet-100 = IBasicBlock × [3, 13, 30, 3]. Parameter names match MICA's checkpoint (`arcface.*`):
conv1, bn1, prelu, layerK.i.{bn1,conv1,bn2,prelu,conv2,bn3,downsample.0/1}, bn2, fc, features.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

IRESNET100_BLOCKS = (3, 13, 30, 3)


class IBasicBlock(nn.Module):
    def __init__(self, in_ch: int, ch: int, stride: int = 1, downsample: nn.Module | None = None) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_ch, eps=1e-5)
        self.conv1 = nn.Conv2d(in_ch, ch, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(ch, eps=1e-5)
        self.prelu = nn.PReLU(ch)
        self.conv2 = nn.Conv2d(ch, ch, 3, stride=stride, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(ch, eps=1e-5)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        skip = x if self.downsample is None else self.downsample(x)
        return out + skip


class IResNet(nn.Module):
    def __init__(self, blocks: Sequence[int] = IRESNET100_BLOCKS, num_features: int = 512) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(64, eps=1e-5)
        self.prelu = nn.PReLU(64)
        in_ch = 64
        for i, (ch, count) in enumerate(zip((64, 128, 256, 512), blocks)):
            down = nn.Sequential(nn.Conv2d(in_ch, ch, 1, stride=2, bias=False), nn.BatchNorm2d(ch, eps=1e-5))
            layers = [IBasicBlock(in_ch, ch, 2, down)] + [IBasicBlock(ch, ch) for _ in range(1, count)]
            setattr(self, f"layer{i + 1}", nn.Sequential(*layers))
            in_ch = ch
        self.bn2 = nn.BatchNorm2d(512, eps=1e-5)
        self.dropout = nn.Dropout(p=0)
        self.fc = nn.Linear(512 * 7 * 7, num_features)
        self.features = nn.BatchNorm1d(num_features, eps=1e-5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.prelu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.bn2(x), 1)
        return self.features(self.fc(self.dropout(x)))
