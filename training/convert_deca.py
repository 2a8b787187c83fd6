#!/usr/bin/env python3
"""DECA `deca_model.tar` (E_flame) + user FLAME → estimator pack (ONNX coarse encoder + FLAME arrays)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from estimator_pack import write_estimator_pack  # noqa: E402
from estimators.deca import IMAGE_SIZE, N_PARAMS, PARAM_LAYOUT, load_deca_checkpoint  # noqa: E402

DECA_LICENSE = "DECA: MPG non-commercial scientific research licence (https://github.com/yfeng95/DECA)"


def convert_deca(checkpoint: str, flame: str, landmarks: str | None, out: str, landmark_vertices: str | None = None, mediapipe_embedding: str | None = None) -> Path:
    net = load_deca_checkpoint(checkpoint)
    return write_estimator_pack(
        out=out,
        estimator="deca",
        license=DECA_LICENSE,
        source=Path(checkpoint).name,
        net=net,
        onnx_name="deca_coarse.onnx",
        input_spec=("images", (1, 3, IMAGE_SIZE, IMAGE_SIZE)),
        output_specs=[("parameters", (1, N_PARAMS), dict(PARAM_LAYOUT))],
        flame=flame,
        landmarks=landmarks,
        landmark_vertices=landmark_vertices,
        mediapipe_embedding=mediapipe_embedding,
        resolution=IMAGE_SIZE,
        preprocess={"layout": "NCHW", "channels": "RGB", "range": [0, 1], "cropScale": 1.25},
        camera={"model": "weak-perspective", "flipYZ": True},
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--checkpoint", required=True, help="deca_model.tar")
    ap.add_argument("--flame", required=True, help="FLAME generic_model.pkl or .npz")
    ap.add_argument("--landmarks", help="landmark_embedding.npy")
    ap.add_argument("--landmark-vertices", help="without an embedding: FLAME vertex indices to use as landmarks (.npy or text)")
    ap.add_argument("--mediapipe-embedding", help="mediapipe_landmark_embedding.npz (from the FLAME site), for pose fits to face-mesh points")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    print(convert_deca(args.checkpoint, args.flame, args.landmarks, args.out, args.landmark_vertices, args.mediapipe_embedding))


if __name__ == "__main__":
    main()
