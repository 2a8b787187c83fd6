#!/usr/bin/env python3
"""DECA `deca_model.tar` (E_flame) + user FLAME → estimator pack (ONNX coarse encoder + FLAME arrays)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from estimator_pack import run_converter_cli, write_estimator_pack  # noqa: E402
from estimators.deca import IMAGE_SIZE, N_PARAMS, PARAM_LAYOUT, load_deca_checkpoint  # noqa: E402
from flame_pack import FlameSources  # noqa: E402

DECA_LICENSE = "DECA: MPG non-commercial scientific research licence (https://github.com/yfeng95/DECA)"


def convert_deca(checkpoint: str, flame: FlameSources, out: str) -> Path:
    return write_estimator_pack(
        out=out,
        estimator="deca",
        license=DECA_LICENSE,
        source=Path(checkpoint).name,
        net=load_deca_checkpoint(checkpoint),
        onnx_name="deca_coarse.onnx",
        input_spec=("images", (1, 3, IMAGE_SIZE, IMAGE_SIZE)),
        output_specs=[("parameters", (1, N_PARAMS), dict(PARAM_LAYOUT))],
        flame=flame,
        resolution=IMAGE_SIZE,
        preprocess={"layout": "NCHW", "channels": "RGB", "range": [0, 1], "cropScale": 1.25},
        camera={"model": "weak-perspective", "flipYZ": True},
    )


if __name__ == "__main__":
    run_converter_cli(__doc__, convert_deca, checkpoint_help="deca_model.tar")
