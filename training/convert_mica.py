#!/usr/bin/env python3
"""MICA `mica.tar` (arcface + flameModel.regressor) + user FLAME → estimator pack."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

from estimator_pack import write_estimator_pack  # noqa: E402
from estimators.iresnet import IRESNET100_BLOCKS  # noqa: E402
from estimators.mica import ARCFACE_TEMPLATE_112, IMAGE_SIZE, N_SHAPE, load_mica_checkpoint  # noqa: E402

MICA_LICENSE = "MICA: MPG non-commercial scientific research licence (https://github.com/Zielon/MICA)"


def convert_mica(checkpoint: str, flame: str, landmarks: str | None, out: str, landmark_vertices: str | None = None, mediapipe_embedding: str | None = None, arcface_blocks: Sequence[int] = IRESNET100_BLOCKS) -> Path:
    net = load_mica_checkpoint(checkpoint, arcface_blocks)
    return write_estimator_pack(
        out=out,
        estimator="mica",
        license=MICA_LICENSE,
        source=Path(checkpoint).name,
        net=net,
        onnx_name="mica.onnx",
        input_spec=("arcface", (1, 3, IMAGE_SIZE, IMAGE_SIZE)),
        output_specs=[("shape_code", (1, N_SHAPE), None), ("identity", (1, 512), None)],
        flame=flame,
        landmarks=landmarks,
        landmark_vertices=landmark_vertices,
        mediapipe_embedding=mediapipe_embedding,
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--checkpoint", required=True, help="mica.tar")
    ap.add_argument("--flame", required=True, help="FLAME2020 generic_model.pkl or .npz")
    ap.add_argument("--landmarks", help="landmark_embedding.npy")
    ap.add_argument("--landmark-vertices", help="without an embedding: FLAME vertex indices to use as landmarks (.npy or text)")
    ap.add_argument("--mediapipe-embedding", help="mediapipe_landmark_embedding.npz (from the FLAME site), for pose fits to face-mesh points")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    print(convert_mica(args.checkpoint, args.flame, args.landmarks, args.out, args.landmark_vertices, args.mediapipe_embedding))


if __name__ == "__main__":
    main()
