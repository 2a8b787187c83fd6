"""After training variants side by side: the one with the lower held-out ε loss of its EMA weights
(the last chunk's `val_ema`, same held-out identities, t and noise for all) is kept. Copies the
winner's checkpoint parts, recipe and loss curves into OUT, and every other variant's recipe as
recipe-<variant>.json, printing the comparison.

    python3 training/pick_variant.py WORK_DIR VARIANT [VARIANT ...] --out OUT
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path


def last_val(recipe: dict) -> float:
    chunks = [c for c in recipe.get("chunks", []) if c.get("val_ema") is not None]
    return float(chunks[-1]["val_ema"]) if chunks else float("inf")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("work")
    ap.add_argument("variants", nargs="+")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    work, out = Path(a.work), Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    scores = {}
    for v in a.variants:
        f = work / v / "recipe.json"
        scores[v] = last_val(json.loads(f.read_text())) if f.exists() else float("inf")
    winner = min(scores, key=scores.get)
    for v, s in sorted(scores.items(), key=lambda kv: kv[1]):
        print(f"variant {v}: held-out EMA ε loss {s:.5f}{'  <- kept' if v == winner else ''}")
    for f in (work / winner).iterdir():
        if f.name.startswith("part-") or f.suffix in (".json", ".png"):
            shutil.copy(f, out / f.name)
    for v in a.variants:
        if v != winner and (work / v / "recipe.json").exists():
            shutil.copy(work / v / "recipe.json", out / f"recipe-{v}.json")
    (out / "variants.json").write_text(json.dumps({"winner": winner, "val_ema": scores}, indent=1))


if __name__ == "__main__":
    main()
