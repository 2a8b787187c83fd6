"""RingNet (HMR-style): slim ResNet-50 v2 features + 3 steps of iterative error feedback → 159 parameters.

Official model is TensorFlow: input `input_images` (1, 224, 224, 3) NHWC, RGB scaled to [-1, 1], a
loose square crop of the face; output `add_2` = the parameters after the third feedback step:
cam 3 (s, tx, ty: orthographic) + pose 6 (global 3 + jaw 3, axis-angle) + shape 100 + expression 50.
Regressor per step: concat(feature 2048, θ 159) → fc1 1024 → ReLU → fc2 1024 → ReLU → fc3 159; θ += Δ.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Dict

import numpy as np
import torch
from torch import nn

from .resnet_v2 import ResNetV2_50, tf_to_torch, torch_to_tf

IMAGE_SIZE = 224
PARAM_LAYOUT = OrderedDict([("cam", 3), ("pose", 6), ("shape", 100), ("exp", 50)])
N_PARAMS = sum(PARAM_LAYOUT.values())  # 159
N_ITERATIONS = 3
# HMR's regressor (akanazawa/hmr src/models.py Encoder_fc3_dropout, variable_scope name="3D_module";
# RingNet's README: "based on github.com/akanazawa/hmr"); its run_RingNet.py fetches `add_2:0`, the
# third `theta_prev + delta_theta` of HMR's loop (hmr src/RunModel.py build_test_model_ief).
REGRESSOR_SCOPE = "3D_module"


class RingNetRegressor(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = ResNetV2_50()
        self.fc1 = nn.Linear(2048 + N_PARAMS, 1024)
        self.fc2 = nn.Linear(1024, 1024)
        self.fc3 = nn.Linear(1024, N_PARAMS)
        self.mean_param = nn.Parameter(torch.zeros(1, N_PARAMS))

    def forward(self, input_images: torch.Tensor) -> torch.Tensor:
        feature = self.encoder(input_images.permute(0, 3, 1, 2))  # NHWC as the TF graph
        theta = self.mean_param.expand(input_images.shape[0], -1)
        for _ in range(N_ITERATIONS):
            h = torch.relu(self.fc1(torch.cat([feature, theta], dim=1)))
            h = torch.relu(self.fc2(h))
            theta = theta + self.fc3(h)
        return theta

    def tf_variable_map(self) -> Dict[str, str]:
        names = {f"encoder.{k}": v for k, v in self.encoder.tf_variable_map().items()}
        for fc in ("fc1", "fc2", "fc3"):
            names[f"{fc}.weight"] = f"{REGRESSOR_SCOPE}/{fc}/weights"
            names[f"{fc}.bias"] = f"{REGRESSOR_SCOPE}/{fc}/biases"
        names["mean_param"] = "mean_param"
        return names


def load_tf_variables(path: str) -> Dict[str, np.ndarray]:
    """A `.npz` of {slim variable name: array}, or a TF checkpoint prefix (needs tensorflow)."""
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    import tensorflow as tf  # system-deps: optional (the user's own TensorFlow; .npz needs none)

    reader = tf.train.load_checkpoint(path)
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()}


def load_ringnet_checkpoint(path: str) -> RingNetRegressor:
    variables = load_tf_variables(path)
    net = RingNetRegressor()
    state = net.state_dict()
    missing = []
    for pt_name, tf_name in net.tf_variable_map().items():
        # tolerate an outer scope (e.g. 'Encoder/…') and optimizer copies are skipped by exact suffix match
        match = tf_name if tf_name in variables else next((k for k in variables if k.endswith("/" + tf_name)), None)
        if match is None:
            missing.append(tf_name)
            continue
        value = tf_to_torch(tf_name, np.asarray(variables[match]))
        if tuple(value.shape) != tuple(state[pt_name].shape):
            raise ValueError(f"{path}: {match} has TF shape {tuple(np.shape(variables[match]))}; RingNet's {tf_name} needs {tuple(torch_to_tf(tf_name, state[pt_name].numpy()).shape)}")
        state[pt_name] = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
    if missing:
        shown = ", ".join(missing[:5])
        raise KeyError(f"{path}: {len(missing)} RingNet variables not found (e.g. {shown}); available e.g. {sorted(variables)[:5]}")
    net.load_state_dict(state, strict=True)
    return net.eval()
