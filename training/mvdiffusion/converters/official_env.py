"""Import the parents' official code (SyncDreamer, Morphable Diffusion) from a user's checkout, with tiny
stand-ins for the dependencies that are not installed here. Used by the key-list generator
(`fixtures/official_keys/make_mvd_parent_keys.py`) and by `compare_official.py`; never by the converters.

Nothing official is copied into this repository: the stand-ins are written into a temporary folder at run
time and only replace packages that fail to import. What they stand in for:
- `spconv.pytorch` (CUDA-only): a pure-PyTorch sparse tensor, SubMConv3d and strided SparseConv3d that
  follow spconv 2.x's index rules (traveller59/spconv `spconv/csrc/sparse/indices.py`: filter offset r is
  row-major over (kd, kh, kw); input = output·stride − padding + r, i.e. cross-correlation like torch;
  a SubM output exists exactly at each input site; a strided output is active when any input of its
  window is) and store weights KRSC `[out, kd, kh, kw, in]` as spconv 2.x does for 3×3×3 kernels;
- `clip`: `load()` builds ViT-L/14 from the CLIP checkout's own `clip/model.py` with random weights;
- `kornia`: `create_meshgrid`, bicubic `geometry.resize`, `enhance.normalize`;
- `pytorch_lightning`: `LightningModule` = `nn.Module`; `taming`, `trimesh`, `omegaconf` …: empty modules.
"""
from __future__ import annotations

import contextlib
import importlib
import os
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Dict, Iterator

SPCONV_STANDIN = '''
import torch
from torch import nn


class SparseConvTensor:
    def __init__(self, features, indices, spatial_shape, batch_size):
        self.features = features
        self.indices = indices.long()
        self.spatial_shape = [int(s) for s in spatial_shape]
        self.batch_size = int(batch_size)

    def replace_feature(self, features):
        return SparseConvTensor(features, self.indices, self.spatial_shape, self.batch_size)

    def dense(self):
        C = self.features.shape[1]
        out = self.features.new_zeros(self.batch_size, *self.spatial_shape, C)
        i = self.indices
        out[i[:, 0], i[:, 1], i[:, 2], i[:, 3]] = self.features
        return out.permute(0, 4, 1, 2, 3).contiguous()


def _linear(idx, shape):
    return ((idx[:, 0] * shape[0] + idx[:, 1]) * shape[1] + idx[:, 2]) * shape[2] + idx[:, 3]


class _SparseConv3dBase(nn.Module):
    subm = False

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=0, dilation=1, bias=True, indice_key=None, **_):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = kernel_size // 2 if self.subm else padding
        self.indice_key = indice_key
        self.weight = nn.Parameter(torch.randn(out_channels, kernel_size, kernel_size, kernel_size, in_channels) * 0.05)
        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None

    def forward(self, x):
        k, s, p = self.kernel_size, self.stride, self.padding
        idx = x.indices
        if self.subm:
            out_shape = list(x.spatial_shape)
            out_idx = idx
        else:
            out_shape = [(n + 2 * p - k) // s + 1 for n in x.spatial_shape]
            cands = []
            for r0 in range(k):
                for r1 in range(k):
                    for r2 in range(k):
                        o = idx[:, 1:] + p - torch.tensor([r0, r1, r2], device=idx.device)
                        ok = ((o % s) == 0).all(1)
                        o = o.div(s, rounding_mode="floor")
                        ok &= ((o >= 0) & (o < torch.tensor(out_shape, device=idx.device))).all(1)
                        cands.append(torch.cat([idx[ok, :1], o[ok]], 1))
            out_idx = torch.unique(torch.cat(cands), dim=0)
        lin_out = _linear(out_idx, out_shape)
        order = torch.argsort(lin_out)
        sorted_lin = lin_out[order]
        out = x.features.new_zeros(out_idx.shape[0], self.out_channels)
        for r0 in range(k):
            for r1 in range(k):
                for r2 in range(k):
                    # output o receives input i where i = o*s - p + r  <=>  o = (i + p - r) / s
                    o = idx[:, 1:] + p - torch.tensor([r0, r1, r2], device=idx.device)
                    ok = ((o % s) == 0).all(1)
                    o = o.div(s, rounding_mode="floor")
                    ok &= ((o >= 0) & (o < torch.tensor(out_shape, device=idx.device))).all(1)
                    if not ok.any():
                        continue
                    lin = _linear(torch.cat([idx[ok, :1], o[ok]], 1), out_shape)
                    pos = torch.searchsorted(sorted_lin, lin).clamp(max=sorted_lin.numel() - 1)
                    hit = sorted_lin[pos] == lin
                    rows = order[pos[hit]]
                    contrib = x.features[ok][hit] @ self.weight[:, r0, r1, r2, :].t()
                    out.index_add_(0, rows, contrib)
        if self.bias is not None:
            out = out + self.bias
        return SparseConvTensor(out, out_idx, out_shape, x.batch_size)


class SubMConv3d(_SparseConv3dBase):
    subm = True


class SparseConv3d(_SparseConv3dBase):
    subm = False


class SparseSequential(nn.Sequential):
    def forward(self, x):
        for m in self:
            if isinstance(m, _SparseConv3dBase):
                x = m(x)
            else:
                x = x.replace_feature(m(x.features))
        return x
'''

CLIP_STANDIN = '''
import importlib.util, os
_spec = importlib.util.spec_from_file_location("_official_clip_model", os.path.join(os.environ["OFFICIAL_CLIP_REPO"], "clip", "model.py"))
model = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(model)


def load(name=None, device="cpu", jit=False, **_):
    # ViT-L/14 as in OpenAI's ViT-L-14.pt (clip/model.py build_model reads the same numbers from the weights)
    m = model.CLIP(embed_dim=768, image_resolution=224, vision_layers=24, vision_width=1024, vision_patch_size=14,
                   context_length=77, vocab_size=49408, transformer_width=768, transformer_heads=12, transformer_layers=12)
    return m.float().eval(), None
'''

KORNIA_STANDIN = '''
import torch
import torch.nn.functional as F


def create_meshgrid(height, width, normalized_coordinates=True, device=None, dtype=torch.float32):
    xs = torch.linspace(0, width - 1, width, device=device, dtype=dtype)
    ys = torch.linspace(0, height - 1, height, device=device, dtype=dtype)
    if normalized_coordinates:
        xs = (xs / (width - 1) - 0.5) * 2
        ys = (ys / (height - 1) - 0.5) * 2
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([gx, gy], -1).unsqueeze(0)


class geometry:
    @staticmethod
    def resize(x, size, interpolation="bilinear", align_corners=None, antialias=False):
        return F.interpolate(x, size=size, mode=interpolation, align_corners=align_corners)


class enhance:
    @staticmethod
    def normalize(x, mean, std):
        return (x - mean.view(1, -1, 1, 1)) / std.view(1, -1, 1, 1)
'''

LIGHTNING_STANDIN = '''
import torch


class LightningModule(torch.nn.Module):
    @property
    def device(self):
        return next(self.parameters()).device
'''

EMPTY_STANDIN = '''
class _Anything:
    def __init__(self, *a, **k):
        pass

    def __call__(self, *a, **k):
        return _Anything()


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _Anything
'''

# package → (files relative to the stand-in root, source); only used when the real package does not import
STANDINS: Dict[str, Dict[str, str]] = {
    "spconv": {
        "spconv/__init__.py": "",
        "spconv/pytorch/__init__.py": "from .core import SparseConvTensor\nfrom .conv import SubMConv3d, SparseConv3d\nfrom .modules import SparseSequential\n",
        "spconv/pytorch/core.py": SPCONV_STANDIN,
        "spconv/pytorch/conv.py": "from .core import SubMConv3d, SparseConv3d\n",
        "spconv/pytorch/modules.py": "from .core import SparseSequential\n",
    },
    "clip": {"clip/__init__.py": CLIP_STANDIN},
    "kornia": {"kornia/__init__.py": KORNIA_STANDIN, "kornia/augmentation.py": EMPTY_STANDIN},
    "pytorch_lightning": {"pytorch_lightning/__init__.py": LIGHTNING_STANDIN},
    "taming": {
        "taming/__init__.py": "",
        "taming/modules/__init__.py": "",
        "taming/modules/vqvae/__init__.py": "",
        "taming/modules/vqvae/quantize.py": EMPTY_STANDIN,
    },
}
# imported by the official files but not needed to build or run the networks: empty modules, always
# (text encoders' `transformers`, image I/O, mesh I/O, configs) so that no installed version matters
EMPTY_ALWAYS = ["transformers", "torchvision", "torchvision.transforms", "omegaconf", "omegaconf.listconfig", "trimesh",
                "carvekit", "carvekit.api", "carvekit.api.high", "pytorch3d", "pytorch3d.transforms", "cv2", "imageio",
                "matplotlib", "matplotlib.pyplot", "skimage", "skimage.io"]
# empty only where not installed
EMPTY_IF_MISSING = ["tqdm", "scipy", "scipy.spatial", "scipy.spatial.transform", "PIL", "PIL.Image", "PIL.ImageDraw",
                    "PIL.ImageFont"]
# always replaced, even where installed: the real spconv needs CUDA and its real weights; the real
# pytorch_lightning's hooks and clip's downloads are not wanted; kornia's resize must equal torch's bicubic
ALWAYS = ("spconv", "clip", "kornia", "pytorch_lightning", "taming") + tuple(sorted({n.split(".")[0] for n in EMPTY_ALWAYS}))


def _empty_module(name: str):
    import importlib.machinery
    import types

    mod = types.ModuleType(name)
    exec(EMPTY_STANDIN, mod.__dict__)
    mod.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
    mod.__path__ = []
    return mod


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
        return True
    except Exception:
        return False


@contextlib.contextmanager
def official_imports(repo: str | os.PathLike, clip_repo: str | os.PathLike | None = None) -> Iterator[Path]:
    """`import ldm…` works inside the block, from `repo` (a checkout of SyncDreamer or Morphable Diffusion).
    Both parents ship a package called `ldm`: the block drops every `ldm` module on entry and exit."""
    repo = Path(repo).resolve()
    if not (repo / "ldm").is_dir():
        raise FileNotFoundError(f"{repo} has no ldm/ folder: not a SyncDreamer / Morphable Diffusion checkout")
    if clip_repo is not None:
        os.environ["OFFICIAL_CLIP_REPO"] = str(Path(clip_repo).resolve())
    tmp = Path(tempfile.mkdtemp(prefix="official-standins-"))
    for files in STANDINS.values():
        for rel, src in files.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_text(textwrap.dedent(src))
    saved_modules = {k: v for k, v in sys.modules.items() if k.split(".")[0] in ALWAYS}
    for k in saved_modules:
        del sys.modules[k]
    stubbed = list(EMPTY_ALWAYS) + [n for n in EMPTY_IF_MISSING if not _importable(n)]
    for name in stubbed:
        sys.modules[name] = _empty_module(name)
    for name in stubbed:  # `import a.b as x` reads attribute b of module a
        if "." in name:
            parent, child = name.rsplit(".", 1)
            if parent in sys.modules:
                setattr(sys.modules[parent], child, sys.modules[name])
    _drop_ldm()
    sys.path[:0] = [str(tmp), str(repo)]
    cwd = os.getcwd()
    os.chdir(repo)  # SyncDreamer reads meta_info/camera-16.pkl relative to the working folder
    try:
        yield repo
    finally:
        os.chdir(cwd)
        for p in (str(tmp), str(repo)):
            if p in sys.path:
                sys.path.remove(p)
        _drop_ldm()
        for k in [k for k in sys.modules if k.split(".")[0] in ALWAYS]:
            del sys.modules[k]
        sys.modules.update(saved_modules)


def _drop_ldm() -> None:
    for k in [k for k in sys.modules if k == "ldm" or k.startswith("ldm.")]:
        del sys.modules[k]


def read_yaml_model_params(path: Path) -> dict:
    """`model.params` of an official config (PyYAML; no omegaconf needed)."""
    import yaml

    with open(path) as f:
        return yaml.safe_load(f)["model"]["params"]
