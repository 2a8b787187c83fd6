"""Put the user's FLAME (+ optional landmark embedding) into a pack as raw arrays named `flame.*`."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Optional

import numpy as np

from flame.flame_io import FlameModel, LandmarkEmbedding, check_embedding, load_flame, load_landmark_embedding, load_mediapipe_embedding, load_uv_template
from packs.pack_writer import PackWriter

FLAME_LICENSE = "FLAME model: see https://flame.is.tue.mpg.de (user-supplied, never shipped)"


@dataclass(frozen=True)
class FlameSources:
    """The user's FLAME files for a pack. `landmarks`: a barycentric embedding; else
    `landmark_vertices`: plain vertex indices. `mediapipe_embedding`: FLAME's MediaPipe embedding,
    lets the studio fit pose to its face-mesh points. `uv_template`: FLAME's head_template.obj, for
    exporting the FLAME mesh itself, textured."""

    model: str
    landmarks: Optional[str] = None
    landmark_vertices: Optional[str] = None
    mediapipe_embedding: Optional[str] = None
    uv_template: Optional[str] = None


def add_flame_arguments(ap: argparse.ArgumentParser, *, flame_help: str, landmarks_help: str) -> None:
    """The command-line options every converter takes for the user's FLAME files (see `flame_sources`)."""
    ap.add_argument("--flame", required=True, help=flame_help)
    ap.add_argument("--landmarks", help=landmarks_help)
    ap.add_argument("--landmark-vertices", help="without an embedding: FLAME vertex indices to use as landmarks (.npy or text)")
    ap.add_argument("--mediapipe-embedding", help="mediapipe_landmark_embedding.npz (from the FLAME site), for pose fits to face-mesh points")
    ap.add_argument("--flame-uv-template", help="head_template.obj (from the FLAME site): lets the studio export the FLAME mesh itself, textured")


def flame_sources(args: argparse.Namespace) -> FlameSources:
    return FlameSources(args.flame, args.landmarks, args.landmark_vertices, args.mediapipe_embedding, args.flame_uv_template)


def load_vertex_indices(path: str) -> np.ndarray:
    """Landmarks as plain vertex indices (.npy or whitespace/comma separated text)."""
    if path.endswith(".npy"):
        return np.load(path).reshape(-1).astype(np.uint32)
    return np.array([int(x) for x in open(path).read().replace(",", " ").split()], dtype=np.uint32)


def add_flame_arrays(writer: PackWriter, sources: FlameSources) -> FlameModel:
    """The FLAME model, its landmarks and the optional MediaPipe embedding as `flame.*` arrays."""
    model = load_flame(sources.model)
    embedding: Optional[LandmarkEmbedding] = load_landmark_embedding(sources.landmarks) if sources.landmarks else None
    check_embedding(embedding, model)
    writer.add_array("flame.v_template", model.v_template)
    writer.add_array("flame.shapedirs", model.shapedirs)
    writer.add_array("flame.posedirs", model.posedirs)
    writer.add_array("flame.J_regressor", model.J_regressor)
    writer.add_array("flame.parents", model.parents.astype(np.int32))
    writer.add_array("flame.weights", model.weights)
    writer.add_array("flame.faces", model.faces.astype(np.uint32))
    if embedding is not None:
        writer.add_array("flame.lmk_faces_idx", embedding.faces_idx.astype(np.uint32))
        writer.add_array("flame.lmk_bary_coords", embedding.bary_coords.astype(np.float32))
    elif sources.landmark_vertices:
        indices = load_vertex_indices(sources.landmark_vertices)
        if indices.size == 0 or int(indices.max()) >= model.v_template.shape[0]:
            raise ValueError(f"{sources.landmark_vertices}: vertex indices must be within 0..{model.v_template.shape[0] - 1}")
        writer.add_array("flame.landmark_vertices", indices)
    if sources.mediapipe_embedding:
        mp = load_mediapipe_embedding(sources.mediapipe_embedding)
        if int(mp.faces_idx.max()) >= model.faces.shape[0]:
            raise ValueError(f"{sources.mediapipe_embedding}: faces beyond the FLAME mesh")
        writer.add_array("flame.mp_lmk_faces_idx", mp.faces_idx)
        writer.add_array("flame.mp_lmk_bary_coords", mp.bary_coords)
        writer.add_array("flame.mp_landmark_indices", mp.mediapipe_indices)
    if sources.uv_template:
        uv = load_uv_template(sources.uv_template, model.faces)
        writer.add_array("flame.uv_coords", uv.uv_coords)
        writer.add_array("flame.uv_faces", uv.uv_faces)
    writer.manifest["flame"] = {
        "nShape": model.n_shape,
        "nExpression": model.n_expression,
        "landmarks": embedding.source if embedding is not None else ("vertices" if sources.landmark_vertices else None),
    }
    return model
