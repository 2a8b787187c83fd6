"""FLAME's UV template (head_template.obj) into a pack: vt and the v/vt triangles, checked against FLAME's faces."""
import json

import numpy as np
import pytest

from fixtures.random_flame import random_flame_arrays, write_flame_npz
from flame.flame_io import load_uv_template
from flame_pack import FlameSources, add_flame_arrays
from packs.pack_writer import PackWriter


def write_template_obj(path, arrays, seed=1):
    """An OBJ laid out as FLAME's head_template.obj: v, vt, then `f v/vt` triangles in FLAME's order."""
    rng = np.random.default_rng(seed)
    faces = arrays["f"].astype(np.int64)
    n_vt = 5118  # FLAME's template has more UV corners than vertices (seams)
    uv = rng.uniform(0, 1, size=(n_vt, 2))
    uv_faces = rng.integers(0, n_vt, size=faces.shape)
    with open(path, "w") as f:
        for v in arrays["v_template"]:
            f.write(f"v {v[0]:.6f} {v[1]:.6f} {v[2]:.6f}\n")
        for t in uv:
            f.write(f"vt {t[0]:.6f} {t[1]:.6f}\n")
        for tri, tv in zip(faces, uv_faces):
            f.write("f " + " ".join(f"{a + 1}/{b + 1}" for a, b in zip(tri, tv)) + "\n")
    return uv.astype(np.float32), uv_faces.astype(np.uint32)


def test_uv_template_is_read_and_written_to_the_pack(tmp_path):
    arrays = random_flame_arrays(seed=0)
    write_flame_npz(arrays, tmp_path / "generic_model.npz")
    uv, uv_faces = write_template_obj(tmp_path / "head_template.obj", arrays)
    loaded = load_uv_template(tmp_path / "head_template.obj", arrays["f"])
    np.testing.assert_allclose(loaded.uv_coords, uv, atol=1e-6)
    np.testing.assert_array_equal(loaded.uv_faces, uv_faces)

    writer = PackWriter(tmp_path / "pack", pack_id="test-flame-uv", kind="estimator", version="1", license="test")
    add_flame_arrays(writer, FlameSources(str(tmp_path / "generic_model.npz"), uv_template=str(tmp_path / "head_template.obj")))
    writer.finish()
    manifest = json.loads((tmp_path / "pack" / "manifest.json").read_text())
    assert manifest["arrays"]["flame.uv_coords"]["shape"] == [5118, 2]
    assert manifest["arrays"]["flame.uv_faces"]["shape"] == [9976, 3]


def test_a_template_of_another_flame_is_refused(tmp_path):
    arrays = random_flame_arrays(seed=0)
    write_template_obj(tmp_path / "head_template.obj", arrays)
    other = random_flame_arrays(seed=5)["f"]
    with pytest.raises(ValueError, match="not the FLAME model's"):
        load_uv_template(tmp_path / "head_template.obj", other)
