# test_geometry.py: perspective and warp placements written by ag-psd,
# imported, and checked against the values written and against the
# library's rendering of them
#
# The test computes the true placement itself (a homography solved as a
# linear system, the Bézier patch, the template's Catmull-Rom spline as
# doc/template-format.md defines it), independently of the importer.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw
from psd_tools import PSDImage

from conftest import render_template, validate_manifest
from mockup_import_psd import PsdImportError, import_psd

W, H = 240, 160                 # the smart object's content
CANVAS = (320, 240)
QUAD = [[40.25, 30.5], [282.75, 52.125], [268.5, 205.75], [55.125, 188.0]]   # seen at an angle


def homography(quad):
    """3×3 matrix of the unit square onto ``quad``, by solving the eight
    equations of the four corners."""
    src = [(0, 0), (1, 0), (1, 1), (0, 1)]
    a, b = [], []
    for (u, v), (x, y) in zip(src, quad):
        a.append([u, v, 1, 0, 0, 0, -u * x, -v * x])
        a.append([0, 0, 0, u, v, 1, -u * y, -v * y])
        b += [x, y]
    h = np.linalg.solve(np.array(a, float), np.array(b, float))
    return np.append(h, 1).reshape(3, 3)


def through(matrix, x, y):
    """Content pixels through the placement (content rectangle W × H)."""
    u, v = x / W, y / H
    d = matrix[2, 0] * u + matrix[2, 1] * v + 1
    return np.stack([(matrix[0, 0] * u + matrix[0, 1] * v + matrix[0, 2]) / d,
                     (matrix[1, 0] * u + matrix[1, 1] * v + matrix[1, 2]) / d], axis=-1)


def bezier(points, u, v):
    """The bicubic Bézier patch of 4 × 4 ``points`` (rows top to bottom)."""
    def basis(t):
        return np.stack([(1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3], axis=-1)
    bu, bv = basis(np.asarray(u, float)), basis(np.asarray(v, float))
    return np.einsum('...j,...i,jik->...k', bv, bu, np.asarray(points, float).reshape(4, 4, 2))


def true_surface(quad, warp):
    matrix = homography(quad)

    def surface(u, v):
        p = bezier(warp, u, v) if warp is not None else np.stack(np.broadcast_arrays(u * W, v * H), axis=-1)
        return through(matrix, p[..., 0], p[..., 1])
    return surface


def spline(mesh, u, v):
    """doc/template-format.md's mesh: bicubic Catmull-Rom through the
    points, continued linearly past the border."""
    mesh = np.asarray(mesh, float)
    rows, cols = mesh.shape[:2]

    def point(r, c):
        rr, cc = np.clip(r, 0, rows - 1), np.clip(c, 0, cols - 1)
        p = mesh[rr, cc].copy()
        if r != rr:
            p += (mesh[rr, cc] - mesh[1 if r < 0 else rows - 2, cc]) * abs(r - rr)
        if c != cc:
            p += (mesh[rr, cc] - mesh[rr, 1 if c < 0 else cols - 2]) * abs(c - cc)
        return p

    def weights(t):
        return 0.5 * np.array([-t + 2 * t * t - t ** 3, 2 - 5 * t * t + 3 * t ** 3,
                               t + 4 * t * t - 3 * t ** 3, -t * t + t ** 3])
    out = []
    for uu, vv in zip(np.ravel(u), np.ravel(v)):
        s, t = uu * (cols - 1), vv * (rows - 1)
        c, r = min(int(s), cols - 2), min(int(t), rows - 2)
        wu, wv = weights(s - c), weights(t - r)
        out.append(sum(wu[i] * wv[j] * point(r - 1 + j, c - 1 + i) for j in range(4) for i in range(4)))
    return np.array(out).reshape(np.shape(u) + (2,))


def thirds(dx=None):
    """An unbent warp's control points, moved by ``dx`` (4 × 4 × 2)."""
    grid = np.stack(np.meshgrid(np.arange(4) * W / 3, np.arange(4) * H / 3), axis=-1)
    return grid + (0 if dx is None else np.asarray(dx, float))


BENT = thirds([[[0, 0], [10, -18], [-6, -14], [0, 0]],
               [[-12, 4], [14, 10], [-10, 12], [9, -3]],
               [[8, -5], [-12, 6], [16, -8], [-7, 4]],
               [[0, 0], [-8, 15], [12, 20], [0, 0]]])


def spec_for(name, image, quad=QUAD, warp=None, **extra):
    flat = [c for p in quad for c in p]
    layer = {'name': name, 'image': image, 'transform': flat, 'nonAffineTransform': flat, **extra}
    if warp is not None:
        layer['warp'] = np.asarray(warp).reshape(16, 2).tolist()
    return {'width': CANVAS[0], 'height': CANVAS[1], 'background': [0, 0, 0], 'layers': [layer]}


def gradient_content(fine=False):
    """256 × 256 pixels whose R is their x and G their y: one level a
    pixel, or eight (wrapping every 32 pixels) when ``fine``. Linear, so
    that filtering keeps the values where they are."""
    ramp = np.arange(256)
    if fine:
        ramp = (ramp * 8) % 256
    image = np.zeros((256, 256, 3), np.uint8)
    image[..., 0] = ramp[None, :]
    image[..., 1] = ramp[:, None]
    return image


def white_content():
    return np.full((H, W, 3), 255, np.uint8)


def imported(generate_psd, tmp_path, spec, name):
    psd = generate_psd(spec, name + '.psd')
    folder = tmp_path / name
    result = import_psd(str(psd), str(folder))
    validate_manifest(folder / 'template.json')
    manifest = json.loads((folder / 'template.json').read_text())
    return psd, folder, result, manifest


def decode_positions(generate_psd, tmp_path, quad, warp):
    """Renders the content's coordinates (a coarse and a fine gradient)
    through the imported template; for the pixels well inside the slot,
    their centres and the content fractions (u, v) that landed there."""
    psd, folder, result, manifest = imported(generate_psd, tmp_path, spec_for('print', white_content(), quad, warp),
                                             'decode')
    # the gradients are square: stretched, as a design of the content's
    # proportions would be by "cover"
    for layer in manifest['layers']:
        if layer['type'] == 'artwork':
            layer['fit'] = 'stretch'
    (folder / 'template.json').write_text(json.dumps(manifest))
    images = {}
    for fine in (False, True):
        art = tmp_path / ('gradient-%d.png' % fine)
        Image.fromarray(gradient_content(fine)).save(art)
        images[fine] = render_template(folder / 'template.json', {'print': art}).astype(float)
    coarse, fine = images[False], images[True]
    coverage = white_coverage(generate_psd, tmp_path, quad, warp)
    inside = coverage > 0.999
    # far from the slot's edges and from the fine gradient's wraps
    inside[:2] = inside[-2:] = False
    inside[:, :2] = inside[:, -2:] = False
    # the filter that shrinks the gradient reaches a few texels: stay 6
    # texels away from the fine one's wraps (every 32 texels), where it
    # blurs 255 into 0
    inside &= np.all(np.abs((coarse[..., :2] + 16) % 32 - 16) > 6, axis=-1)
    ys, xs = np.nonzero(inside)
    out = []
    for channel in (0, 1):
        # the texture coordinate t (pixel centres at whole numbers) is R
        # roughly, and 32 k + R / 8 finely, k from the rough one
        rough = coarse[ys, xs, channel]
        step = fine[ys, xs, channel] / 8
        t = 32 * np.round((rough - step) / 32) + step
        out.append((t + 0.5) / 256)
    centres = np.stack([xs + 0.5, ys + 0.5], axis=-1)
    return centres, np.stack(out, axis=-1)


_coverage_cache = {}


def white_coverage(generate_psd, tmp_path, quad, warp):
    key = (json.dumps(quad), None if warp is None else np.asarray(warp).tobytes())
    if key not in _coverage_cache:
        psd, folder, result, manifest = imported(generate_psd, tmp_path, spec_for('print', white_content(), quad, warp),
                                                 'white-%d' % len(_coverage_cache))
        art = tmp_path / 'white.png'
        Image.fromarray(white_content()).save(art)
        _coverage_cache[key] = render_template(folder / 'template.json', {'print': art})[..., 0] / 255.0
    return _coverage_cache[key]


def supersampled_coverage(surface, factor=16):
    """The true patch's area on the canvas: its outline, densely sampled,
    filled at ``factor`` times the resolution and averaged down."""
    t = np.linspace(0, 1, 2001)
    z, o = np.zeros_like(t), np.ones_like(t)
    outline = np.concatenate([surface(t, z), surface(o, t), surface(t[::-1], o), surface(z, t[::-1])])
    image = Image.new('L', (CANVAS[0] * factor, CANVAS[1] * factor), 0)
    ImageDraw.Draw(image).polygon([tuple(p) for p in outline * factor], fill=255)
    return np.asarray(image.resize(CANVAS, Image.Resampling.BOX), float) / 255.0


def test_generated_file_holds_what_was_written(generate_psd):
    psd = PSDImage.open(generate_psd(spec_for('print', white_content(), QUAD, BENT)))
    (layer,) = [layer for layer in psd if layer.kind == 'smartobject']
    config = layer.smart_object._config.data
    assert list(config[b'nonAffineTransform']) == [c for p in QUAD for c in p]
    xs = list(config[b'warp'][b'customEnvelopeWarp'][b'meshPoints'][b'Hrzn'].values)
    assert np.allclose(xs, BENT.reshape(16, 2)[:, 0])


def test_perspective_quad(generate_psd, tmp_path):
    psd, folder, result, manifest = imported(generate_psd, tmp_path, spec_for('Your design', white_content()), 'quad')
    (slot,) = [layer for layer in manifest['layers'] if layer['type'] == 'artwork']
    assert slot['slot'] == 'your-design'
    assert np.abs(np.array(slot['quad']) - np.array(QUAD)).max() <= 0.01
    assert slot['fit'] == 'cover' and abs(slot['aspect'] - W / H) < 1e-6
    # rendered: the area the artwork covers against the supersampled quad
    coverage = white_coverage(generate_psd, tmp_path, QUAD, None)
    reference = supersampled_coverage(true_surface(QUAD, None))
    error = np.abs(coverage - reference)
    # a 16-times supersampled edge is good to about 1/16 of a pixel
    assert error.mean() <= 0.002 and error.max() <= 0.1, (error.mean(), error.max())
    # and where each point of the artwork lands
    centres, uv = decode_positions(generate_psd, tmp_path, QUAD, None)
    distance = np.hypot(*(true_surface(QUAD, None)(uv[:, 0], uv[:, 1]) - centres).T)
    assert len(distance) > 5000
    assert distance.mean() <= 0.1 and distance.max() <= 0.3, (distance.mean(), distance.max())


@pytest.mark.parametrize('quad', [QUAD, [[20, 20], [300, 20], [300, 220], [20, 220]]], ids=['perspective', 'flat'])
def test_custom_warp(generate_psd, tmp_path, quad):
    psd, folder, result, manifest = imported(generate_psd, tmp_path, spec_for('print', white_content(), quad, BENT),
                                             'warp')
    (slot,) = [layer for layer in manifest['layers'] if layer['type'] == 'artwork']
    mesh = np.array(slot['mesh'])
    rows, cols = mesh.shape[:2]
    assert 4 <= rows <= 64 and 4 <= cols <= 64
    surface = true_surface(quad, BENT)
    # the control points lie on the patch pushed through the placement
    uu, vv = np.meshgrid(np.linspace(0, 1, cols), np.linspace(0, 1, rows))
    assert np.abs(mesh - surface(uu, vv)).max() <= 0.01
    # and the template's spline through them stays within 0.25 px of it
    u, v = np.meshgrid(np.linspace(0, 1, 6 * (cols - 1) + 1), np.linspace(0, 1, 6 * (rows - 1) + 1))
    gap = np.hypot(*(spline(mesh, u, v) - surface(u, v)).transpose(2, 0, 1))
    assert gap.max() <= 0.25, gap.max()

    # rendered: the covered area against the supersampled patch ...
    coverage = white_coverage(generate_psd, tmp_path, quad, BENT)
    reference = supersampled_coverage(surface)
    error = np.abs(coverage - reference)
    # an edge 0.25 px away changes a pixel's coverage by at most 0.25
    assert error.mean() <= 0.003 and error.max() <= 0.25, (error.mean(), error.max())
    # ... and the artwork's points where the patch puts them
    centres, uv = decode_positions(generate_psd, tmp_path, quad, BENT)
    distance = np.hypot(*(surface(uv[:, 0], uv[:, 1]) - centres).T)
    assert len(distance) > 5000
    assert distance.mean() <= 0.12 and distance.max() <= 0.4, (distance.mean(), distance.max())
    # the same check tells an unwarped placement from it
    flat = np.hypot(*(true_surface(quad, None)(uv[:, 0], uv[:, 1]) - centres).T)
    assert flat.mean() > 3


def test_unbent_custom_warp_is_a_quad(generate_psd, tmp_path):
    psd, folder, result, manifest = imported(generate_psd, tmp_path,
                                             spec_for('print', white_content(), QUAD, thirds()), 'identity')
    (slot,) = [layer for layer in manifest['layers'] if layer['type'] == 'artwork']
    assert 'mesh' not in slot and np.abs(np.array(slot['quad']) - np.array(QUAD)).max() <= 0.01


@pytest.mark.parametrize('case, message', [
    ('preset', 'the preset warp "warpArc" cannot be expressed'),
    ('fold', 'the warp folds over itself'),
    ('concave', 'do not form a convex quadrilateral'),
])
def test_placements_a_template_cannot_hold(generate_psd, tmp_path, case, message):
    if case == 'preset':
        spec = spec_for('print', white_content(), QUAD, warpStyle='arc')
    elif case == 'fold':
        # the second column's handles pulled far left: the left edge folds back
        folded = thirds()
        folded[1:3, 1] += [-250, 0]
        spec = spec_for('print', white_content(), QUAD, folded)
    else:
        spec = spec_for('print', white_content(), [[40, 30], [280, 50], [100, 100], [55, 188]])
    psd = generate_psd(spec, case + '.psd')
    with pytest.raises(PsdImportError) as info:
        import_psd(str(psd), str(tmp_path / case))
    assert 'layer "print": ' in str(info.value)
    assert message in str(info.value)
