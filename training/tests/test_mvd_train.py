"""A few training steps on one fixed synthetic example lower the ε loss (tiny config, CPU)."""
import torch

from mvdiffusion.config import preset
from mvdiffusion.head_mesh import head_vertices_volume_frame, synthetic_vertex_colour
from mvdiffusion.rig import make_rig, view_embeddings
from mvdiffusion.train import DropScheme, train_steps

torch.set_num_threads(2)


def synthetic_batch():
    g = torch.Generator().manual_seed(3)
    verts = torch.from_numpy(head_vertices_volume_frame()[::8].copy())
    return {
        "target_latents": torch.randn(16, 4, 8, 8, generator=g) * 0.5,
        "input_image": torch.rand(1, 3, 16, 16, generator=g) * 2 - 1,
        "condition_image": torch.rand(1, 3, 32, 32, generator=g) * 2 - 1,
        "view_embed": torch.from_numpy(view_embeddings(make_rig("head360"))),
        "mesh_vertices": verts,
        "mesh_colour": torch.from_numpy(synthetic_vertex_colour(verts.numpy())),
    }


def test_training_steps_lower_the_loss():
    batch = synthetic_batch()
    _, losses = train_steps(preset("tiny"), lambda: batch, 4, 1e-3, fixed_noise=True, t=500)
    assert losses[-1] < losses[0] * 0.97, losses


def test_drop_scheme_bands():
    d = DropScheme()
    assert d.draw(0.01) == {"clip": True, "volume": True, "concat": True}
    assert d.draw(0.07) == {"clip": False, "volume": False, "concat": True}
    assert d.draw(0.12) == {"clip": False, "volume": True, "concat": False}
    assert d.draw(0.17) == {"clip": True, "volume": False, "concat": False}
    assert d.draw(0.5) == {"clip": False, "volume": False, "concat": False}
