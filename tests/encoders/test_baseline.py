import numpy as np

from vidfp.encoders import get_encoder


def test_flip_is_exact_permutation(rng):
    e = get_encoder("baseline")
    x = rng.integers(0, 256, size=(3, 144, 144, 3), dtype=np.uint8)
    g, r, c = e.encode(x)
    gf, rf, cf = e.encode(np.ascontiguousarray(x[:, :, ::-1]))
    g2, r2 = e.flip(g, r)
    np.testing.assert_allclose(gf, g2, atol=1e-5)
    np.testing.assert_allclose(rf, r2, atol=1e-5)
    np.testing.assert_allclose(cf[:, 0], 1 - c[:, 0], atol=1e-5)


def test_shapes_norms_and_determinism(rng):
    e = get_encoder("baseline")
    x = rng.integers(0, 256, size=(5, 144, 144, 3), dtype=np.uint8)
    g, r, c = e.encode(x)
    assert g.shape == (5, 96) and r.shape == (5, 34, 48) and c.shape == (5, 2)
    np.testing.assert_allclose(np.linalg.norm(g, axis=1), 1, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(r, axis=2), 1, atol=1e-5)
    g1, r1, _ = e.encode(x[:1])
    np.testing.assert_allclose(g1, g[:1], atol=1e-6)  # batch of 1 equals batch of 5
    assert e.region_positions().shape == (34, 2)


def test_robust_to_brightness_contrast_but_not_to_other_content(rng):
    e = get_encoder("baseline")
    yy, xx = np.mgrid[0:144, 0:144]
    img = (128 + 60 * np.sin(xx / 9.0) * np.cos(yy / 13.0)).astype(np.uint8)
    a = np.repeat(img[None, ..., None], 3, axis=3)
    brighter = np.clip(a.astype(np.float32) * 1.2 + 15, 0, 255).astype(np.uint8)
    other = rng.integers(0, 256, size=a.shape, dtype=np.uint8)
    ga, gb, go = e.encode(a)[0], e.encode(brighter)[0], e.encode(other)[0]
    assert (ga @ gb.T).item() > 0.95 and (ga @ go.T).item() < 0.5
