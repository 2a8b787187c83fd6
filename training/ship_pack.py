"""Makes an exported pack the shipped default: its id, version and licence in the manifest, and the
training record beside the networks (the checkpoint's recipe.json and loss curves, and the variant
comparison), each listed with its sha256 so the engine's verification covers them.

    python3 training/ship_pack.py PACK_DIR CKPT_DIR --id gen3dface-heads-compact --version 1.0.0
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from pathlib import Path

LICENSE = ("Apache-2.0 — the project's own weights, trained from scratch on its own synthetic heads "
           "(training/data/); no third-party weights or data")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pack")
    ap.add_argument("ckpt")
    ap.add_argument("--id", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--license", default=LICENSE)
    a = ap.parse_args()
    pack, ckpt = Path(a.pack), Path(a.ckpt)
    manifest = json.loads((pack / "manifest.json").read_text())
    manifest.update(id=a.id, version=a.version, license=a.license)
    listed = {f["path"] for f in manifest["files"]}
    for name in ("recipe.json", "loss-vae.png", "loss-diffusion.png", "variants.json", "recipe-nophoto.json"):
        src = ckpt / name
        if not src.exists():
            continue
        shutil.copy(src, pack / name)
        data = (pack / name).read_bytes()
        entry = {"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        if name in listed:
            manifest["files"] = [entry if f["path"] == name else f for f in manifest["files"]]
        else:
            manifest["files"].append(entry)
    (pack / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"{a.id} {a.version}: {len(manifest['files'])} files, "
          f"{sum(f['bytes'] for f in manifest['files']) / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
