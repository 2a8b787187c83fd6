#!/usr/bin/env python3
"""SyncDreamer's `syncdreamer-pretrain.ckpt` → full-size diffusion pack (rig `ring30`, SpatialTime3DNet
volume, cc_projection with the zero123 view embedding, each view alone through the UNet).

    /usr/bin/python3 training/convert_syncdreamer.py --ckpt syncdreamer-pretrain.ckpt --out packs/syncdreamer [--dtype fp16]

The checkpoint (liuyuan-pal/SyncDreamer's release) holds the UNet, the VAE and CLIP ViT-L/14 itself;
nothing is downloaded. Every key is mapped or dropped by name (schedule and rig buffers, CLIP text
leftovers); anything else — a missing, extra or misshaped key — stops the conversion with the list."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mvdiffusion.converters.pack import run_cli  # noqa: E402

if __name__ == "__main__":
    run_cli("syncdreamer", __doc__)
