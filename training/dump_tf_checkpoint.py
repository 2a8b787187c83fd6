#!/usr/bin/env python3
"""On a machine with TensorFlow: RingNet checkpoint prefix → .npz of {variable name: array} for convert_ringnet.py."""
import argparse

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    import tensorflow as tf  # system-deps: optional (the user's own TensorFlow reads their checkpoint)

    reader = tf.train.load_checkpoint(args.checkpoint)
    names = [n for n in reader.get_variable_to_shape_map() if "Adam" not in n and "Momentum" not in n]
    np.savez(args.out, **{n: reader.get_tensor(n) for n in names})
    print(f"{len(names)} variables → {args.out}")


if __name__ == "__main__":
    main()
