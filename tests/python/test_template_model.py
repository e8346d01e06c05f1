# test_template_model.py: the layer stack: blend modes against their
# formulas, masks, opacity, colour fills, shading and displacement maps
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import numpy as np
import pytest
from PIL import Image
from gi.repository import GLib, Mockup

from conftest import assert_mockup_error, pixbuf_array, render, render_rgba

# Colour pairs: every backdrop against every source, one pixel each.
LEVELS = np.array([0, 30, 64, 100, 128, 160, 192, 224, 255], np.uint8)


def palette_images():
    """Backdrop and source images holding every pair of test colours:
    row r, column c has backdrop colour r and source colour c; channels
    are mixed so that the HSL modes see real hues."""
    n = len(LEVELS)
    rng = np.random.default_rng(7)
    picks = rng.integers(0, n, size=(n * n, 2, 3))
    backdrop = LEVELS[picks[:, 0, :]].reshape(n, n, 3)
    source = LEVELS[picks[:, 1, :]].reshape(n, n, 3)
    return backdrop, source


# The W3C Compositing and Blending Level 1 formulas (what Cairo/pixman and
# the PDF specification implement), on floats in [0, 1].
def lum(c):
    return 0.3 * c[..., 0] + 0.59 * c[..., 1] + 0.11 * c[..., 2]


def clip_color(c):
    l = lum(c)[..., None]
    n = c.min(axis=-1, keepdims=True)
    x = c.max(axis=-1, keepdims=True)
    c = np.where(n < 0, l + (c - l) * l / np.where(l - n == 0, 1, l - n), c)
    c = np.where(x > 1, l + (c - l) * (1 - l) / np.where(x - l == 0, 1, x - l), c)
    return c


def set_lum(c, l):
    d = l - lum(c)
    return clip_color(c + d[..., None])


def sat(c):
    return c.max(axis=-1) - c.min(axis=-1)


def set_sat(c, s):
    out = np.zeros_like(c)
    cmax, cmin = c.max(axis=-1), c.min(axis=-1)
    rng = cmax - cmin
    scaled = np.where(rng[..., None] > 0, (c - cmin[..., None]) * (s / np.where(rng == 0, 1, rng))[..., None], 0)
    out = np.where(rng[..., None] > 0, scaled, out)
    return out


def soft_light(b, s):
    d = np.where(b <= 0.25, ((16 * b - 12) * b + 4) * b, np.sqrt(b))
    return np.where(s <= 0.5, b - (1 - 2 * s) * b * (1 - b), b + (2 * s - 1) * (d - b))


def hard_light(b, s):
    return np.where(s <= 0.5, b * 2 * s, b + (2 * s - 1) - b * (2 * s - 1))


def color_dodge(b, s):
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(b == 0, 0, np.where(s >= 1, 1, np.minimum(1, b / (1 - s))))


def color_burn(b, s):
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(b >= 1, 1, np.where(s <= 0, 0, 1 - np.minimum(1, (1 - b) / s)))


# Photoshop's modes that Cairo lacks, blended by the library itself.
def vivid_light(b, s):
    # as Photoshop: a black or white source decides whatever the backdrop
    return np.where(s <= 0, 0.0, np.where(s >= 1, 1.0,
                    np.where(s <= 0.5, color_burn(b, 2 * s), color_dodge(b, 2 * s - 1))))


def whole_color(b, s, take_source):
    return np.where(take_source(lum(s), lum(b))[..., None], s, b)


def divide(b, s):
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(s == 0, np.where(b > 0, 1.0, 0.0), np.minimum(1, b / s))


PHOTOSHOP_FORMULAS = {
    'linear-burn': lambda b, s: np.maximum(0, b + s - 1),
    'linear-dodge': lambda b, s: np.minimum(1, b + s),
    'darker-color': lambda b, s: whole_color(b, s, np.less),
    'lighter-color': lambda b, s: whole_color(b, s, np.greater),
    'vivid-light': vivid_light,
    'linear-light': lambda b, s: np.clip(b + 2 * s - 1, 0, 1),
    'pin-light': lambda b, s: np.where(s <= 0.5, np.minimum(b, 2 * s), np.maximum(b, 2 * s - 1)),
    # in 8-bit levels: 255 where the two add up to 255 or more
    'hard-mix': lambda b, s: np.where(np.rint(b * 255) + np.rint(s * 255) >= 255, 1.0, 0.0),
    'subtract': lambda b, s: np.maximum(0, b - s),
    'divide': divide,
}

FORMULAS = {
    'normal': lambda b, s: s,
    'multiply': lambda b, s: b * s,
    'screen': lambda b, s: b + s - b * s,
    'overlay': lambda b, s: hard_light(s, b),
    'darken': np.minimum,
    'lighten': np.maximum,
    'color-dodge': color_dodge,
    'color-burn': color_burn,
    'hard-light': hard_light,
    'soft-light': soft_light,
    'difference': lambda b, s: np.abs(b - s),
    'exclusion': lambda b, s: b + s - 2 * b * s,
    'hue': lambda b, s: set_lum(set_sat(s, sat(b)), lum(b)),
    'saturation': lambda b, s: set_lum(set_sat(b, sat(s)), lum(b)),
    'color': lambda b, s: set_lum(s, lum(b)),
    'luminosity': lambda b, s: set_lum(b, lum(s)),
    **PHOTOSHOP_FORMULAS,
}


@pytest.mark.parametrize('mode', sorted(FORMULAS))
def test_blend_mode_formula(make_template, make_artwork, mode):
    backdrop, source = palette_images()
    n = backdrop.shape[0]
    template = make_template([{'type': 'image', 'source': 'backdrop.png'},
                              {'type': 'image', 'source': 'source.png', 'blend': mode}],
                             images={'backdrop.png': backdrop, 'source.png': source},
                             folder='blend-' + mode)
    out = render_rgba(template, make_artwork(source))[..., :3]
    b, s = backdrop / 255.0, source / 255.0
    expected = FORMULAS[mode](b, s)
    error = np.abs(out - expected)
    # pixman works in 8 bits: two levels of rounding at most, a little more
    # where dodge and burn divide by almost nothing
    tolerance = 6 / 255 if mode in ('color-dodge', 'color-burn', 'vivid-light', 'divide') else 2.5 / 255
    worst = np.unravel_index(error.argmax(), error.shape)
    assert error.max() <= tolerance, (mode, worst, b[worst[:2]], s[worst[:2]],
                                      out[worst[:2]], expected[worst[:2]])


def test_blend_with_opacity(make_template, make_artwork):
    """A translucent layer in a blend mode: (1 − α)·Cb + α·B(Cb, Cs)."""
    backdrop, source = palette_images()
    template = make_template([{'type': 'image', 'source': 'b.png'},
                              {'type': 'image', 'source': 's.png', 'blend': 'multiply', 'opacity': 0.4}],
                             images={'b.png': backdrop, 's.png': source})
    out = render_rgba(template, make_artwork(source))[..., :3]
    b, s = backdrop / 255.0, source / 255.0
    assert np.abs(out - (0.6 * b + 0.4 * b * s)).max() <= 2.5 / 255


@pytest.mark.parametrize('mode', sorted(PHOTOSHOP_FORMULAS))
def test_photoshop_blend_weights(make_template, make_artwork, mode):
    """The modes the library blends itself weigh opacity, masks, the source's
    alpha and a transparent backdrop as Cairo's operators do (PDF):
    co = αs·(1 − αb)·Cs + αb·(1 − αs)·Cb + αs·αb·B(Cb, Cs)."""
    backdrop, source = palette_images()
    n = backdrop.shape[0]
    # the backdrop's alpha falls along the rows, the source's along the columns
    b_alpha = np.linspace(255, 0, n).round().astype(np.uint8)[:, None].repeat(n, 1)
    s_alpha = np.linspace(255, 60, n).round().astype(np.uint8)[None, :].repeat(n, 0)
    mask = np.linspace(255, 40, n).round().astype(np.uint8)[:, None].repeat(n, 1).T
    mask_rgb = np.stack([mask] * 3, axis=-1)
    images = {'b.png': np.dstack([backdrop, b_alpha]), 's.png': np.dstack([source, s_alpha]),
              'm.png': mask_rgb}
    b, s = backdrop / 255.0, source / 255.0
    blended = FORMULAS[mode](b, s)
    tolerance = 8 / 255 if mode in ('vivid-light', 'divide') else 3 / 255

    def check(out, a_s, a_b, cs):
        a_o = a_s + a_b * (1 - a_s)
        co = (a_s * (1 - a_b))[..., None] * cs + (a_b * (1 - a_s))[..., None] * b \
            + (a_s * a_b)[..., None] * blended
        assert np.abs(out[..., 3] - a_o).max() <= 1.5 / 255
        # compare premultiplied colour: straight colour means little where alpha is low
        error = np.abs(out[..., :3] * out[..., 3:] - co)
        assert error.max() <= tolerance, (mode, np.unravel_index(error.argmax(), error.shape))

    template = make_template([{'type': 'image', 'source': 'b.png'},
                              {'type': 'image', 'source': 's.png', 'blend': mode, 'opacity': 0.6,
                               'mask': 'm.png'}],
                             images=images, folder='weights-' + mode)
    out = render_rgba(template, make_artwork(source))
    check(out, s_alpha / 255.0 * 0.6 * mask / 255.0, b_alpha / 255.0, s)

    # a colour layer: one source colour, its own alpha, no mask
    template = make_template([{'type': 'image', 'source': 'b.png'},
                              {'type': 'color', 'color': '#c04020b0', 'blend': mode, 'opacity': 0.5}],
                             images=images, folder='weights-color-' + mode)
    out = render_rgba(template, make_artwork(source))
    colour = np.broadcast_to(np.array([0xc0, 0x40, 0x20]) / 255.0, b.shape)
    blended = FORMULAS[mode](b, colour)
    check(out, np.full((n, n), 0xb0 / 255.0 * 0.5), b_alpha / 255.0, colour)


def gradient(width=64, height=16):
    return np.tile(np.linspace(0, 255, width).astype(np.uint8), (height, 1))


def test_mask_luminance_alpha_invert_and_opacity(make_template, make_artwork):
    w, h = 64, 16
    lum_mask = np.stack([gradient(w, h)] * 3, axis=-1)
    alpha_mask = np.zeros((h, w, 4), np.uint8)
    alpha_mask[..., 3] = gradient(w, h)
    cases = [
        ({'source': 'lum.png'}, gradient(w, h) / 255.0),
        ('lum.png', gradient(w, h) / 255.0),
        ({'source': 'alpha.png', 'mode': 'alpha'}, gradient(w, h) / 255.0),
        ({'source': 'lum.png', 'invert': True}, 1 - gradient(w, h) / 255.0),
    ]
    for k, (mask, m) in enumerate(cases):
        for opacity in (1.0, 0.5):
            template = make_template([{'type': 'color', 'color': '#000000'},
                                      {'type': 'color', 'color': '#ff8000', 'mask': mask, 'opacity': opacity}],
                                     size=(w, h), images={'lum.png': lum_mask, 'alpha.png': alpha_mask},
                                     folder='mask-%d-%g' % (k, opacity))
            out = render_rgba(template, make_artwork(lum_mask))
            cover = m * opacity
            assert np.abs(out[..., 0] - cover).max() <= 2 / 255, (mask, opacity)
            assert np.abs(out[..., 1] - cover * 128 / 255).max() <= 2 / 255, (mask, opacity)
            assert np.abs(out[..., 2]).max() == 0


def test_color_fill_under_mask_and_background(make_template, make_artwork):
    shirt = np.zeros((20, 40, 4), np.uint8)
    shirt[5:15, 10:30] = (255, 255, 255, 255)
    template = make_template([{'type': 'color', 'color': '#2a6cb0', 'mask': {'source': 'shirt.png', 'mode': 'alpha'}}],
                             size=(40, 20), images={'shirt.png': shirt}, background='#ffffff80')
    out = render_rgba(template, make_artwork(shirt))
    assert np.allclose(out[10, 20], [0x2a / 255, 0x6c / 255, 0xb0 / 255, 1], atol=1 / 255)
    # the background shows where the mask does not: half-transparent white
    assert np.allclose(out[1, 1], [1, 1, 1, 128 / 255], atol=1 / 255)


def test_shading_map_multiplies_the_print(make_template, make_artwork):
    w, h = 80, 40
    shade = np.zeros((h, w, 3), np.uint8)
    shade[:, :40] = 128       # half as bright
    shade[:, 40:] = 255       # unchanged
    grey = np.full((50, 50, 3), 200, np.uint8)
    for strength in (1.0, 0.5):
        template = make_template([{'type': 'artwork', 'fit': 'stretch', 'quad': [[0, 0], [w, 0], [w, h], [0, h]],
                                   'shading': {'source': 'shade.png', 'strength': strength}}],
                                 size=(w, h), images={'shade.png': shade}, folder='shade-%g' % strength)
        out = render_rgba(template, make_artwork(grey))[..., 0]
        factor = 1 + strength * (128 / 255 - 1)
        assert abs(out[20, 20] - 200 / 255 * factor) <= 2 / 255
        assert abs(out[20, 60] - 200 / 255) <= 2 / 255
    # a neutral level below white lets highlights brighten
    template = make_template([{'type': 'artwork', 'fit': 'stretch', 'quad': [[0, 0], [w, 0], [w, h], [0, h]],
                               'shading': {'source': 'shade.png', 'neutral': 0.5}}],
                             size=(w, h), images={'shade.png': shade}, folder='shade-neutral')
    out = render_rgba(template, make_artwork(np.full((50, 50, 3), 100, np.uint8)))[..., 0]
    assert abs(out[20, 20] - 100 / 255 * (128 / 255) / 0.5) <= 3 / 255
    assert abs(out[20, 60] - min(1, 100 / 255 * 2)) <= 3 / 255


def test_displacement_moves_the_print(make_template, make_artwork):
    w, h = 120, 60
    art = np.zeros((60, 120, 3), np.uint8)
    art[:, 60:] = 255                                  # an edge at x = 60
    flat = np.full((h, w, 3), 128, np.uint8)
    right = flat.copy()
    right[..., 0] = 255                                # red high: move right
    results = {}
    for name, dmap in (('flat', flat), ('right', right)):
        template = make_template([{'type': 'artwork', 'fit': 'stretch', 'quad': [[0, 0], [w, 0], [w, h], [0, h]],
                                   'displacement': {'source': 'd.png', 'strength': 8}}],
                                 size=(w, h), images={'d.png': dmap}, folder='disp-' + name)
        out = render_rgba(template, make_artwork(art))[..., 0]
        row = out[30, 10:110]
        # where the edge is: the coverage-weighted position of the step
        results[name] = 10 + (len(row) - row.sum())
    assert abs(results['flat'] - 60) < 0.6
    shift = results['right'] - results['flat']
    assert abs(shift - 8 * (255 / 255 - 0.5) * 2) < 0.6, results


def test_several_slots_and_missing_slot(make_template, make_artwork, tmp_path):
    template = make_template([
        {'type': 'artwork', 'slot': 'left', 'fit': 'stretch', 'quad': [[0, 0], [30, 0], [30, 30], [0, 30]]},
        {'type': 'artwork', 'slot': 'middle', 'fit': 'stretch', 'quad': [[30, 0], [60, 0], [60, 30], [30, 30]]},
        {'type': 'artwork', 'slot': 'right', 'fit': 'stretch', 'quad': [[60, 0], [90, 0], [90, 30], [60, 30]]},
    ], size=(90, 30))
    assert template.dup_slots() == ['left', 'middle', 'right']
    colours = {'left': (255, 0, 0), 'middle': (0, 255, 0), 'right': (0, 0, 255)}
    arts = {k: make_artwork(np.full((10, 10, 3), c, np.uint8), k + '.png') for k, c in colours.items()}
    renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF)
    (result,) = renderer.render_batch(None, [template], arts)
    out = pixbuf_array(result.get_pixbuf())
    for k, x in (('left', 15), ('middle', 45), ('right', 75)):
        assert tuple(out[15, x, :3]) == colours[k]
    del arts['middle']
    (result,) = renderer.render_batch(None, [template], arts)
    assert result.get_error().code == Mockup.Error.MISSING_SLOT
    assert 'layers[1].slot' in result.get_error().message and '"middle"' in result.get_error().message


def test_cylinder_lines(make_template, make_artwork):
    """Vertical lines of the artwork land at x = cx + R·sin φ, evenly spaced
    in angle; its top edge follows the rim ellipse."""
    art = np.full((200, 400, 3), 255, np.uint8)
    for u in range(1, 8):
        x = u * 50
        art[:, x - 2:x + 2] = 0
    left, right, top, bottom, ellipse = 100.0, 500.0, 100.0, 400.0, 30.0
    template = make_template([{'type': 'color', 'color': '#808080'},
                              {'type': 'artwork', 'fit': 'stretch',
                               'cylinder': {'left': left, 'right': right, 'top': top,
                                            'bottom': bottom, 'ellipse': ellipse, 'wrap': 150}}],
                             size=(600, 500))
    out = render_rgba(template, make_artwork(art))[..., 0]
    cx, r, wrap = (left + right) / 2, (right - left) / 2, np.radians(150)
    y = 250
    for u in range(1, 8):
        phi = (u / 8 - 0.5) * wrap
        expected = cx + r * np.sin(phi)
        lo, hi = int(expected) - 10, int(expected) + 11
        darkness = 1 - out[y, lo:hi]
        found = lo + 0.5 + (darkness * np.arange(hi - lo)).sum() / darkness.sum()
        assert abs(found - expected) < 0.35, (u, found, expected)
    # the top edge: y = top + e·(cos φ − 1), bright print against grey
    for x in (150, 330, 450):          # between the dark lines
        phi = np.arcsin((x + 0.5 - cx) / r)
        edge = top + ellipse * (np.cos(phi) - 1)
        column = out[int(edge) - 5:int(edge) + 6, x]
        # coverage of white over grey 0.502: solve for the edge position
        covered = ((column - 128 / 255) / (1 - 128 / 255)).clip(0, 1).sum()
        found = int(edge) + 6 - covered
        assert abs(found - edge) < 0.35, (x, found, edge)


def test_mesh_has_no_seams(make_template, make_artwork):
    """A smooth white print on a bent mesh is solid white inside: a gap or
    an overlap between cells would show as darker or brighter seams."""
    mesh = [[[40 + 100 * c + 10 * np.sin(r + c), 30 + 90 * r + 8 * np.cos(2 * r + c)]
             for c in range(5)] for r in range(4)]
    white = np.full((64, 64, 3), 255, np.uint8)
    template = make_template([{'type': 'color', 'color': '#000'},
                              {'type': 'artwork', 'fit': 'stretch', 'mesh': mesh}], size=(520, 340))
    out = render_rgba(template, make_artwork(white))[..., 0]
    # well inside the surface, away from the outline
    inside = out[60:260, 80:400]
    assert inside.min() >= 254 / 255


def test_template_errors_from_python(make_template):
    cases = [
        ({'type': 'color', 'color': '#fff', 'blend': 'dodge'}, 'layers[0].blend'),
        ({'type': 'color', 'color': '#fff', 'opacity': -1}, 'layers[0].opacity'),
        ({'type': 'color', 'color': '#ggg'}, 'layers[0].color'),
        ({'type': 'artwork', 'mesh': [[[0, 0], [1, 0]]]}, 'layers[0].mesh'),
        ({'type': 'artwork', 'cylinder': {'left': 0, 'right': 10, 'top': 0, 'bottom': 10, 'tilt': 3}},
         'layers[0].cylinder'),
        ({'type': 'artwork', 'quad': [[0, 0], [9, 0], [9, 9], [0, 9]], 'aspect': 0}, 'layers[0].aspect'),
        ({'type': 'artwork', 'quad': [[0, 0], [9, 0], [9, 9], [0, 9]], 'displacement': {'source': 'x.png',
                                                                                       'strength': 999}},
         'layers[0].displacement.strength'),
    ]
    for k, (layer, member) in enumerate(cases):
        with pytest.raises(GLib.Error) as excinfo:
            make_template([layer], size=(10, 10), folder='err-%d' % k)
        assert_mockup_error(excinfo, Mockup.Error.INVALID_TEMPLATE, member)


def test_deeply_nested_manifest_is_an_error(tmp_path):
    # json-glib's parser recurses once a level: 100,000 levels overflowed
    # the stack and killed the interpreter
    deep = [b'[' * 100000,
            b'{"a":' * 100000,
            b'{"format": 1, "size": [10, 10], "_note": ' + b'[' * 100000 + b']' * 100000 + b'}']
    for k, data in enumerate(deep):
        with pytest.raises(GLib.Error) as excinfo:
            Mockup.Template.new_from_data(data, None)
        assert_mockup_error(excinfo, Mockup.Error.INVALID_TEMPLATE,
                            'template data: (root): the JSON text nests deeper than 64 levels')
        path = tmp_path / ('deep-%d.json' % k)
        path.write_bytes(data)
        with pytest.raises(GLib.Error) as excinfo:
            Mockup.Template.new_from_file(str(path))
        assert_mockup_error(excinfo, Mockup.Error.INVALID_TEMPLATE, str(path),
                            'nests deeper than 64 levels (at line:column 1:')

    # brackets in a string are text, whatever their number
    note = b'"' + b'[' * 100000 + b'"'
    template = Mockup.Template.new_from_data(
        b'{"format": 1, "size": [10, 10], "_note": ' + note +
        b', "layers": [{"type": "color", "color": "#fff"}]}', None)
    assert template.get_width() == 10


def test_template_reports_every_problem(make_template):
    layers = [{'type': 'color', 'color': '#fff', 'opacity': 3},
              {'type': 'artwork', 'quad': [[0, 0], [9, 0], [9, 9], [0, 9]], 'fit': 'fill', 'aspect': 0},
              {'type': 'image', 'source': 'missing.png'}]
    with pytest.raises(GLib.Error) as excinfo:
        make_template(layers, size=(10, 10), folder='many', colour='red')
    # the first problem gives the code and the first line
    assert_mockup_error(excinfo, Mockup.Error.INVALID_TEMPLATE)
    lines = excinfo.value.message.split('\n')
    members = [line.split(': ')[1] for line in lines]
    assert members == ['(root)', 'layers[0].opacity', 'layers[1].fit', 'layers[1].aspect', 'layers[2].source'], lines
    assert lines[0].endswith('template.json: (root): unknown member "colour" (allowed: $schema, format, id, name, '
                             'size, background, parameters, layers; names starting with "_" are free for comments)')

    # 20 at most, then a count
    with pytest.raises(GLib.Error) as excinfo:
        make_template([{'type': 'color', 'color': '#fff', 'opacity': 2 + k} for k in range(25)],
                      size=(10, 10), folder='more')
    lines = excinfo.value.message.split('\n')
    assert len(lines) == 21
    assert lines[-1].endswith('template.json: and 5 more problems')
