"""TF-slim `resnet_v2_50` (pre-activation ResNet, as HMR/RingNet use) rebuilt in PyTorch: (N,3,224,224) → (N,2048).

Faithful to slim where it changes numbers: the root 7×7 conv has biases and no BN; the root max-pool
uses TF "SAME" padding (0 before, 1 after); the stride of a block sits on its LAST unit; a unit whose
depth does not change takes `inputs[::s, ::s]` as shortcut, otherwise a 1×1 conv (with biases) of the
pre-activation; conv3 has biases and no BN; BN eps 1e-5; then `postnorm` BN + ReLU and a global mean.
`tf_variable_map()` names every PyTorch parameter's slim variable, for checkpoint conversion.
"""
from __future__ import annotations

from typing import Dict, Iterator, List, Tuple

import torch
import torch.nn.functional as F
from torch import nn

BLOCKS = ((64, 3, 2), (128, 4, 2), (256, 6, 2), (512, 3, 1))  # (base depth, units, stride of last unit)
BN_EPS = 1e-5


def _bn(ch: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(ch, eps=BN_EPS)


class BottleneckV2(nn.Module):
    def __init__(self, in_ch: int, base: int, stride: int) -> None:
        super().__init__()
        depth = base * 4
        self.stride = stride
        self.preact = _bn(in_ch)
        self.shortcut = nn.Conv2d(in_ch, depth, 1, stride=stride, bias=True) if in_ch != depth else None
        self.conv1 = nn.Conv2d(in_ch, base, 1, bias=False)
        self.bn1 = _bn(base)
        self.conv2 = nn.Conv2d(base, base, 3, stride=stride, padding=1, bias=False)
        self.bn2 = _bn(base)
        self.conv3 = nn.Conv2d(base, depth, 1, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pre = F.relu(self.preact(x))
        if self.shortcut is not None:
            skip = self.shortcut(pre)
        else:
            skip = x if self.stride == 1 else F.max_pool2d(x, 1, self.stride)
        out = F.relu(self.bn1(self.conv1(pre)))
        out = F.relu(self.bn2(self.conv2(out)))
        return skip + self.conv3(out)


class ResNetV2_50(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=True)
        units: List[BottleneckV2] = []
        self.unit_names: List[Tuple[int, int]] = []
        in_ch = 64
        for b, (base, count, stride) in enumerate(BLOCKS):
            for u in range(count):
                units.append(BottleneckV2(in_ch, base, stride if u == count - 1 else 1))
                self.unit_names.append((b + 1, u + 1))
                in_ch = base * 4
        self.units = nn.ModuleList(units)
        self.postnorm = _bn(2048)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)
        x = F.max_pool2d(F.pad(x, (0, 1, 0, 1), value=float("-inf")), 3, 2)  # TF 'SAME' max-pool
        for unit in self.units:
            x = unit(x)
        x = F.relu(self.postnorm(x))
        return x.mean(dim=(2, 3))

    def tf_variable_map(self, scope: str = "resnet_v2_50") -> Dict[str, str]:
        """PyTorch parameter/buffer name → slim variable name."""
        names: Dict[str, str] = {"conv1.weight": f"{scope}/conv1/weights", "conv1.bias": f"{scope}/conv1/biases"}
        names.update(_bn_names("postnorm", f"{scope}/postnorm"))
        for i, (b, u) in enumerate(self.unit_names):
            tf = f"{scope}/block{b}/unit_{u}/bottleneck_v2"
            pt = f"units.{i}"
            names.update(_bn_names(f"{pt}.preact", f"{tf}/preact"))
            if self.units[i].shortcut is not None:
                names[f"{pt}.shortcut.weight"] = f"{tf}/shortcut/weights"
                names[f"{pt}.shortcut.bias"] = f"{tf}/shortcut/biases"
            names[f"{pt}.conv1.weight"] = f"{tf}/conv1/weights"
            names.update(_bn_names(f"{pt}.bn1", f"{tf}/conv1/BatchNorm"))
            names[f"{pt}.conv2.weight"] = f"{tf}/conv2/weights"
            names.update(_bn_names(f"{pt}.bn2", f"{tf}/conv2/BatchNorm"))
            names[f"{pt}.conv3.weight"] = f"{tf}/conv3/weights"
            names[f"{pt}.conv3.bias"] = f"{tf}/conv3/biases"
        return names


def _bn_names(pt: str, tf: str) -> Iterator[Tuple[str, str]]:
    return iter(
        [
            (f"{pt}.weight", f"{tf}/gamma"),
            (f"{pt}.bias", f"{tf}/beta"),
            (f"{pt}.running_mean", f"{tf}/moving_mean"),
            (f"{pt}.running_var", f"{tf}/moving_variance"),
        ]
    )


def tf_to_torch(name: str, value):  # numpy in, numpy out
    """TF layouts → PyTorch: conv HWIO → OIHW, dense (in, out) → (out, in)."""
    if value.ndim == 4:
        return value.transpose(3, 2, 0, 1)
    if value.ndim == 2 and not name.endswith("mean_param"):
        return value.T
    return value


def torch_to_tf(name: str, value):
    if value.ndim == 4:
        return value.transpose(2, 3, 1, 0)
    if value.ndim == 2 and not name.endswith("mean_param"):
        return value.T
    return value
