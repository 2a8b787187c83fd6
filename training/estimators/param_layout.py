"""Named slices of a flat parameter vector (as `src-main/engine/estimate/adapters/param-layout.ts`)."""
from __future__ import annotations

from typing import Dict, Mapping

import torch


def split_params(params: torch.Tensor, layout: Mapping[str, int]) -> Dict[str, torch.Tensor]:
    """(N, Σ sizes) → {name: (N, size)} in the layout's order."""
    out, start = {}, 0
    for key, size in layout.items():
        out[key] = params[:, start : start + size]
        start += size
    return out
