#!/usr/bin/env python3
"""Morphable Diffusion's FaceScape checkpoint (`facescape_flame_mv_tracking.ckpt`) → full-size diffusion pack
(rig `face180` with the parent's cameras, mesh fusion through the dense SparseConvNet, raw CLIP context,
constant view embedding, each view alone through the UNet).

    /usr/bin/python3 training/convert_morphable_diffusion.py --ckpt facescape_flame_mv_tracking.ckpt \
        [--clip ViT-L-14.pt] --out packs/morphable-diffusion [--dtype fp16]

`--clip` (OpenAI's ViT-L-14.pt) is only read when the checkpoint has no clip_image_encoder.* weights.
spconv's KRSC kernels [out,3,3,3,in] become Conv3d [out,in,3,3,3] (permute, no flip); BatchNorm buffers
are kept. The manifest's `diffusion.meshTransform` carries the parent's mesh preprocessing (×1.087,
axis-angle rotation, translation, ×2.5, axes (x, z, −y), 5 mm voxels) for the engine to apply to the
FLAME mesh. Unknown, missing or misshaped keys stop the conversion with the list."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mvdiffusion.converters.pack import run_cli  # noqa: E402

if __name__ == "__main__":
    run_cli("morphable_diffusion", __doc__)
