#!/usr/bin/env python3
"""RingNet TF checkpoint (prefix, needs tensorflow) or its variables as .npz + user FLAME → estimator pack."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from estimator_pack import run_converter_cli, write_estimator_pack  # noqa: E402
from estimators.ringnet import IMAGE_SIZE, N_PARAMS, PARAM_LAYOUT, load_ringnet_checkpoint  # noqa: E402
from flame_pack import FlameSources  # noqa: E402

RINGNET_LICENSE = "RingNet: MPG non-commercial scientific research licence (https://github.com/soubhiksanyal/RingNet)"


def convert_ringnet(checkpoint: str, flame: FlameSources, out: str) -> Path:
    return write_estimator_pack(
        out=out,
        estimator="ringnet",
        license=RINGNET_LICENSE,
        source=Path(checkpoint).name,
        net=load_ringnet_checkpoint(checkpoint),
        onnx_name="ringnet.onnx",
        input_spec=("input_images", (1, IMAGE_SIZE, IMAGE_SIZE, 3)),
        output_specs=[("parameters", (1, N_PARAMS), dict(PARAM_LAYOUT))],
        flame=flame,
        resolution=IMAGE_SIZE,
        preprocess={"layout": "NHWC", "channels": "RGB", "range": [-1, 1], "cropScale": 1.5},
        # HMR-style: the predicted global rotation already turns FLAME into the camera frame
        camera={"model": "weak-perspective", "flipYZ": False},
    )


if __name__ == "__main__":
    run_converter_cli(
        __doc__,
        convert_ringnet,
        checkpoint_help="ring_6_68641 (TF prefix) or variables .npz",
        landmarks_help="flame_static_embedding.pkl or landmark_embedding.npy",
    )
