"""PNG without PIL: `write_png` (zlib + struct, 8-bit RGB) and `line_plot`, a plain line chart of a few
curves on a numpy raster (log or linear y, axis ticks labelled with a 3×5 pixel font)."""
from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path
from typing import Dict, Sequence, Tuple

import numpy as np

COLOURS = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (255, 127, 14), (148, 103, 189), (140, 86, 75)]

# 3×5 glyphs, rows top to bottom, bits left to right.
_FONT = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
    "8": "111101111101111", "9": "111101111001111", ".": "000000000000010", "-": "000000111000000",
    "e": "000111101110011", "+": "000010111010000", " ": "000000000000000", "k": "100101110101101",
}


def write_png(path, rgb: np.ndarray) -> None:
    """uint8 [H,W,3] → an RGB PNG file."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, c = rgb.shape
    assert c == 3
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    Path(path).write_bytes(data)


def draw_text(img: np.ndarray, x: int, y: int, text: str, colour=(0, 0, 0), scale: int = 2) -> None:
    for ch in text:
        g = _FONT.get(ch, _FONT[" "])
        for r in range(5):
            for c in range(3):
                if g[r * 3 + c] == "1":
                    y0, x0 = y + r * scale, x + c * scale
                    if 0 <= y0 and y0 + scale <= img.shape[0] and 0 <= x0 and x0 + scale <= img.shape[1]:
                        img[y0:y0 + scale, x0:x0 + scale] = colour
        x += 4 * scale


def _line(img: np.ndarray, x0: float, y0: float, x1: float, y1: float, colour) -> None:
    n = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
    xs = np.round(np.linspace(x0, x1, n)).astype(int)
    ys = np.round(np.linspace(y0, y1, n)).astype(int)
    ok = (xs >= 0) & (xs < img.shape[1]) & (ys >= 0) & (ys < img.shape[0])
    img[ys[ok], xs[ok]] = colour
    ys2 = np.clip(ys[ok] + 1, 0, img.shape[0] - 1)
    img[ys2, xs[ok]] = colour  # 2 px thick


def fmt(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return f"{v / 1000:.3g}k"
    if abs(v) < 0.01:
        return f"{v:.1e}".replace("e-0", "e-")
    return f"{v:.3g}"


def line_plot(curves: Dict[str, Tuple[Sequence[float], Sequence[float]]], width: int = 720, height: int = 400,
              log_y: bool = True) -> np.ndarray:
    """curves: name → (x, y), drawn in COLOURS order (the caller records which is which) → uint8 [H,W,3]."""
    img = np.full((height, width, 3), 255, np.uint8)
    L, R, T, B = 70, 12, 12, 30
    pts = [(np.asarray(x, float), np.asarray(y, float)) for x, y in curves.values()]
    pts = [(x[np.isfinite(y)], y[np.isfinite(y)]) for x, y in pts]
    ys = np.concatenate([y for _, y in pts if len(y)] or [np.array([1.0])])
    xs = np.concatenate([x for x, _ in pts if len(x)] or [np.array([0.0, 1.0])])
    log_y = log_y and bool((ys > 0).all())
    f = np.log10 if log_y else (lambda v: v)
    lo, hi = float(f(ys.min())), float(f(ys.max()))
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    x_lo, x_hi = float(xs.min()), float(xs.max())
    if x_hi - x_lo < 1e-9:
        x_hi = x_lo + 1

    def px(x, y):
        return (L + (x - x_lo) / (x_hi - x_lo) * (width - L - R), T + (hi - f(y)) / (hi - lo) * (height - T - B))

    grey = (200, 200, 200)
    for i in range(5):
        yv = lo + (hi - lo) * i / 4
        _, yy = px(x_lo, 10 ** yv if log_y else yv)
        _line(img, L, yy, width - R, yy, grey)
        draw_text(img, 2, int(yy) - 5, fmt(10 ** yv if log_y else yv))
    for i in range(5):
        xv = x_lo + (x_hi - x_lo) * i / 4
        xx, _ = px(xv, 10 ** lo if log_y else lo)
        draw_text(img, int(xx) - 10, height - B + 8, fmt(xv))
    _line(img, L, T, L, height - B, (0, 0, 0))
    _line(img, L, height - B, width - R, height - B, (0, 0, 0))
    for k, (x, y) in enumerate(pts):
        col = COLOURS[k % len(COLOURS)]
        if len(x) == 1:
            cx, cy = px(x[0], y[0])
            img[max(0, int(cy) - 2):int(cy) + 3, max(0, int(cx) - 2):int(cx) + 3] = col
        for i in range(len(x) - 1):
            (a, b), (c, d) = px(x[i], y[i]), px(x[i + 1], y[i + 1])
            _line(img, a, b, c, d, col)
    return img
