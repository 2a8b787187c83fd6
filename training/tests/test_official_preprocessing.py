"""The numpy re-implementation of the official DECA / RingNet / MICA preprocessing (the parity
reference of tests/adapters/preprocessing-parity.test.ts) on cases whose answer is known."""
import numpy as np

from estimators.official_preprocessing import (
    ARCFACE_DST,
    arcface_norm_crop,
    cv2_resize_linear_u8,
    cv2_warp_affine_u8,
    deca_box,
    deca_crop,
    ringnet_demo_preprocess,
    similarity_lstsq,
)

rng = np.random.default_rng(0)
IMAGE = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)


def test_least_squares_similarity_recovers_a_known_one():
    a, t = 1.7 * np.array([[np.cos(0.4), -np.sin(0.4)], [np.sin(0.4), np.cos(0.4)]]), np.array([5.0, -3.0])
    src = rng.uniform(0, 100, (5, 2))
    m = similarity_lstsq(src, src @ a.T + t)
    np.testing.assert_allclose(m[:2, :2], a, atol=1e-12)
    np.testing.assert_allclose(m[:2, 2], t, atol=1e-10)


def test_opencv_warp_identity_and_integer_shift_are_exact():
    np.testing.assert_array_equal(cv2_warp_affine_u8(IMAGE, np.array([[1.0, 0, 0], [0, 1, 0]]), (80, 60)), IMAGE)
    shifted = cv2_warp_affine_u8(IMAGE, np.array([[1.0, 0, -3], [0, 1, -2]]), (80, 60))
    np.testing.assert_array_equal(shifted[:-2, :-3], IMAGE[2:, 3:])
    assert (shifted[-2:] == 0).all(), "black border"
    half = cv2_warp_affine_u8(IMAGE, np.array([[1.0, 0, 0.5], [0, 1, 0]]), (80, 60))
    expect = (IMAGE[:, :-1].astype(int) + IMAGE[:, 1:].astype(int) + 1) // 2
    np.testing.assert_array_equal(half[:, 1:], expect)


def test_opencv_resize_same_size_is_identity_and_constant_stays_constant():
    np.testing.assert_array_equal(cv2_resize_linear_u8(IMAGE, 80, 60), IMAGE)
    flat = np.full((37, 41, 3), 200, np.uint8)
    assert (cv2_resize_linear_u8(flat, 224, 224) == 200).all()
    assert (cv2_resize_linear_u8(flat, 13, 11) == 200).all()


def test_deca_box_paths():
    bbox = deca_box(bbox=[10, 20, 110, 140])
    assert bbox["oldSize"] == 110 and np.allclose(bbox["centre"], [60, 80 + 0.12 * 110])
    kpt = np.array([[10, 20], [110, 140], [50, 60]], float)
    k = deca_box(kpt68=kpt)
    assert np.isclose(k["oldSize"], 110 * 1.1) and np.allclose(k["centre"], [60, 80])


def test_deca_crop_maps_the_square_corners_onto_pixels_0_and_223():
    image = np.zeros((400, 400, 3), np.uint8)
    image[100, 100] = 255  # the crop's top-left corner: old_size 200 → size int(250)
    crop, info = deca_crop(image, bbox=[125 - 0, 125 - 24, 325, 325 - 24])
    assert info["size"] == 250
    assert np.allclose(info["centre"], [225, 225])
    assert np.isclose(crop[0, 0, 0], 1.0) and crop.shape == (224, 224, 3)
    image[100, 100] = 0
    image[350, 350] = 255  # the opposite corner lands on pixel 223
    crop, _ = deca_crop(image, bbox=[125, 101, 325, 301])
    assert np.isclose(crop[223, 223, 0], 1.0)


def test_ringnet_demo_pads_a_portrait_with_its_edges():
    portrait = rng.integers(0, 256, (218, 178, 3), dtype=np.uint8)  # a CelebA-sized loose crop
    crop, net_input = ringnet_demo_preprocess(portrait)
    assert crop.shape == (224, 224, 3) and net_input.min() >= -1 and net_input.max() <= 1
    np.testing.assert_allclose(net_input, 2 * (crop / 255.0 - 0.5))
    left_pad = (224 - 182) // 2  # 178 · 224/218 → 182 columns, centred
    assert (crop[:, :left_pad] == crop[:, left_pad : left_pad + 1]).all()


def test_arcface_alignment_puts_the_five_points_on_the_template():
    image = np.zeros((300, 300, 3), np.uint8)
    five = ARCFACE_DST.astype(np.float64) * 2 + [40, 30]
    for x, y in five:
        image[int(round(y)), int(round(x))] = 255
    aligned, m = arcface_norm_crop(image, five)
    np.testing.assert_allclose(m[:, :2], np.eye(2) / 2, atol=1e-6)
    assert aligned.shape == (112, 112, 3)


def _libopencv():
    """OpenCV's own imgproc through its C API, where the machine has it (not a dependency)."""
    import ctypes

    try:
        lib = ctypes.CDLL("libopencv_imgproc.so.406")  # system-deps: optional (a cross-check run only where OpenCV 4.6 happens to be installed)
    except OSError:
        return None

    class CvMat(ctypes.Structure):
        _fields_ = [("type", ctypes.c_int), ("step", ctypes.c_int), ("refcount", ctypes.c_void_p), ("hdr_refcount", ctypes.c_int), ("data", ctypes.c_void_p), ("rows", ctypes.c_int), ("cols", ctypes.c_int)]

    class CvScalar(ctypes.Structure):
        _fields_ = [("val", ctypes.c_double * 4)]

    def mat(a, cv_type):  # CV_MAT_MAGIC_VAL | CV_MAT_CONT_FLAG | type
        return CvMat(0x42420000 | (1 << 14) | cv_type, a.strides[0], None, 0, a.ctypes.data, a.shape[0], a.shape[1])

    lib.cvWarpAffine.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, CvScalar]
    lib.cvResize.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]

    def warp(img, m, size):
        img, m = np.ascontiguousarray(img), np.ascontiguousarray(m, np.float64)
        out = np.zeros((size[1], size[0], 3), np.uint8)
        src, dst, mm = mat(img, 16), mat(out, 16), mat(m, 6)  # CV_8UC3, CV_64FC1
        lib.cvWarpAffine(ctypes.byref(src), ctypes.byref(dst), ctypes.byref(mm), 1 + 8, CvScalar((0, 0, 0, 0)))  # LINEAR | FILL_OUTLIERS
        return out

    def resize(img, w, h):
        img = np.ascontiguousarray(img)
        out = np.zeros((h, w, 3), np.uint8)
        src, dst = mat(img, 16), mat(out, 16)
        lib.cvResize(ctypes.byref(src), ctypes.byref(dst), 1)
        return out

    return warp, resize


def test_opencv_emulation_is_bit_exact_against_libopencv_where_installed():
    import pytest

    cv = _libopencv()
    if cv is None:
        pytest.skip("libopencv_imgproc 4.6 not on this machine")
    warp, resize = cv
    gen = np.random.default_rng(5)
    for _ in range(60):
        img = gen.integers(0, 256, (int(gen.integers(40, 300)), int(gen.integers(40, 300)), 3), dtype=np.uint8)
        ang, sc = gen.uniform(-0.5, 0.5), gen.uniform(0.2, 3)
        m = np.array([[sc * np.cos(ang), -sc * np.sin(ang), gen.uniform(-80, 40)], [sc * np.sin(ang), sc * np.cos(ang), gen.uniform(-80, 40)]])
        np.testing.assert_array_equal(cv2_warp_affine_u8(img, m, (112, 112)), warp(img, m, (112, 112)))
        w, h = int(gen.integers(20, 400)), int(gen.integers(20, 400))
        np.testing.assert_array_equal(cv2_resize_linear_u8(img, w, h), resize(img, w, h))
