"""Export a network to ONNX (opset 17, fixed batch 1, constants folded) for onnxruntime-node."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import onnx
import torch

OPSET = 17


def export_onnx(net: torch.nn.Module, example: torch.Tensor, path: str | Path, input_names: Sequence[str], output_names: Sequence[str]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    net = net.eval()
    with torch.no_grad():
        torch.onnx.export(
            net,
            (example,),
            str(path),
            input_names=list(input_names),
            output_names=list(output_names),
            opset_version=OPSET,
            do_constant_folding=True,
        )
    model = onnx.load(str(path), load_external_data=False)
    onnx.checker.check_model(model)
    return path
