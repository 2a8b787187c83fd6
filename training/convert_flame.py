#!/usr/bin/env python3
"""User FLAME file (.pkl, chumpy-free, or .npz) [+ landmark embedding] → a standalone FLAME pack folder."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from flame_pack import FLAME_LICENSE, add_flame_arrays  # noqa: E402
from packs.pack_writer import PackWriter  # noqa: E402


def convert_flame(flame: str, landmarks: str | None, out: str, landmark_vertices: str | None = None, mediapipe_embedding: str | None = None) -> Path:
    writer = PackWriter(out, "flame", "estimate", "1.0.0", FLAME_LICENSE, role="flame-model", source=Path(flame).name)
    add_flame_arrays(writer, flame, landmarks, landmark_vertices, mediapipe_embedding)
    return writer.finish()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--flame", required=True, help="generic_model.pkl / FLAME2020 .pkl or .npz")
    ap.add_argument("--landmarks", help="landmark_embedding.npy (DECA/MICA) or flame_static_embedding.pkl (RingNet)")
    ap.add_argument("--landmark-vertices", help="without an embedding: vertex indices to use as landmarks")
    ap.add_argument("--mediapipe-embedding", help="mediapipe_landmark_embedding.npz (from the FLAME site), for pose fits to face-mesh points")
    ap.add_argument("--out", required=True, help="pack folder to write")
    args = ap.parse_args()
    print(convert_flame(args.flame, args.landmarks, args.out, args.landmark_vertices, args.mediapipe_embedding))


if __name__ == "__main__":
    main()
