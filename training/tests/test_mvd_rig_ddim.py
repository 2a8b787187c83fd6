"""Rigs of the contract and the DDIM schedule."""
import math

import numpy as np
import pytest

from mvdiffusion.ddim import alphas_cumprod, ddim_schedule
from mvdiffusion.rig import camera_centre, make_rig, manifest_rig, rig_cameras, view_embeddings


@pytest.mark.parametrize("name", ["head360", "ring30", "face180"])
def test_rig_cameras_look_at_the_origin(name):
    rig = make_rig(name)
    K, R, t = rig_cameras(rig, 256)
    assert K.shape == (16, 3, 3) and np.allclose(K[0], [[280, 0, 128], [0, 280, 128], [0, 0, 1]])
    for k in range(rig.views):
        assert np.allclose(R[k] @ R[k].T, np.eye(3), atol=1e-12) and np.isclose(np.linalg.det(R[k]), 1)
        assert np.allclose(R[k] @ np.zeros(3) + t[k], [0, 0, rig.distance])  # the origin on the optical axis
        centre = -R[k].T @ t[k]
        assert np.allclose(centre, camera_centre(rig.azimuths[k], rig.elevations[k], rig.distance))
        assert R[k][1] @ np.array([0, 1, 0]) < 0  # image y points down the world's up


def test_rig_angles_and_groups():
    head = make_rig("head360")
    assert head.azimuths[:3] == (0.0, 22.5, 45.0) and head.elevations[:2] == (20.0, -5.0)
    assert [list(g) for g in head.groups] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]
    assert make_rig("ring30").elevations == (30.0,) * 16
    face = make_rig("face180")
    assert face.azimuths[0] == -90 and face.azimuths[-1] == 90 and np.isclose(face.azimuths[1] - face.azimuths[0], 12)
    # +90° azimuth looks at the head's +X side; positive elevation from above.
    assert np.allclose(camera_centre(90, 0, 1.5), [1.5, 0, 0]) and camera_centre(0, 20, 1.5)[1] > 0
    m = manifest_rig(head, 256)
    assert m["fx"] == 280 and m["cx"] == 128 and m["viewEmbedding"] == "relative" and len(m["views"]) == 16


def test_view_embeddings():
    ve = view_embeddings(make_rig("head360"), input_elevation_deg=10)
    assert ve.shape == (17, 4) and np.allclose(ve[16], [0, 0, 1, 0])
    assert np.allclose(ve[0], [math.radians(10), 0, 1, 0], atol=1e-6)
    assert np.allclose(ve[4], [math.radians(10), 1, 0, 0], atol=1e-6)  # azimuth 90°
    neg = view_embeddings(make_rig("ring30"), input_elevation_deg=30)
    assert np.allclose(neg[0], [0, 0, 1, 0], atol=1e-6)
    assert np.allclose(view_embeddings(make_rig("face180"))[:, :], [[0, 0, 1, 0]] * 17)


def test_ddim_schedule_values():
    ac = alphas_cumprod()
    assert np.isclose(ac[0], 1 - 0.00085)
    betas = np.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000) ** 2
    assert np.isclose(ac[999], np.prod(1 - betas))
    assert np.isclose(ac[999], 0.0046, atol=2e-4)   # SD 1.x's final ᾱ
    s = ddim_schedule(50, 1.0)
    assert list(s.timesteps[:3]) == [1, 21, 41] and s.timesteps[-1] == 981 and len(s.timesteps) == 50
    assert np.isclose(s.alphas[0], ac[1]) and np.isclose(s.alphas_prev[0], ac[0]) and np.isclose(s.alphas_prev[10], ac[181])
    assert np.allclose(s.sigmas, np.sqrt((1 - s.alphas_prev) / (1 - s.alphas) * (1 - s.alphas / s.alphas_prev)))
    assert np.all(ddim_schedule(50, 0.0).sigmas == 0)
