"""The multi-view diffusion backbone (training/mvdiffusion/{unet,attention,vae,image_encoder}.py):
parameter layout against the parents' official key lists, multi-view attention semantics,
output shapes of the tiny presets, and an ONNX export of the tiny UNet.

Beyond these tests (checked once, with the official classes on torch 2.11): loading the official
SyncDreamer DepthWiseAttention / ldm Encoder+Decoder / CLIP VisionTransformer weights into ours
(small same-structure configs, random weights) gives the same outputs to ~1e-6."""

import contextlib
import inspect
import io
import json
from pathlib import Path

import pytest
import torch
from torch import nn

from mvdiffusion import image_encoder, unet, vae
from mvdiffusion.attention import BasicTransformerBlock

OFFICIAL_KEYS = Path(__file__).resolve().parents[1] / "fixtures" / "official_keys"
torch.set_num_threads(2)


@contextlib.contextmanager
def skipped_layer_init():
    """torch 1.13 has no meta-device context: skip the layers' random initialisation instead, so
    torch.empty's pages stay untouched (only the few zero-initialised layers are written)."""
    layers = (nn.Linear, nn.modules.conv._ConvNd, nn.GroupNorm, nn.LayerNorm)
    saved = [layer.reset_parameters for layer in layers]
    saved_init = nn.init.normal_, nn.init.xavier_uniform_
    try:
        for layer in layers:
            layer.reset_parameters = lambda self: None
        nn.init.normal_ = nn.init.xavier_uniform_ = lambda tensor, *a, **k: tensor
        yield
    finally:
        for layer, reset in zip(layers, saved):
            layer.reset_parameters = reset
        nn.init.normal_, nn.init.xavier_uniform_ = saved_init


@contextlib.contextmanager
def no_memory_parameters():
    """Build a model without allocating its weights: on the meta device where torch can (≥ 2.0)."""
    if hasattr(torch.device("meta"), "__enter__"):
        with torch.device("meta"):
            yield
    else:
        with skipped_layer_init():
            yield


def shapes(module: nn.Module) -> dict:
    return {k: list(v.shape) for k, v in module.state_dict().items()}


def assert_same_layout(ours: dict, fixture: str):
    official = json.loads((OFFICIAL_KEYS / fixture).read_text())
    keys = official["keys"]
    assert sorted(set(keys) - set(ours)) == [], "keys missing from ours"
    assert sorted(set(ours) - set(keys)) == [], "keys the official model does not have"
    assert {k: s for k, s in ours.items() if keys[k] != s} == {}, "shape mismatches"
    return official


def test_full_unet_layout_equals_syncdreamer():
    with no_memory_parameters():
        model = unet.UNetModel(unet.FULL)
    official = assert_same_layout(shapes(model), "syncdreamer_unet.json")
    depth = [n for n in official["keys"] if "conditions" in n]
    assert len(official["keys"]) - len(depth) == 686 and len(depth) == 170
    counts = [sum(p.numel() for n, p in model.named_parameters() if ("conditions" in n) == is_depth)
              for is_depth in (False, True)]
    assert counts == [859_532_484, 57_321_472]


def test_full_vae_layout_equals_stable_diffusion():
    with no_memory_parameters():
        model = vae.AutoencoderKL(vae.FULL)
    assert_same_layout(shapes(model), "sd_vae.json")
    assert sum(p.numel() for p in model.parameters()) == 83_653_863
    with skipped_layer_init():  # the torch-1.13 path, exercised on any version
        assert_same_layout(shapes(vae.AutoencoderKL(vae.FULL)), "sd_vae.json")


def test_clip_layout_equals_openai_vit_l14():
    with no_memory_parameters():
        model = image_encoder.ClipVisionEncoder(image_encoder.CLIP_VIT_L14)
    assert_same_layout(shapes(model), "clip_vit_l14_visual.json")


def randomised(module: nn.Module, seed: int = 0) -> nn.Module:
    """Random weights everywhere: the zero-initialised output convs would hide the attention."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) * 0.2)
    return module.eval()


def tiny_inputs(batch: int, config=unet.TINY, size: int = 8, seed: int = 1):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, config.in_channels, size, size, generator=g)
    t = torch.linspace(1.0, 981.0, batch)
    context = torch.randn(batch, 1, config.context_dim, generator=g)
    frustum = {size >> level: torch.randn(batch, dim, 8 >> level, size >> level, size >> level, generator=g)
               for level, dim in enumerate(config.volume_dims)}
    return x, t, context, frustum


def test_tiny_unet_output_shape_and_frustum_forms():
    model = randomised(unet.UNetModel(unet.TINY))
    x, t, context, frustum = tiny_inputs(4)
    with torch.no_grad():
        by_width = model(x, t, context, frustum, group_size=2)
        by_level = model(x, t, context, [frustum[w] for w in sorted(frustum, reverse=True)], group_size=2)
        without = model(x, t, context, None, group_size=2)
    assert by_width.shape == (4, 4, 8, 8)
    assert torch.equal(by_width, by_level)
    assert not torch.allclose(by_width, without)  # the depth attention does something
    # every injection point of the tiny preset is used: middle + all output blocks but the coarsest level's
    assert len(model.output_conditions) == (len(unet.TINY.channel_mult) - 1) * (unet.TINY.num_res_blocks + 1)


def test_multiview_attention_only_acts_on_groups():
    multiview = randomised(unet.UNetModel(unet.TINY))
    per_image = unet.UNetModel(unet.unet_config("tiny", multiview_attention=False)).eval()
    per_image.load_state_dict(multiview.state_dict())
    x, t, context, frustum = tiny_inputs(6)
    with torch.no_grad():
        plain = per_image(x, t, context, frustum)
        assert torch.allclose(multiview(x, t, context, frustum), plain, atol=1e-5)
        assert torch.allclose(multiview(x, t, context, frustum, group_size=1), plain, atol=1e-5)
        assert torch.allclose(per_image(x, t, context, frustum, group_size=3), plain, atol=1e-5)
        grouped = multiview(x, t, context, frustum, group_size=3)
        assert not torch.allclose(grouped, plain, atol=1e-3)
        # groups are independent: changing element 0 leaves the second group (elements 3-5) alone
        x2 = x.clone()
        x2[0] += 1.0
        moved = multiview(x2, t, context, frustum, group_size=3)
    assert torch.allclose(moved[3:], grouped[3:], atol=1e-5)
    assert not torch.allclose(moved[1:3], grouped[1:3], atol=1e-3)


def test_multiview_block_is_attention_over_the_concatenated_group():
    block = randomised(BasicTransformerBlock(16, 2, 8, context_dim=12, multiview=True))
    plain = BasicTransformerBlock(16, 2, 8, context_dim=12, multiview=False).eval()
    plain.load_state_dict(block.state_dict())
    tokens = torch.randn(6, 5, 16)
    context = torch.randn(1, 1, 12).expand(6, 1, 12)  # the same context row, so rows can be regrouped
    with torch.no_grad():
        grouped = block(tokens, context, group_size=3)
        concatenated = plain(tokens.reshape(2, 15, 16), context[:2], None).reshape(6, 5, 16)
    assert torch.allclose(grouped, concatenated, atol=1e-5)


def test_tiny_vae_shapes():
    model = randomised(vae.AutoencoderKL(vae.TINY))
    image = torch.rand(2, 3, 16, 16) * 2 - 1
    with torch.no_grad():
        latent = model.encode_mean(image)
        mean, logvar = model.encode_moments(image)
        decoded = model.decode(latent)
    assert latent.shape == (2, 4, 8, 8) and torch.equal(latent, mean) and logvar.shape == mean.shape
    assert decoded.shape == (2, 3, 16, 16)


def test_image_encoders_shapes():
    clip = randomised(image_encoder.ClipVisionEncoder(image_encoder.CLIP_TINY))
    prepared = image_encoder.clip_preprocess(torch.rand(2, 3, 40, 40) * 2 - 1, size=32)
    assert prepared.shape == (2, 3, 32, 32)
    white = image_encoder.clip_preprocess(torch.ones(1, 3, 8, 8), size=4)
    expected = (1 - torch.tensor(image_encoder.CLIP_MEAN)) / torch.tensor(image_encoder.CLIP_STD)
    assert torch.allclose(white[0, :, 0, 0], expected)
    with torch.no_grad():
        assert clip(prepared).shape == (2, 16)
    small = randomised(image_encoder.SmallImageEncoder(image_encoder.TINY_IMAGE_ENCODER))
    with torch.no_grad():
        assert small(torch.rand(3, 3, 32, 32)).shape == (3, 32)


class TinyUNetGraph(nn.Module):
    """The engine's unet.onnx interface: x_t and concat separate, frustum per level, groups of 2."""

    def __init__(self, model: unet.UNetModel):
        super().__init__()
        self.model = model

    def forward(self, x_t, concat, timestep, context, frustum_0, frustum_1, frustum_2):
        x = torch.cat([x_t, concat], dim=1)
        return self.model(x, timestep, context, [frustum_0, frustum_1, frustum_2], group_size=2)


def test_tiny_unet_exports_to_onnx_with_dynamic_batch():
    onnx = pytest.importorskip("onnx")
    graph = TinyUNetGraph(randomised(unet.UNetModel(unet.TINY)))
    x, t, context, frustum = tiny_inputs(4)
    args = (x[:, :4], x[:, 4:], t, context, frustum[8], frustum[4], frustum[2])
    names = ["x_t", "concat", "timestep", "context", "frustum_0", "frustum_1", "frustum_2"]
    options = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        options["dynamo"] = False  # the TorchScript exporter, as on torch 1.13
    buffer = io.BytesIO()
    torch.onnx.export(graph, args, buffer, input_names=names, output_names=["eps"], opset_version=17,
                      dynamic_axes={n: {0: "batch"} for n in names + ["eps"]}, **options)
    model = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(model)
    batch_dims = [i.type.tensor_type.shape.dim[0] for i in model.graph.input]
    assert all(d.dim_param for d in batch_dims), "batch dimension must stay dynamic"
