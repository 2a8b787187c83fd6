"""The studio's built-in head (resources/head-model/, CC0) as numpy: vertices (metres, head frame),
triangles, per-triangle region names. Used for fixtures (a head-like `mesh_vertices`) and for
rig_coverage.py. Same blocks as src-main/engine/geometry/head-model.ts reads."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Tuple

import numpy as np

HEAD_MODEL_DIR = Path(__file__).resolve().parents[2] / "resources" / "head-model"


def load_head_model(directory: Path = HEAD_MODEL_DIR) -> Tuple[np.ndarray, np.ndarray, np.ndarray, List[str]]:
    """positions [N,3] float64, triangles [T,3] int64, triangle region index [T], region names."""
    desc = json.loads((directory / "head-model.json").read_text())
    blob = (directory / desc["binary"]["file"]).read_bytes()

    def block(name: str) -> np.ndarray:
        b = next(x for x in desc["binary"]["blocks"] if x["name"] == name)
        dtype = np.float32 if b["dtype"] == "float32" else np.uint32
        arr = np.frombuffer(blob, dtype=dtype, count=b["byteLength"] // 4, offset=b["byteOffset"])
        return arr.reshape(b["shape"]) if b.get("shape") else arr

    regions = [r["name"] for r in desc["regions"]]
    return (block("positions").astype(np.float64), block("triangles").astype(np.int64),
            block("triangleRegion").astype(np.int64), regions)


def head_vertices_volume_frame(head_scale: float = 2.5) -> np.ndarray:
    """Vertices [N,3] float32 in the volume frame: centred on their bounding box, × head_scale."""
    pos = load_head_model()[0]
    centre = (pos.min(0) + pos.max(0)) / 2
    return ((pos - centre) * head_scale).astype(np.float32)


def synthetic_vertex_colour(vertices: np.ndarray) -> np.ndarray:
    """(r, g, b, visibility) [N,4] float32 for fixtures: a smooth colour ramp, visibility = the
    vertex direction's +Z part (faces the input camera), clipped at 0."""
    v = vertices / np.abs(vertices).max()
    rgb = 0.5 + 0.4 * np.stack([v[:, 0], v[:, 1], -v[:, 2]], 1)
    n = vertices / np.linalg.norm(vertices, axis=1, keepdims=True).clip(1e-9)
    return np.concatenate([rgb, np.clip(n[:, 2:3], 0, 1)], 1).astype(np.float32)
