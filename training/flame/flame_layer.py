"""FLAME in PyTorch: the reference the TypeScript layer (src-main/engine/estimate/flame) is checked against.

vertices = LBS(v_template + shapedirs·[β, ψ] + posedirs·(R(θ_1..4) − I), joints, θ) with 5 joints:
0 global (root), 1 neck, 2 jaw, 3 left eye, 4 right eye. Pose is axis-angle, 15 values in joint order.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import torch
from torch import nn

from .flame_io import N_SHAPE_MAX, FlameModel, LandmarkEmbedding


def rodrigues(axis_angle: torch.Tensor) -> torch.Tensor:
    """(N, 3) axis-angle → (N, 3, 3) rotation matrices. The 1e-8 keeps the zero rotation finite."""
    angle = torch.norm(axis_angle + 1e-8, dim=1, keepdim=True)
    axis = axis_angle / angle
    cos = torch.cos(angle).unsqueeze(-1)
    sin = torch.sin(angle).unsqueeze(-1)
    x, y, z = axis[:, 0], axis[:, 1], axis[:, 2]
    zero = torch.zeros_like(x)
    k = torch.stack([zero, -z, y, z, zero, -x, -y, x, zero], dim=1).view(-1, 3, 3)
    eye = torch.eye(3, dtype=axis_angle.dtype).unsqueeze(0)
    return eye + sin * k + (1 - cos) * torch.bmm(k, k)


class FlameLayer(nn.Module):
    def __init__(self, model: FlameModel, embedding: Optional[LandmarkEmbedding] = None) -> None:
        super().__init__()
        self.register_buffer("v_template", torch.from_numpy(model.v_template))
        self.register_buffer("shapedirs", torch.from_numpy(model.shapedirs))
        n_verts = model.v_template.shape[0]
        # (P, V*3): one row per pose-corrective component
        self.register_buffer("posedirs", torch.from_numpy(model.posedirs.reshape(n_verts * 3, -1).T.copy()))
        self.register_buffer("J_regressor", torch.from_numpy(model.J_regressor))
        self.register_buffer("weights", torch.from_numpy(model.weights))
        self.register_buffer("faces", torch.from_numpy(model.faces.astype(np.int64)))
        self.parents = [int(p) for p in model.parents]
        self.n_shape = model.n_shape
        self.n_expression = model.n_expression
        if embedding is not None:
            self.register_buffer("lmk_faces", torch.from_numpy(embedding.faces_idx.astype(np.int64)))
            self.register_buffer("lmk_bary", torch.from_numpy(embedding.bary_coords))
        else:
            self.lmk_faces = None
            self.lmk_bary = None

    def _betas(self, shape: torch.Tensor, expression: torch.Tensor) -> torch.Tensor:
        """Zero-pads shape to 300 and expression to the model's count, so any prefix (100/50…) works."""
        n = shape.shape[0]
        s = torch.zeros(n, self.n_shape, dtype=shape.dtype)
        s[:, : shape.shape[1]] = shape
        e = torch.zeros(n, self.n_expression, dtype=shape.dtype)
        e[:, : expression.shape[1]] = expression
        return torch.cat([s, e], dim=1)

    def forward(self, shape: torch.Tensor, expression: torch.Tensor, pose: torch.Tensor) -> torch.Tensor:
        """shape (N, ≤300), expression (N, ≤100), pose (N, 15) → vertices (N, V, 3)."""
        n = shape.shape[0]
        n_joints = len(self.parents)
        betas = self._betas(shape, expression)
        v_shaped = self.v_template.unsqueeze(0) + torch.einsum("vck,nk->nvc", self.shapedirs, betas)
        joints = torch.einsum("jv,nvc->njc", self.J_regressor, v_shaped)

        rots = rodrigues(pose.reshape(-1, 3)).view(n, n_joints, 3, 3)
        eye = torch.eye(3, dtype=pose.dtype)
        pose_feature = (rots[:, 1:] - eye).reshape(n, -1)
        v_posed = v_shaped + torch.matmul(pose_feature, self.posedirs).view(n, -1, 3)

        # world transforms of the joints along the kinematic chain
        rel = joints.clone()
        rel[:, 1:] = joints[:, 1:] - joints[:, self.parents[1:]]
        local = torch.zeros(n, n_joints, 4, 4, dtype=pose.dtype)
        local[:, :, :3, :3] = rots
        local[:, :, :3, 3] = rel
        local[:, :, 3, 3] = 1
        chain = [local[:, 0]]
        for i in range(1, n_joints):
            chain.append(torch.matmul(chain[self.parents[i]], local[:, i]))
        world = torch.stack(chain, dim=1)
        # remove the rest-pose joint position so the transforms act on rest-pose vertices
        offset = torch.matmul(world[:, :, :3, :3], joints.unsqueeze(-1)).squeeze(-1)
        skin = world.clone()
        skin[:, :, :3, 3] = world[:, :, :3, 3] - offset

        per_vertex = torch.einsum("vj,njab->nvab", self.weights, skin)
        homog = torch.cat([v_posed, torch.ones(n, v_posed.shape[1], 1, dtype=pose.dtype)], dim=2)
        return torch.einsum("nvab,nvb->nva", per_vertex, homog)[:, :, :3]

    def landmarks(self, vertices: torch.Tensor) -> torch.Tensor:
        """(N, V, 3) → (N, L, 3) by barycentric interpolation on the embedding's faces."""
        if self.lmk_faces is None:
            raise ValueError("this FLAME layer has no landmark embedding")
        tri = self.faces[self.lmk_faces]  # (L, 3)
        corners = vertices[:, tri]  # (N, L, 3, 3)
        return torch.einsum("nlkc,lk->nlc", corners, self.lmk_bary)


def full_pose(global_rot: torch.Tensor, jaw: torch.Tensor) -> torch.Tensor:
    """DECA/RingNet 6-D pose (global, jaw) → FLAME's 15-D pose with neck and eyes at rest."""
    zeros = torch.zeros_like(global_rot)
    return torch.cat([global_rot, zeros, jaw, zeros, zeros], dim=1)


__all__ = ["FlameLayer", "rodrigues", "full_pose", "N_SHAPE_MAX"]
