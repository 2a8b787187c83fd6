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
    assert "Encoder_fc3_dropout/fc3/weights" in names and "mean_param" in names
    loaded = load_ringnet_checkpoint(str(tmp_path / "vars.npz"))
    x = torch.rand(1, 224, 224, 3) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), net(x))
    assert net(x).shape == (1, RINGNET_PARAMS) == (1, 159)


def test_ringnet_missing_variables_are_named(tmp_path):
    np.savez(tmp_path / "bad.npz", **{"resnet_v2_50/conv1/weights": np.zeros((7, 7, 3, 64), np.float32)})
    with pytest.raises(KeyError, match="not found"):
        load_ringnet_checkpoint(str(tmp_path / "bad.npz"))


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
