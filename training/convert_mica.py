#!/usr/bin/env python3
"""MICA `mica.tar` (arcface + flameModel.regressor) + user FLAME → estimator pack."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

from estimator_pack import run_converter_cli, write_estimator_pack  # noqa: E402
from estimators.iresnet import IRESNET100_BLOCKS  # noqa: E402
from estimators.mica import ARCFACE_TEMPLATE_112, IMAGE_SIZE, N_SHAPE, load_mica_checkpoint  # noqa: E402
from flame_pack import FlameSources  # noqa: E402

MICA_LICENSE = "MICA: MPG non-commercial scientific research licence (https://github.com/Zielon/MICA)"


def convert_mica(checkpoint: str, flame: FlameSources, out: str, arcface_blocks: Sequence[int] = IRESNET100_BLOCKS) -> Path:
    return write_estimator_pack(
        out=out,
        estimator="mica",
        license=MICA_LICENSE,
        source=Path(checkpoint).name,
        net=load_mica_checkpoint(checkpoint, arcface_blocks),
        onnx_name="mica.onnx",
        input_spec=("arcface", (1, 3, IMAGE_SIZE, IMAGE_SIZE)),
        output_specs=[("shape_code", (1, N_SHAPE), None), ("identity", (1, 512), None)],
        flame=flame,
        resolution=IMAGE_SIZE,
        preprocess={
            "layout": "NCHW",
            "channels": "RGB",
            "range": [-1, 1],
            "alignment": "arcface-5pt",
            "template": [list(p) for p in ARCFACE_TEMPLATE_112],
            "arcfaceBlocks": list(arcface_blocks),
        },
        camera=None,  # MICA predicts identity only; the adapter fits pose/camera
    )


if __name__ == "__main__":
    run_converter_cli(__doc__, convert_mica, checkpoint_help="mica.tar", flame_help="FLAME2020 generic_model.pkl or .npz")
