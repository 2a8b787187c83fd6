"""The official preprocessing of DECA, RingNet and MICA, re-implemented in numpy (no OpenCV or
scikit-image here) as the reference the studio's TypeScript crops are checked against
(tests/adapters/preprocessing-parity.test.ts through fixtures/official_crops.py).

Read from the published code (nothing copied):
- DECA, yfeng95/DECA decalib/datasets/datasets.py: TestData.bbox2point (l.81-92) and __getitem__
  (l.104-137): kpt68 / bbox box → old_size, centre; size = int(old_size * 1.25); three corners of
  the square → (0, 0), (0, 223), (223, 0) by skimage's estimate_transform('similarity'); warp(image
  / 255, tform.inverse, output_shape=(224, 224)) → bilinear (order 1), constant 0 outside, float.
  The default detector (detectors.py FAN, l.24-37) gives 68 landmarks and type 'kpt68'.
- RingNet, soubhiksanyal/RingNet demo.py preprocess_image (l.102-120) and util/image.py
  (resize_img l.28-35, scale_and_crop l.38-60): scale = 224 / long side, cv2.resize to
  floor(shape * scale), centre = round(shape / 2) scaled and rounded, edge padding of 112, a 224
  square cut, then 2 * (x / 255 - 0.5).
- MICA, Zielon/MICA datasets/creation/util.py get_arcface_input (l.42-45) with insightface
  utils/face_align.py norm_crop / estimate_norm: skimage SimilarityTransform.estimate(five points,
  arcface_dst) (least squares, Umeyama), cv2.warpAffine(img, M, (112, 112), borderValue=0), then
  cv2.dnn.blobFromImages(scale 1/127.5, mean 127.5, swapRB) → RGB (x - 127.5) / 127.5.
OpenCV's 8-bit bilinear is emulated in fixed point (imgwarp.cpp: 1/32-pixel positions from a
10-bit affine step, 15-bit weights; resize.cpp: 11-bit weights per axis), so its rounding is kept.
"""
from __future__ import annotations

from typing import Dict, Optional, Sequence, Tuple

import numpy as np

ARCFACE_DST = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]],
    dtype=np.float32,
)


def similarity_lstsq(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """3×3 least-squares similarity src → dst (Umeyama 1991, scale estimated, no reflection)."""
    src = np.asarray(src, np.float64)
    dst = np.asarray(dst, np.float64)
    n, dim = src.shape
    mu_s, mu_d = src.mean(0), dst.mean(0)
    s0, d0 = src - mu_s, dst - mu_d
    cov = d0.T @ s0 / n
    sign = np.ones(dim)
    if np.linalg.det(cov) < 0:
        sign[-1] = -1
    u, sv, vt = np.linalg.svd(cov)
    rot = u @ np.diag(sign) @ vt
    scale = (sv @ sign) / s0.var(0).sum()
    out = np.eye(dim + 1)
    out[:dim, :dim] = scale * rot
    out[:dim, dim] = mu_d - scale * rot @ mu_s
    return out


# ---------------------------------------------------------------- DECA (skimage warp, float)


def skimage_warp_linear(image: np.ndarray, out_to_in: np.ndarray, shape: Tuple[int, int]) -> np.ndarray:
    """skimage.transform.warp(image, inverse_map, order=1, mode='constant', cval=0) for a 3×3 matrix:
    output pixel (col, row) samples the input at out_to_in · (col, row, 1), bilinear, 0 outside."""
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float64)
    x = out_to_in[0, 0] * cols + out_to_in[0, 1] * rows + out_to_in[0, 2]
    y = out_to_in[1, 0] * cols + out_to_in[1, 1] * rows + out_to_in[1, 2]
    return _bilinear_zero(image.astype(np.float64), x, y)


def _bilinear_zero(image: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    x0, y0 = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]
    out = np.zeros(x.shape + image.shape[2:], np.float64)
    for dx, dy, wgt in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        px, py = x0 + dx, y0 + dy
        ok = (px >= 0) & (py >= 0) & (px < w) & (py < h)
        vals = np.zeros_like(out)
        vals[ok] = image[py[ok], px[ok]]
        out += wgt * vals
    return out


def deca_box(kpt68: Optional[np.ndarray] = None, bbox: Optional[Sequence[float]] = None) -> Dict[str, object]:
    """TestData.bbox2point: 'kpt68' from the landmarks' extent, else 'bbox' (x0, y0, x1, y1) moved down."""
    if kpt68 is not None:
        k = np.asarray(kpt68, np.float64)
        left, right, top, bottom = k[:, 0].min(), k[:, 0].max(), k[:, 1].min(), k[:, 1].max()
        old_size = (right - left + bottom - top) / 2 * 1.1
        centre = np.array([right - (right - left) / 2.0, bottom - (bottom - top) / 2.0])
        path = "kpt68"
    else:
        left, top, right, bottom = (float(v) for v in bbox)
        old_size = (right - left + bottom - top) / 2
        centre = np.array([right - (right - left) / 2.0, bottom - (bottom - top) / 2.0 + old_size * 0.12])
        path = "bbox"
    return {"path": path, "left": left, "right": right, "top": top, "bottom": bottom, "oldSize": old_size, "centre": centre}


def deca_crop(image: np.ndarray, kpt68=None, bbox=None, scale: float = 1.25, res: int = 224) -> Tuple[np.ndarray, Dict[str, object]]:
    """DECA's network input as HWC float 0-1 (its tensor is this transposed to CHW), and the numbers."""
    info = deca_box(kpt68, bbox)
    size = int(info["oldSize"] * scale)
    c = info["centre"]
    src = np.array([[c[0] - size / 2, c[1] - size / 2], [c[0] - size / 2, c[1] + size / 2], [c[0] + size / 2, c[1] - size / 2]])
    dst = np.array([[0, 0], [0, res - 1], [res - 1, 0]], np.float64)
    tform = similarity_lstsq(src, dst)
    crop = skimage_warp_linear(image / 255.0, np.linalg.inv(tform), (res, res))
    info = dict(info, size=size, centre=[float(c[0]), float(c[1])], tform=tform.tolist())
    return crop, info


# ---------------------------------------------------------------- OpenCV 8-bit bilinear


def cv2_warp_affine_u8(image: np.ndarray, m: np.ndarray, size: Tuple[int, int]) -> np.ndarray:
    """cv2.warpAffine(image, m, size) for uint8 HWC, INTER_LINEAR, BORDER_CONSTANT 0, in fixed point."""
    a = np.asarray(m, np.float64)
    det = a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]
    det = 1.0 / det if det != 0 else 0.0
    i00, i11, i01, i10 = a[1, 1] * det, a[0, 0] * det, -a[0, 1] * det, -a[1, 0] * det
    i02 = -i00 * a[0, 2] - i01 * a[1, 2]
    i12 = -i10 * a[0, 2] - i11 * a[1, 2]
    w, h = size
    xs = np.arange(w, dtype=np.float64)
    ys = np.arange(h, dtype=np.float64)
    ab = 1024  # AB_BITS 10
    adelta = np.rint(i00 * xs * ab).astype(np.int64)
    bdelta = np.rint(i10 * xs * ab).astype(np.int64)
    x0 = np.rint((i01 * ys + i02) * ab).astype(np.int64) + ab // 32 // 2
    y0 = np.rint((i11 * ys + i12) * ab).astype(np.int64) + ab // 32 // 2
    X = (x0[:, None] + adelta[None, :]) >> 5  # 1/32-pixel fixed point (INTER_BITS 5)
    Y = (y0[:, None] + bdelta[None, :]) >> 5
    sx, fx = X >> 5, X & 31
    sy, fy = Y >> 5, Y & 31
    img = image.astype(np.int64)
    hh, ww = image.shape[:2]
    acc = np.zeros((h, w, image.shape[2]), np.int64)
    for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)):
        wgt = ((fx if dx else 32 - fx) * (fy if dy else 32 - fy) * 32)[..., None]  # sums to 1 << 15
        px, py = sx + dx, sy + dy
        ok = (px >= 0) & (py >= 0) & (px < ww) & (py < hh)
        vals = np.zeros_like(acc)
        vals[ok] = img[py[ok], px[ok]]
        acc += wgt * vals
    return np.clip((acc + (1 << 14)) >> 15, 0, 255).astype(np.uint8)


def cv2_resize_linear_u8(image: np.ndarray, new_w: int, new_h: int) -> np.ndarray:
    """cv2.resize(image, (new_w, new_h)) for uint8 HWC, INTER_LINEAR, as OpenCV 4 computes it
    (resize.cpp resizeGeneric_): half-pixel centres in float32, edge columns clamped, each of the two
    weights rounded to 11 bits on its own, exact integer rows, then the SIMD vertical pass
    (VResizeLinearVec_32s8u: ((row >> 4) · β) >> 16 per row, summed, (+2) >> 2)."""

    def taps(n_src: int, n_dst: int, clamp_weights: bool):
        f = ((np.arange(n_dst, dtype=np.float64) + 0.5) * (n_src / n_dst) - 0.5).astype(np.float32)
        s = np.floor(f).astype(np.int64)
        f = (f - s.astype(np.float32)).astype(np.float32)
        if clamp_weights:  # columns: outside the image the weight goes to the edge pixel alone
            low = s < 0
            s[low], f[low] = 0, np.float32(0)
            high = s >= n_src - 1
            s[high], f[high] = n_src - 1, np.float32(0)
        # rows keep their weights; only the row indices are clipped (so both taps may be one row)
        w0 = np.rint((np.float32(1) - f) * np.float32(2048)).astype(np.int64)
        w1 = np.rint(f * np.float32(2048)).astype(np.int64)
        return np.clip(s, 0, n_src - 1), np.clip(s + 1, 0, n_src - 1), w0, w1

    sx0, sx1, ax0, ax1 = taps(image.shape[1], new_w, True)
    sy0, sy1, by0, by1 = taps(image.shape[0], new_h, False)
    img = image.astype(np.int64)
    rows = img[:, sx0] * ax0[None, :, None] + img[:, sx1] * ax1[None, :, None]
    r0, r1 = rows[sy0] >> 4, rows[sy1] >> 4
    out = ((r0 * by0[:, None, None]) >> 16) + ((r1 * by1[:, None, None]) >> 16)
    return np.clip((out + 2) >> 2, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- MICA (ArcFace alignment)


def arcface_norm_crop(image: np.ndarray, five: np.ndarray, size: int = 112) -> Tuple[np.ndarray, np.ndarray]:
    m = similarity_lstsq(np.asarray(five, np.float32), ARCFACE_DST * (size / 112.0))[:2]
    return cv2_warp_affine_u8(image, m, (size, size)), m


def mica_blob(aligned_rgb: np.ndarray) -> np.ndarray:
    """blobFromImages(1/127.5, mean 127.5, swapRB) on the BGR image MICA reads = RGB NCHW here."""
    return ((aligned_rgb.astype(np.float32) - 127.5) / 127.5).transpose(2, 0, 1)[None]


# ---------------------------------------------------------------- RingNet


def ringnet_loose_crop(image: np.ndarray, box: Sequence[float], crop_scale: float, face_low: float, res: int = 224) -> Tuple[np.ndarray, Dict[str, int]]:
    """The studio's loose crop (not official: RingNet's demo takes a loosely cropped photo as given):
    a square of crop_scale × the box's mean side with the box's centre face_low × that side below
    the square's centre, integer pixels, edge-replicated outside the photo."""
    x, y, w, h = box
    side = max(2, int(np.floor((w + h) / 2 * crop_scale + 0.5)))
    while int(np.floor(side * (res / side))) != res:
        side += 1
    left = int(np.floor(x + w / 2 - side / 2 + 0.5))
    top = int(np.floor(y + h / 2 - face_low * (w + h) / 2 - side / 2 + 0.5))
    pad = side + 2
    padded = np.pad(image, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
    crop = padded[top + pad : top + pad + side, left + pad : left + pad + side]
    return crop, {"left": left, "top": top, "side": side}


def ringnet_demo_preprocess(img: np.ndarray, img_size: int = 224) -> Tuple[np.ndarray, np.ndarray]:
    """demo.preprocess_image on an already loaded RGB image: (uint8 crop, network input in [-1, 1])."""
    scale = float(img_size) / np.max(img.shape[:2]) if np.max(img.shape[:2]) != img_size else 1.0
    center = np.round(np.array(img.shape[:2]) / 2).astype(int)[::-1]
    new_size = np.floor(np.array(img.shape[0:2]) * scale).astype(int)
    scaled = cv2_resize_linear_u8(img, int(new_size[1]), int(new_size[0]))
    factors = [new_size[1] / float(img.shape[1]), new_size[0] / float(img.shape[0])]
    center_scaled = np.round(center * factors).astype(int)
    margin = int(img_size / 2)
    padded = np.pad(scaled, ((margin,), (margin,), (0,)), mode="edge")
    start = center_scaled + margin - margin
    crop = padded[start[1] : start[1] + img_size, start[0] : start[0] + img_size, :]
    return crop, 2 * ((crop / 255.0) - 0.5)
