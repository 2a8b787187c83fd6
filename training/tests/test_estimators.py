"""Official input/output shapes, checkpoint layouts and the pack writer."""
import json

import numpy as np
import pytest
import torch

from estimators.deca import N_PARAMS as DECA_PARAMS
from estimators.deca import PARAM_LAYOUT as DECA_LAYOUT
from estimators.deca import DecaCoarseEncoder, load_deca_checkpoint
from estimators.mica import MicaShapeRegressor, load_mica_checkpoint
from estimators.param_layout import split_params
from estimators.resnet_v2 import ResNetV2_50
from estimators.ringnet import N_PARAMS as RINGNET_PARAMS
from estimators.ringnet import RingNetRegressor, load_ringnet_checkpoint
from fixtures.ringnet_tf_layout import official_ringnet_shapes, synthetic_ringnet_checkpoint
from fixtures.random_nets import random_ringnet, save_deca_checkpoint, save_mica_checkpoint, save_ringnet_variables
from packs.pack_writer import PackWriter, sha256_of

torch.set_num_threads(2)


def test_deca_checkpoint_round_trip_and_layout(tmp_path):
    net = DecaCoarseEncoder().eval()
    save_deca_checkpoint(net, tmp_path / "deca_model.tar")
    loaded = load_deca_checkpoint(str(tmp_path / "deca_model.tar"))
    x = torch.rand(1, 3, 224, 224)
    with torch.no_grad():
        out = loaded(x)
        torch.testing.assert_close(out, net(x))
    assert out.shape == (1, DECA_PARAMS) == (1, 236)
    assert {k: v.shape[1] for k, v in split_params(out, DECA_LAYOUT).items()} == {"shape": 100, "tex": 50, "exp": 50, "pose": 6, "cam": 3, "light": 27}
    assert any(k.startswith("encoder.layer4.2.conv3") for k in net.state_dict()), "torchvision-style names (DECA's checkpoint)"


def test_ringnet_tf_variables_round_trip(tmp_path):
    net = random_ringnet()
    save_ringnet_variables(net, tmp_path / "vars.npz")
    names = set(np.load(tmp_path / "vars.npz").files)
    assert "resnet_v2_50/block1/unit_3/bottleneck_v2/conv2/weights" in names
    assert "resnet_v2_50/block1/unit_1/bottleneck_v2/shortcut/biases" in names
    assert "3D_module/fc3/weights" in names and "mean_param" in names
    loaded = load_ringnet_checkpoint(str(tmp_path / "vars.npz"))
    x = torch.rand(1, 224, 224, 3) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), net(x))
    assert net(x).shape == (1, RINGNET_PARAMS) == (1, 159)


def test_ringnet_missing_variables_are_named(tmp_path):
    np.savez(tmp_path / "bad.npz", **{"resnet_v2_50/conv1/weights": np.zeros((7, 7, 3, 64), np.float32)})
    with pytest.raises(KeyError, match="not found"):
        load_ringnet_checkpoint(str(tmp_path / "bad.npz"))


def test_ringnet_converter_reads_the_published_checkpoint_layout(tmp_path):
    """A synthetic `ring_6_68641` (official names and shapes, Adam slots, beta powers, global step)."""
    ckpt = synthetic_ringnet_checkpoint(seed=1)
    np.savez(tmp_path / "ring_6_68641.npz", **ckpt)
    net = load_ringnet_checkpoint(str(tmp_path / "ring_6_68641.npz"))
    tf_names = net.tf_variable_map()
    model_vars = official_ringnet_shapes()
    # every model variable of the checkpoint is used, and nothing else (optimizer state is skipped)
    assert sorted(tf_names.values()) == sorted(model_vars), set(tf_names.values()) ^ set(model_vars)
    assert len(model_vars) == 277  # conv1 2 + 16 units × 16 + 4 shortcuts × 2 + postnorm 4 + fc 6 + mean_param
    state = net.state_dict()
    # values land where they belong, in PyTorch's layouts (conv HWIO → OIHW, dense (in, out) → (out, in))
    np.testing.assert_array_equal(state["encoder.conv1.weight"].numpy(), ckpt["resnet_v2_50/conv1/weights"].transpose(3, 2, 0, 1))
    np.testing.assert_array_equal(state["fc1.weight"].numpy(), ckpt["3D_module/fc1/weights"].T)
    unit = "resnet_v2_50/block4/unit_3/bottleneck_v2"
    np.testing.assert_array_equal(state["encoder.units.15.bn2.running_var"].numpy(), ckpt[f"{unit}/conv2/BatchNorm/moving_variance"])
    np.testing.assert_array_equal(state["mean_param"].numpy(), ckpt["mean_param"])
    # the regressor starts from mean_param: with fc3 zeroed the output is mean_param exactly
    with torch.no_grad():
        net.fc3.weight.zero_()
        net.fc3.bias.zero_()
        x = torch.rand(1, 224, 224, 3) * 2 - 1
        out = net(x)
    assert out.shape == (1, 159) and torch.isfinite(out).all()
    torch.testing.assert_close(out, torch.from_numpy(ckpt["mean_param"]))


def test_ringnet_converter_tolerates_an_outer_scope_and_refuses_a_transposed_dense(tmp_path):
    ckpt = synthetic_ringnet_checkpoint(seed=2)
    scoped = {("ringnet/" + k if "/" in k or k == "mean_param" else k): v for k, v in ckpt.items()}
    np.savez(tmp_path / "scoped.npz", **scoped)
    load_ringnet_checkpoint(str(tmp_path / "scoped.npz"))
    bad = dict(ckpt)
    bad["3D_module/fc2/weights"] = np.ascontiguousarray(bad["3D_module/fc2/weights"][:, :1000])
    np.savez(tmp_path / "bad_shape.npz", **bad)
    with pytest.raises(ValueError, match="3D_module/fc2/weights"):
        load_ringnet_checkpoint(str(tmp_path / "bad_shape.npz"))


def test_slim_resnet_v2_strides_sit_on_the_last_unit():
    net = ResNetV2_50()
    strides = [u.stride for u in net.units]
    assert strides == [1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 1, 2, 1, 1, 1]
    assert net(torch.rand(1, 3, 224, 224)).shape == (1, 2048)


def test_mica_checkpoint_layout_and_shapes(tmp_path):
    small = (1, 1, 1, 1)  # the test only needs the layout; the full iResNet-100 runs in tests/adapters
    net = MicaShapeRegressor(small).eval()
    save_mica_checkpoint(net, tmp_path / "mica.tar", np.zeros((5023, 3), np.float32))
    loaded = load_mica_checkpoint(str(tmp_path / "mica.tar"), small)
    x = torch.rand(1, 3, 112, 112) * 2 - 1
    with torch.no_grad():
        shape, identity = loaded(x)
        torch.testing.assert_close(shape, net(x)[0])
    assert shape.shape == (1, 300) and identity.shape == (1, 512)
    torch.testing.assert_close(identity.norm(dim=1), torch.ones(1))


def test_pack_writer_lists_every_file_with_sha(tmp_path):
    w = PackWriter(tmp_path / "pack", "demo", "estimate", "1.0.0", "test")
    w.add_array("flame.faces", np.arange(6, dtype=np.uint32).reshape(2, 3))
    manifest = json.loads(w.finish().read_text())
    [entry] = manifest["files"]
    assert entry == {"path": "flame/faces.bin", "bytes": 24, "sha256": sha256_of(tmp_path / "pack" / "flame" / "faces.bin")}
    assert manifest["arrays"]["flame.faces"] == {"file": "flame/faces.bin", "dtype": "uint32", "shape": [2, 3]}
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        PackWriter(tmp_path / "other", "demo", "estimate", "1.0.0", "test")
