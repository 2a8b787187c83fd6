"""FLAME loading (chumpy-free .pkl, .npz, sparse J_regressor without scipy) and the PyTorch layer."""
import math
import pickle

import numpy as np
import pytest
import torch

from fixtures.random_flame import random_flame_arrays, random_landmark_embeddings, write_flame_npz, write_flame_pkl
from flame.flame_io import _SparseStandIn, load_flame, load_landmark_embedding
from flame.flame_layer import FlameLayer, rodrigues


@pytest.fixture(scope="module")
def flame_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("flame")
    arrays = random_flame_arrays(seed=0)
    write_flame_pkl(arrays, d / "generic_model.pkl")
    write_flame_npz(arrays, d / "generic_model.npz")
    return d, arrays, random_landmark_embeddings(d)


def test_pkl_loads_without_chumpy_and_matches_npz(flame_files):
    d, arrays, _ = flame_files
    import sys

    assert "chumpy" not in sys.modules
    a, b = load_flame(d / "generic_model.pkl"), load_flame(d / "generic_model.npz")
    assert a.v_template.shape == (5023, 3) and a.shapedirs.shape == (5023, 3, 400)
    assert a.posedirs.shape == (5023, 3, 36) and a.J_regressor.shape == (5, 5023)
    assert a.weights.shape == (5023, 5) and a.faces.shape == (9976, 3)
    assert list(a.parents) == [-1, 0, 1, 1, 1]
    assert (a.n_shape, a.n_expression) == (300, 100)
    for key in ("v_template", "shapedirs", "posedirs", "J_regressor", "weights"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))


def test_sparse_stand_in_reads_csc_state():
    dense = np.array([[0, 2.0, 0], [1.0, 0, 3.0]])
    import scipy.sparse

    m = scipy.sparse.csc_matrix(dense)
    stand_in = _SparseStandIn()
    stand_in.__setstate__({"data": m.data, "indices": m.indices, "indptr": m.indptr, "_shape": m.shape, "format": "csc"})
    np.testing.assert_array_equal(stand_in.to_array(), dense)


def test_not_a_flame_file_is_refused(tmp_path):
    path = tmp_path / "other.pkl"
    path.write_bytes(pickle.dumps({"v_template": np.zeros((3, 3))}))
    with pytest.raises(ValueError, match="missing keys"):
        load_flame(path)


def test_landmark_embeddings(flame_files):
    _, _, emb = flame_files
    deca = load_landmark_embedding(emb["deca"])
    assert deca.source == "full-68" and deca.faces_idx.shape == (68,) and deca.bary_coords.shape == (68, 3)
    ring = load_landmark_embedding(emb["ringnet"])
    assert ring.source == "static-51" and ring.faces_idx.shape == (51,)


def test_rest_pose_is_the_shaped_template_and_global_rotation_turns_about_the_root(flame_files):
    d, _, _ = flame_files
    model = load_flame(d / "generic_model.npz")
    layer = FlameLayer(model)
    shape = torch.randn(1, 100)
    rest = layer(shape, torch.zeros(1, 50), torch.zeros(1, 15))
    expected = torch.from_numpy(model.v_template) + torch.einsum("vck,k->vc", torch.from_numpy(model.shapedirs[:, :, :100]), shape[0])
    torch.testing.assert_close(rest[0], expected, atol=1e-6, rtol=0)

    pose = torch.zeros(1, 15)
    pose[0, 1] = math.pi / 2
    turned = layer(shape, torch.zeros(1, 50), pose)[0]
    root = torch.from_numpy(model.J_regressor) @ expected
    R = rodrigues(pose[:, :3])[0]
    torch.testing.assert_close(turned, (rest[0] - root[0]) @ R.T + root[0], atol=1e-5, rtol=0)


def test_rodrigues_is_a_rotation():
    R = rodrigues(torch.tensor([[0.3, -1.2, 2.0], [0.0, 0.0, 0.0]]))
    torch.testing.assert_close(R @ R.transpose(1, 2), torch.eye(3).expand(2, 3, 3), atol=1e-6, rtol=0)
