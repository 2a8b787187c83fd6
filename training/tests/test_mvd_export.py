"""The five graphs of the tiny model: PyTorch output shapes, ONNX export with the contract's I/O
names (onnx.checker on every file), the manifest's fields."""
import json

import onnx
import pytest
import torch

from mvdiffusion.config import preset
from mvdiffusion.export import GRAPHS, build_model, example_inputs, export_pack, graph_module, graph_specs
from mvdiffusion.portable_ops import ConvTranspose3dAsConv

torch.set_num_threads(2)


@pytest.fixture(scope="module")
def tiny():
    return build_model(preset("tiny"), None, 0)


def test_every_graph_has_the_contract_shapes(tiny):
    specs = graph_specs(tiny.cfg)
    assert list(specs) == list(GRAPHS)
    for name, (ins, outs) in specs.items():
        with torch.no_grad():
            got = graph_module(tiny, name)(*example_inputs(ins))
        got = got if isinstance(got, tuple) else (got,)
        assert len(got) == len(outs), name
        for tensor, spec in zip(got, outs):
            expected = [d if d >= 0 else tensor.shape[i] for i, d in enumerate(spec["shape"])]
            assert list(tensor.shape) == expected, (name, spec["name"])
    assert [s["name"] for s in specs["volume"][0]] == ["x_t", "timestep", "view_embed", "mesh_vertices", "mesh_colour"]
    assert [s["shape"] for s in specs["volume"][1]] == [[16, 8, 8, 8, 8], [16, 8, 4, 4, 4], [16, 16, 2, 2, 2], [16, 16, 1, 1, 1]]


def test_unet_groups_are_independent(tiny):
    """Multi-view attention stays inside a group of K+1 elements: a batch of two groups gives the
    same eps as each group alone (so the engine may split batches at group boundaries)."""
    ins = graph_specs(tiny.cfg)["unet"][0]
    args = example_inputs(ins)  # batch 10 = two groups of 5
    unet = graph_module(tiny, "unet")
    with torch.no_grad():
        both = unet(*args)
        first = unet(*[a[:5] for a in args])
    assert torch.allclose(both[:5], first, atol=1e-5)


def test_tiny_export_passes_the_checker_with_the_contract_names(tiny, tmp_path):
    manifest_path = export_pack(tiny, tmp_path / "pack")
    manifest = json.loads(manifest_path.read_text())
    specs = graph_specs(tiny.cfg)
    for name in GRAPHS:
        path = tmp_path / "pack" / f"{name}.onnx"
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
        assert model.opset_import[0].version == 17
        assert [i.name for i in model.graph.input] == [s["name"] for s in specs[name][0]]
        assert [o.name for o in model.graph.output] == [s["name"] for s in specs[name][1]]
        assert manifest["networks"][name]["file"] == f"{name}.onnx"
        assert not any(n.op_type == "GridSample" and name != "volume" for n in model.graph.node)
    volume_ops = {n.op_type for n in onnx.load(str(tmp_path / "pack" / "volume.onnx")).graph.node}
    assert {"ScatterElements", "Gather", "Floor", "GridSample"} <= volume_ops
    assert "ConvTranspose" not in volume_ops  # WebGPU runs no 3-D ConvTranspose (portable_ops.py)
    assert any(k.endswith("conv.weight") and "up" in k for k in tiny.state_dict())  # swap undone
    assert manifest["networks"]["unet"]["inputs"][0]["shape"] == [-1, 4, 8, 8]
    assert manifest["kind"] == "generate" and manifest["role"] == "multiview-diffusion"
    assert manifest["license"] == "random weights (test pack), Apache-2.0"
    assert manifest["resolution"] == 16 and manifest["rig"]["name"] == "head360"
    assert manifest["rig"]["groups"][0] == [0, 1, 2, 3] and manifest["rig"]["fx"] == 17.5
    d = manifest["diffusion"]
    assert d["config"] == "tiny" and d["views"] == 16 and d["latent"] == {"channels": 4, "size": 8, "scale": 0.18215}
    assert d["schedule"] == {"betaStart": 0.00085, "betaEnd": 0.012, "trainSteps": 1000, "beta": "scaled-linear", "prediction": "eps"}
    assert d["sampler"] == {"steps": 50, "eta": 1.0, "guidance": 2.0}
    assert d["inputElement"] is True and d["meshPhotoFeatures"] is True and d["dtype"] == "float32"
    assert d["meshGrid"] == {"dims": [16, 16, 16], "voxel": 0.0625} and d["conditionResolution"] == 32
    assert {f["path"] for f in manifest["files"]} == {f"{n}.onnx" for n in GRAPHS}


def test_fp16_weights_keep_float32_io(tiny, tmp_path):
    from mvdiffusion.export import export_graph, to_fp16_weights

    ins, outs = graph_specs(tiny.cfg)["vae_decoder"]
    model = to_fp16_weights(export_graph(graph_module(tiny, "vae_decoder"), example_inputs(ins), ins, outs,
                                         tmp_path / "vae_decoder.onnx"))
    onnx.checker.check_model(model)
    halves = [i for i in model.graph.initializer if i.data_type == onnx.TensorProto.FLOAT16]
    assert len(halves) > 10 and all(i.name.endswith("__fp16") for i in halves)
    casts = [n for n in model.graph.node if n.op_type == "Cast" and n.input[0].endswith("__fp16")]
    assert len(casts) == len(halves)
    assert {v.type.tensor_type.elem_type for v in list(model.graph.input) + list(model.graph.output)} == {onnx.TensorProto.FLOAT}


def test_large_graphs_use_external_data(tiny, tmp_path, monkeypatch):
    """Above the 2 GB limit (lowered here) a graph goes to `<name>.onnx` + `<name>.onnx.data`."""
    import mvdiffusion.export as export

    ins, outs = graph_specs(tiny.cfg)["vae_decoder"]
    model = export.export_graph(graph_module(tiny, "vae_decoder"), example_inputs(ins), ins, outs, tmp_path / "vae_decoder.onnx")
    monkeypatch.setattr(export, "TWO_GB", 64 << 20)  # below the 64 MB margin: every graph counts as large
    files = export.save_model(model, tmp_path / "vae_decoder.onnx")
    assert [f.name for f in files] == ["vae_decoder.onnx", "vae_decoder.onnx.data"]
    assert (tmp_path / "vae_decoder.onnx.data").stat().st_size > 10_000
    reloaded = onnx.load(str(tmp_path / "vae_decoder.onnx"))
    assert len(reloaded.graph.initializer) == len(model.graph.initializer)


@pytest.mark.parametrize("kernel,stride,padding,output_padding", [(3, 2, 1, 1), (3, 1, 1, 0), (4, 2, 1, 0)])
def test_conv_transpose_3d_as_conv_is_the_same_sum(kernel, stride, padding, output_padding):
    torch.manual_seed(0)
    convt = torch.nn.ConvTranspose3d(5, 7, kernel, stride=stride, padding=padding, output_padding=output_padding)
    x = torch.randn(2, 5, 4, 3, 6)
    with torch.no_grad():
        assert torch.allclose(ConvTranspose3dAsConv(convt)(x), convt(x), atol=1e-5)
