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
