"""Load the user's FLAME model and landmark embedding without chumpy.

The official `generic_model.pkl` (FLAME 2017/2020/2023) pickles some arrays as chumpy `Ch` objects and
`J_regressor` as a scipy sparse matrix. chumpy does not install on current Python, so the unpickler
below turns every chumpy class into a stand-in that keeps the pickled state and reads its array.

Official keys and shapes (FLAME 2020): v_template (5023, 3), shapedirs (5023, 3, 400) = 300 shape +
100 expression, posedirs (5023, 3, 36), J_regressor (5, 5023), kintree_table (2, 5), weights
(5023, 5), f (9976, 3).
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

import numpy as np

N_SHAPE_MAX = 300
REQUIRED_KEYS = ("v_template", "shapedirs", "posedirs", "J_regressor", "kintree_table", "weights", "f")


class _ChumpyStandIn:
    """Holds the pickled state of a chumpy object; `.x` (or `a`) is the value for plain arrays."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.state: Dict[str, Any] = {}

    def __setstate__(self, state: Any) -> None:
        self.state = state if isinstance(state, dict) else {"x": state}

    def to_array(self) -> np.ndarray:
        for key in ("x", "a", "r"):
            if key in self.state:
                return _to_dense(self.state[key])
        raise ValueError(f"chumpy object without an array value (keys {sorted(self.state)})")


class _SparseStandIn:
    """A scipy.sparse matrix read back without scipy (csc/csr state: data, indices, indptr, _shape)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.state: Dict[str, Any] = {}

    def __setstate__(self, state: Any) -> None:
        self.state = state

    def to_array(self) -> np.ndarray:
        s = self.state
        shape = s.get("_shape") or s.get("shape")
        out = np.zeros(shape, dtype=np.float64)
        data, indices, indptr = s["data"], s["indices"], s["indptr"]
        column_major = s.get("format", "csc") == "csc" or len(indptr) == shape[1] + 1
        for major in range(len(indptr) - 1):
            for k in range(indptr[major], indptr[major + 1]):
                if column_major:
                    out[indices[k], major] = data[k]
                else:
                    out[major, indices[k]] = data[k]
        return out


class _ChumpyFreeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("chumpy"):
            return _ChumpyStandIn
        if module.startswith("scipy.sparse"):
            try:
                return super().find_class(module, name)
            except (ImportError, AttributeError):
                return _SparseStandIn
        return super().find_class(module, name)


def _to_dense(value: Any) -> np.ndarray:
    if isinstance(value, (_ChumpyStandIn, _SparseStandIn)):
        return value.to_array()
    if hasattr(value, "toarray"):  # scipy.sparse
        return np.asarray(value.toarray())
    if hasattr(value, "r") and not isinstance(value, np.ndarray):  # a real chumpy object
        return np.asarray(value.r)
    if hasattr(value, "numpy"):  # torch tensor (DECA's landmark_embedding.npy holds some)
        return value.numpy()
    return np.asarray(value)


def load_pickle(path: Path) -> Any:
    with open(path, "rb") as f:
        return _ChumpyFreeUnpickler(f, encoding="latin1").load()


def _load_dict(path: Path, what: str) -> Dict[str, Any]:
    """The dict in an `.npz`, an `.npy` holding a pickled dict, or a (chumpy-free) pickle."""
    if path.suffix == ".npy":
        raw = np.load(path, allow_pickle=True, encoding="latin1")
        raw = raw[()] if raw.dtype == object else raw
    elif path.suffix == ".npz":
        raw = dict(np.load(path, allow_pickle=False))
    else:
        raw = load_pickle(path)
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a dict of {what}, got {type(raw).__name__}")
    return raw


@dataclass
class FlameModel:
    v_template: np.ndarray  # (V, 3) float32
    shapedirs: np.ndarray  # (V, 3, S+E) float32; the first 300 are shape, the rest expression
    posedirs: np.ndarray  # (V, 3, 36) float32
    J_regressor: np.ndarray  # (5, V) float32
    parents: np.ndarray  # (5,) int32, -1 for the root
    weights: np.ndarray  # (V, 5) float32
    faces: np.ndarray  # (F, 3) uint32

    @property
    def n_shape(self) -> int:
        return min(N_SHAPE_MAX, self.shapedirs.shape[2])

    @property
    def n_expression(self) -> int:
        return self.shapedirs.shape[2] - self.n_shape


def load_flame(path: str | Path) -> FlameModel:
    """Reads an official FLAME `.pkl` (chumpy-free) or an `.npz` (or dict `.npy`) with the same keys."""
    path = Path(path)
    raw = _load_dict(path, "FLAME arrays")
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        raise ValueError(f"{path}: not a FLAME model, missing keys {missing}")
    arr = {k: _to_dense(raw[k]) for k in REQUIRED_KEYS}
    n_verts = arr["v_template"].shape[0]
    kintree = arr["kintree_table"].astype(np.int64)
    parents = kintree[0].copy()
    parents[0] = -1  # the root's parent is stored as uint32 max
    posedirs = arr["posedirs"]
    if posedirs.ndim == 2:  # some exports keep it flattened (V*3, P)
        posedirs = posedirs.reshape(n_verts, 3, -1)
    model = FlameModel(
        v_template=arr["v_template"].astype(np.float32),
        shapedirs=arr["shapedirs"].astype(np.float32),
        posedirs=posedirs.astype(np.float32),
        J_regressor=arr["J_regressor"].astype(np.float32),
        parents=parents.astype(np.int32),
        weights=arr["weights"].astype(np.float32),
        faces=arr["f"].astype(np.uint32),
    )
    _check_shapes(model, path)
    return model


def _check_shapes(m: FlameModel, path: Path) -> None:
    v = m.v_template.shape[0]
    j = m.J_regressor.shape[0]
    problems = []
    if m.v_template.shape != (v, 3):
        problems.append(f"v_template {m.v_template.shape}")
    if m.shapedirs.shape[:2] != (v, 3):
        problems.append(f"shapedirs {m.shapedirs.shape}")
    if m.posedirs.shape != (v, 3, (j - 1) * 9):
        problems.append(f"posedirs {m.posedirs.shape}")
    if m.J_regressor.shape != (j, v):
        problems.append(f"J_regressor {m.J_regressor.shape}")
    if m.weights.shape != (v, j):
        problems.append(f"weights {m.weights.shape}")
    if m.faces.ndim != 2 or m.faces.shape[1] != 3 or int(m.faces.max()) >= v:
        problems.append(f"f {m.faces.shape}")
    if m.parents.shape != (j,):
        problems.append(f"kintree_table parents {m.parents.shape}")
    if problems:
        raise ValueError(f"{path}: FLAME arrays of unexpected shape: {', '.join(problems)}")


@dataclass
class LandmarkEmbedding:
    """Landmarks as barycentric points on faces: `faces_idx` (L,), `bary_coords` (L, 3)."""

    faces_idx: np.ndarray
    bary_coords: np.ndarray
    source: str


def load_landmark_embedding(path: str | Path) -> LandmarkEmbedding:
    """Reads DECA/MICA's `landmark_embedding.npy` (prefers the full 68) or RingNet's
    `flame_static_embedding.pkl` (51 points: `lmk_face_idx`, `lmk_b_coords`)."""
    path = Path(path)
    raw = _load_dict(path, "landmark embedding arrays")
    for faces_key, bary_key, source in (
        ("full_lmk_faces_idx", "full_lmk_bary_coords", "full-68"),
        ("static_lmk_faces_idx", "static_lmk_bary_coords", "static-51"),
        ("lmk_face_idx", "lmk_b_coords", "static-51"),
    ):
        if faces_key in raw and bary_key in raw:
            faces_idx = _to_dense(raw[faces_key]).reshape(-1).astype(np.int64)
            bary = _to_dense(raw[bary_key]).reshape(-1, 3).astype(np.float32)
            if faces_idx.shape[0] != bary.shape[0]:
                raise ValueError(f"{path}: {faces_key} and {bary_key} disagree in length")
            return LandmarkEmbedding(faces_idx.astype(np.uint32), bary, source)
    raise ValueError(f"{path}: no known landmark embedding keys (got {sorted(raw)})")


def check_embedding(embedding: Optional[LandmarkEmbedding], model: FlameModel) -> None:
    if embedding is None:
        return
    if int(embedding.faces_idx.max()) >= model.faces.shape[0]:
        raise ValueError("landmark embedding refers to faces beyond the FLAME mesh")


@dataclass
class MediapipeEmbedding:
    """FLAME's `mediapipe_landmark_embedding.npz`: MediaPipe face-mesh points `landmark_indices` (L,)
    lying on FLAME faces `lmk_face_idx` (L,) at barycentric `lmk_b_coords` (L, 3)."""

    faces_idx: np.ndarray
    bary_coords: np.ndarray
    mediapipe_indices: np.ndarray


def load_mediapipe_embedding(path: str | Path) -> MediapipeEmbedding:
    with np.load(path, allow_pickle=False) as raw:
        missing = [k for k in ("lmk_face_idx", "lmk_b_coords", "landmark_indices") if k not in raw.files]
        if missing:
            raise ValueError(f"{path}: not a MediaPipe landmark embedding, missing {missing}")
        faces = raw["lmk_face_idx"].reshape(-1).astype(np.uint32)
        bary = raw["lmk_b_coords"].reshape(-1, 3).astype(np.float32)
        indices = raw["landmark_indices"].reshape(-1).astype(np.uint32)
    if not (faces.shape[0] == bary.shape[0] == indices.shape[0]):
        raise ValueError(f"{path}: embedding arrays disagree in length")
    if int(indices.max()) >= 478:
        raise ValueError(f"{path}: MediaPipe indices beyond the face mesh")
    return MediapipeEmbedding(faces, bary, indices)


@dataclass(frozen=True)
class UvTemplate:
    """FLAME's UV layout from its head_template.obj: `uv_coords` T×2 (OBJ convention, v up) and
    `uv_faces` F×3, the UV corners of each FLAME triangle (the OBJ's faces are FLAME's, in order)."""

    uv_coords: np.ndarray
    uv_faces: np.ndarray


def load_uv_template(path: str | Path, faces: np.ndarray) -> UvTemplate:
    """Reads `vt` and the `f v/vt …` triangles of FLAME's head_template.obj; its triangles must be
    FLAME's own (`faces`), in the same order, or the UVs would land on other triangles."""
    coords: list[list[float]] = []
    tri_v: list[list[int]] = []
    tri_vt: list[list[int]] = []
    for line in open(path, encoding="utf-8", errors="replace"):
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "vt":
            coords.append([float(parts[1]), float(parts[2])])
        elif parts[0] == "f":
            corners = [p.split("/") for p in parts[1:]]
            if len(corners) != 3 or any(len(c) < 2 or not c[1] for c in corners):
                raise ValueError(f"{path}: faces must be triangles with UV indices (f v/vt v/vt v/vt)")
            tri_v.append([int(c[0]) - 1 for c in corners])
            tri_vt.append([int(c[1]) - 1 for c in corners])
    uv_coords = np.asarray(coords, dtype=np.float32).reshape(-1, 2)
    uv_faces = np.asarray(tri_vt, dtype=np.uint32).reshape(-1, 3)
    if not np.array_equal(np.asarray(tri_v, dtype=np.int64).reshape(-1, 3), faces.astype(np.int64)):
        raise ValueError(f"{path}: its triangles are not the FLAME model's (another FLAME version?)")
    if uv_faces.size == 0 or int(uv_faces.max()) >= uv_coords.shape[0]:
        raise ValueError(f"{path}: UV indices beyond its vt list")
    return UvTemplate(uv_coords, uv_faces)
