"""Write a model pack folder: the files plus `manifest.json` (sha256 + bytes of each file, network I/O
names and shapes, raw arrays with dtype and shape). The studio verifies all of it before loading
(src-main/engine/packs/pack-manifest.ts mirrors this format)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

MANIFEST_VERSION = 1
DTYPES = {np.dtype(np.float32): "float32", np.dtype(np.uint32): "uint32", np.dtype(np.int32): "int32"}


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class PackWriter:
    def __init__(self, out_dir: str | Path, pack_id: str, kind: str, version: str, license: str, **extra: Any) -> None:
        self.dir = Path(out_dir)
        if self.dir.exists() and any(self.dir.iterdir()):
            if not (self.dir / "manifest.json").exists():
                raise FileExistsError(f"{self.dir} is not empty and not a pack; refusing to write into it")
            shutil.rmtree(self.dir)  # replacing an older pack: no stale files may end up listed
        self.dir.mkdir(parents=True, exist_ok=True)
        self.manifest: Dict[str, Any] = {
            "manifestVersion": MANIFEST_VERSION,
            "id": pack_id,
            "kind": kind,
            "version": version,
            "license": license,
            **extra,
            "files": [],
            "networks": {},
            "arrays": {},
        }

    def path(self, rel: str) -> Path:
        p = self.dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def add_array(self, name: str, array: np.ndarray, rel: Optional[str] = None) -> None:
        """Raw little-endian, C order; dtype one of float32/uint32/int32."""
        array = np.ascontiguousarray(array)
        dtype = DTYPES.get(array.dtype)
        if dtype is None:
            raise TypeError(f"array {name}: unsupported dtype {array.dtype}")
        rel = rel or f"{name.replace('.', '/')}.bin"
        array.astype(array.dtype.newbyteorder("<"), copy=False).tofile(self.path(rel))
        self.manifest["arrays"][name] = {"file": rel, "dtype": dtype, "shape": list(array.shape)}

    def add_network(self, name: str, rel: str, inputs: Sequence[Dict[str, Any]], outputs: Sequence[Dict[str, Any]], **extra: Any) -> None:
        """The .onnx must already be at `rel`. inputs/outputs: {name, shape, dtype} in graph order."""
        if not self.path(rel).exists():
            raise FileNotFoundError(self.path(rel))
        self.manifest["networks"][name] = {"file": rel, "inputs": list(inputs), "outputs": list(outputs), **extra}

    def finish(self) -> Path:
        files: List[Dict[str, Any]] = []
        for p in sorted(self.dir.rglob("*")):
            if p.is_file() and p.name != "manifest.json":
                rel = p.relative_to(self.dir).as_posix()
                files.append({"path": rel, "bytes": p.stat().st_size, "sha256": sha256_of(p)})
        self.manifest["files"] = files
        target = self.dir / "manifest.json"
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.manifest, indent=2) + "\n")
        os.replace(tmp, target)  # atomic: a half-written manifest is never seen
        return target


def tensor_spec(name: str, shape: Sequence[int], dtype: str = "float32", **extra: Any) -> Dict[str, Any]:
    return {"name": name, "shape": [int(s) for s in shape], "dtype": dtype, **extra}
