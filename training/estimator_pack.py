"""Shared by the convert_* scripts: export a network to ONNX and write an estimator pack with FLAME
inside, and the converters' command line."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch

from export_onnx import export_onnx
from flame_pack import FLAME_LICENSE, FlameSources, add_flame_arguments, add_flame_arrays, flame_sources
from packs.pack_writer import PackWriter, tensor_spec


def layout_spec(layout: Dict[str, int]) -> List[Dict[str, Any]]:
    return [{"name": k, "size": v} for k, v in layout.items()]


def write_estimator_pack(
    *,
    out: str,
    estimator: str,
    license: str,
    source: str,
    net: torch.nn.Module,
    onnx_name: str,
    input_spec: Tuple[str, Sequence[int]],
    output_specs: Sequence[Tuple[str, Sequence[int], Optional[Dict[str, int]]]],
    flame: FlameSources,
    resolution: int = 224,
    preprocess: Optional[Dict[str, Any]] = None,
    camera: Optional[Dict[str, Any]] = None,
    version: str = "1.0.0",
) -> Path:
    writer = PackWriter(
        out,
        estimator,
        "estimate",
        version,
        f"{license}; {FLAME_LICENSE}",
        estimator=estimator,
        source=source,
        resolution=resolution,
        preprocess=preprocess,
        **({"camera": camera} if camera else {}),
    )
    in_name, in_shape = input_spec
    example = torch.zeros(*in_shape)
    export_onnx(net, example, writer.path(onnx_name), [in_name], [o[0] for o in output_specs])
    outputs = []
    for name, shape, layout in output_specs:
        outputs.append(tensor_spec(name, shape, **({"layout": layout_spec(layout)} if layout else {})))
    writer.add_network("estimator", onnx_name, [tensor_spec(in_name, in_shape)], outputs)
    add_flame_arrays(writer, flame)
    return writer.finish()


def run_converter_cli(
    description: str,
    convert: Callable[[str, FlameSources, str], Path],
    *,
    checkpoint_help: str,
    flame_help: str = "FLAME generic_model.pkl or .npz",
    landmarks_help: str = "landmark_embedding.npy",
) -> None:
    """`--checkpoint`, the FLAME options and `--out` → `convert(checkpoint, flame, out)`; prints the pack folder."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--checkpoint", required=True, help=checkpoint_help)
    add_flame_arguments(ap, flame_help=flame_help, landmarks_help=landmarks_help)
    ap.add_argument("--out", required=True, help="pack folder to write")
    args = ap.parse_args()
    print(convert(args.checkpoint, flame_sources(args), args.out))
