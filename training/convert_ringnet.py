#!/usr/bin/env python3
"""RingNet TF checkpoint (prefix, needs tensorflow) or its variables as .npz + user FLAME → estimator pack."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from estimator_pack import write_estimator_pack  # noqa: E402
from estimators.ringnet import IMAGE_SIZE, N_PARAMS, PARAM_LAYOUT, load_ringnet_checkpoint  # noqa: E402

RINGNET_LICENSE = "RingNet: MPG non-commercial scientific research licence (https://github.com/soubhiksanyal/RingNet)"


def convert_ringnet(checkpoint: str, flame: str, landmarks: str | None, out: str, landmark_vertices: str | None = None, mediapipe_embedding: str | None = None) -> Path:
    net = load_ringnet_checkpoint(checkpoint)
    return write_estimator_pack(
        out=out,
        estimator="ringnet",
        license=RINGNET_LICENSE,
        source=Path(checkpoint).name,
        net=net,
        onnx_name="ringnet.onnx",
        input_spec=("input_images", (1, IMAGE_SIZE, IMAGE_SIZE, 3)),
        output_specs=[("parameters", (1, N_PARAMS), dict(PARAM_LAYOUT))],
        flame=flame,
        landmarks=landmarks,
        landmark_vertices=landmark_vertices,
        mediapipe_embedding=mediapipe_embedding,
        resolution=IMAGE_SIZE,
        preprocess={"layout": "NHWC", "channels": "RGB", "range": [-1, 1], "cropScale": 1.6},
        # HMR-style: the predicted global rotation already turns FLAME into the camera frame
        camera={"model": "weak-perspective", "flipYZ": False},
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--checkpoint", required=True, help="ring_6_68641 (TF prefix) or variables .npz")
    ap.add_argument("--flame", required=True, help="FLAME generic_model.pkl or .npz")
    ap.add_argument("--landmarks", help="flame_static_embedding.pkl or landmark_embedding.npy")
    ap.add_argument("--landmark-vertices", help="without an embedding: FLAME vertex indices to use as landmarks (.npy or text)")
    ap.add_argument("--mediapipe-embedding", help="mediapipe_landmark_embedding.npz (from the FLAME site), for pose fits to face-mesh points")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    print(convert_ringnet(args.checkpoint, args.flame, args.landmarks, args.out, args.landmark_vertices, args.mediapipe_embedding))


if __name__ == "__main__":
    main()
