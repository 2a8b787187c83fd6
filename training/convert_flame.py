#!/usr/bin/env python3
"""User FLAME file (.pkl, chumpy-free, or .npz) [+ landmark embedding] → a standalone FLAME pack folder."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from flame_pack import FLAME_LICENSE, FlameSources, add_flame_arguments, add_flame_arrays, flame_sources  # noqa: E402
from packs.pack_writer import PackWriter  # noqa: E402


def convert_flame(flame: FlameSources, out: str) -> Path:
    writer = PackWriter(out, "flame", "estimate", "1.0.0", FLAME_LICENSE, role="flame-model", source=Path(flame.model).name)
    add_flame_arrays(writer, flame)
    return writer.finish()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    add_flame_arguments(
        ap,
        flame_help="generic_model.pkl / FLAME2020 .pkl or .npz",
        landmarks_help="landmark_embedding.npy (DECA/MICA) or flame_static_embedding.pkl (RingNet)",
    )
    ap.add_argument("--out", required=True, help="pack folder to write")
    args = ap.parse_args()
    print(convert_flame(flame_sources(args), args.out))


if __name__ == "__main__":
    main()
