"""ResNet-50 (v1.5: stride on the 3×3 conv, as torchvision) without its classifier: (N,3,224,224) → (N,2048).

Parameter names follow torchvision (conv1, bn1, layer1.0.conv1, …, downsample.0/1) so DECA's
checkpoint (`E_flame.encoder.*`) loads as is.
"""
from __future__ import annotations

from typing import List

import torch
from torch import nn


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, in_ch: int, width: int, stride: int = 1, downsample: nn.Module | None = None) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, width * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(width * 4)
        self.relu = nn.ReLU()
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        skip = x if self.downsample is None else self.downsample(x)
        return self.relu(out + skip)


class ResNet50Features(nn.Module):
    def __init__(self, blocks: List[int] = (3, 4, 6, 3)) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        in_ch = 64
        for i, (width, count) in enumerate(zip((64, 128, 256, 512), blocks)):
            stride = 1 if i == 0 else 2
            layers = []
            for b in range(count):
                down = None
                if b == 0 and (stride != 1 or in_ch != width * 4):
                    down = nn.Sequential(nn.Conv2d(in_ch, width * 4, 1, stride=stride, bias=False), nn.BatchNorm2d(width * 4))
                layers.append(Bottleneck(in_ch, width, stride if b == 0 else 1, down))
                in_ch = width * 4
            setattr(self, f"layer{i + 1}", nn.Sequential(*layers))
        self.avgpool = nn.AvgPool2d(7, stride=1)  # 224 input → 7×7 → 1×1, as DECA's encoder

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(self.avgpool(x), 1)
