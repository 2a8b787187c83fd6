"""Shared by the convert_* scripts: export a network to ONNX and write an estimator pack with FLAME inside."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch

from export_onnx import export_onnx
from flame_pack import FLAME_LICENSE, add_flame_arrays
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
    flame: str,
    landmarks: Optional[str],
    landmark_vertices: Optional[str] = None,
    mediapipe_embedding: Optional[str] = None,
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
    add_flame_arrays(writer, flame, landmarks, landmark_vertices, mediapipe_embedding)
    return writer.finish()
