# test_placement.py: placed artwork and print resolution through the typelib
#
# The expected positions come from a homography solved here with numpy
# (the quad's own definition: its corners are where the slot's corners
# land), and the placement's definition: the artwork's box at left/top/width
# of the print area, its height from the two aspects, turned about its
# centre in the print area's physical proportions.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import math
import pathlib

import numpy as np
import pytest
from PIL import Image, ImageDraw
from gi.repository import GLib, Mockup

from conftest import SOURCE_DIR

ART_W, ART_H = 240, 160
DOTS = [((16, 16), (255, 0, 0)), ((ART_W - 16, 16), (0, 255, 0)),
        ((ART_W - 16, ART_H - 16), (0, 0, 255)), ((16, ART_H - 16), (255, 255, 0))]
QUAD = [[60, 40], [340, 70], [330, 262], [50, 240]]


def dots_artwork():
    image = Image.new('RGB', (ART_W * 4, ART_H * 4), (128, 128, 128))
    draw = ImageDraw.Draw(image)
    for (x, y), colour in DOTS:
        draw.ellipse([(x - 7) * 4, (y - 7) * 4, (x + 7) * 4, (y + 7) * 4], fill=colour)
    # drawn at 4× and shrunk: round, antialiased dots centred where DOTS says
    return image.resize((ART_W, ART_H), Image.Resampling.BOX)


def homography(quad):
    """The 3×3 map taking (0,0), (1,0), (1,1), (0,1) to the quad's corners."""
    rows, rhs = [], []
    for (u, v), (x, y) in zip([(0, 0), (1, 0), (1, 1), (0, 1)], quad):
        rows.append([u, v, 1, 0, 0, 0, -u * x, -v * x])
        rows.append([0, 0, 0, u, v, 1, -u * y, -v * y])
        rhs += [x, y]
    h = np.linalg.solve(np.array(rows, float), np.array(rhs, float))
    return np.append(h, 1).reshape(3, 3)


def expected(quad, print_aspect, left, top, width, degrees, s, t):
    w = width * print_aspect
    h = w / (ART_W / ART_H)
    cx, cy = (left + width / 2) * print_aspect, top + h / 2
    c, sn = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    dx, dy = (s - 0.5) * w, (t - 0.5) * h
    u, v = (cx + c * dx - sn * dy) / print_aspect, cy + sn * dx + c * dy
    x, y, z = homography(quad) @ np.array([u, v, 1.0])
    return x / z, y / z


def weights(pixels, index):
    r, g, b = (pixels[..., i].astype(float) for i in range(3))
    return np.maximum(0, [r - np.maximum(g, b), g - np.maximum(r, b),
                          b - np.maximum(r, g), np.minimum(r, g) - b][index])


def centroid(pixels, index):
    w = weights(pixels, index)
    ys, xs = np.mgrid[0:w.shape[0], 0:w.shape[1]]
    return (w * (xs + 0.5)).sum() / w.sum(), (w * (ys + 0.5)).sum() / w.sum(), w.sum()


def to_array(pixbuf):
    data = np.frombuffer(pixbuf.get_pixels(), np.uint8)
    rows = data[:pixbuf.get_rowstride() * pixbuf.get_height()].reshape(pixbuf.get_height(), -1)
    return rows[:, :pixbuf.get_width() * pixbuf.get_n_channels()].reshape(
        pixbuf.get_height(), pixbuf.get_width(), pixbuf.get_n_channels())[..., :3]


@pytest.fixture
def renderer():
    renderer = Mockup.Renderer.new()
    renderer.set_format(Mockup.Format.PIXBUF)
    return renderer


@pytest.fixture
def dots(make_artwork):
    return make_artwork(dots_artwork(), 'dots.png')


def quad_template(make_template, quad=QUAD, print_size=(40, 30)):
    layer = {'type': 'artwork', 'quad': quad}
    if print_size is not None:
        layer['print'] = {'width': print_size[0], 'height': print_size[1], 'unit': 'cm'}
    return make_template([{'type': 'color', 'color': '#000000'}, layer], size=(400, 300))


@pytest.mark.parametrize('placement', [(0.2, 0.15, 0.5, 0), (0.3, 0.25, 0.4, 30),
                                       (0.25, 0.2, 0.45, -90), (0.1, 0.1, 0.3, 180)])
def test_corners_land(renderer, make_template, dots, placement):
    template = quad_template(make_template)
    options = Mockup.RenderOptions.new()
    options.set_placement('artwork', *placement)
    assert options.get_placement('artwork') == (True, *placement)
    assert options.dup_placement_slots() == ['artwork']
    result = renderer.render_full(dots, template, options, None)
    pixels = to_array(result.get_pixbuf())
    for index, ((x, y), _) in enumerate(DOTS):
        ex, ey = expected(QUAD, 40 / 30, *placement, x / ART_W, y / ART_H)
        cx, cy, total = centroid(pixels, index)
        assert total > 255 * 10
        assert math.hypot(cx - ex, cy - ey) <= 0.5, (index, (cx, cy), (ex, ey))


def test_placement_differs_from_fitting(renderer, make_template, dots):
    template = quad_template(make_template)
    fitted = to_array(renderer.render(dots, template, None).get_pixbuf())
    options = Mockup.RenderOptions.new()
    options.set_placement('artwork', 0.1, 0.1, 0.3, 0)
    placed = to_array(renderer.render_full(dots, template, options, None).get_pixbuf())
    # fitted, the red dot sits near the quad's top-left corner; placed, it
    # moved in, and most of the slot shows the black canvas
    assert math.hypot(*np.subtract(centroid(fitted, 0)[:2], centroid(placed, 0)[:2])) > 20
    assert (placed.sum(axis=2) == 0).sum() > (fitted.sum(axis=2) == 0).sum() + 20000
    # a cleared placement fits again
    options.clear_placement('artwork')
    assert options.get_placement('artwork')[0] is False
    again = to_array(renderer.render_full(dots, template, options, None).get_pixbuf())
    assert np.array_equal(again, fitted)


def test_clipped_to_the_print_area(renderer, make_template, dots):
    template = quad_template(make_template, quad=[[100, 50], [300, 50], [300, 250], [100, 250]],
                             print_size=(10, 10))
    options = Mockup.RenderOptions.new()
    options.set_placement('artwork', 0.75, -0.1, 0.5, 0)
    pixels = to_array(renderer.render_full(dots, template, options, None).get_pixbuf()).astype(int)
    assert pixels[:50].max() == 0           # above the print area
    assert pixels[:, 300:].max() == 0       # right of it
    assert abs(pixels[60, 290] - 128).max() <= 2
    assert weights(pixels, 0).sum() == 0    # the top-left dot is cut off
    assert weights(pixels, 3).sum() > 0


@pytest.mark.parametrize('placement, member', [
    ((float('nan'), 0, 0.5, 0), 'left'),
    ((0, 0, 0, 0), 'width'),
    ((0, 0, -0.5, 0), 'width'),
    ((0, 20, 0.5, 0), 'top'),
    ((0, 0, 0.5, float('inf')), 'degrees'),
    ((0, 0, 0.5, 720), 'degrees'),
])
def test_bad_placements(renderer, make_template, dots, placement, member):
    template = quad_template(make_template)
    options = Mockup.RenderOptions.new()
    options.set_placement('artwork', *placement)
    with pytest.raises(GLib.Error) as excinfo:
        renderer.render_full(dots, template, options, None)
    assert excinfo.value.matches(Mockup.Error.quark(), Mockup.Error.INVALID_OPTION)
    assert 'slot "artwork": %s: ' % member in excinfo.value.message


def test_resolution(renderer, make_template, make_artwork):
    template = quad_template(make_template, quad=[[100, 50], [300, 50], [300, 250], [100, 250]],
                             print_size=(25.4, 25.4))
    artwork = make_artwork(Image.new('RGB', (500, 500), (90, 90, 90)), 'plain.png')

    assert renderer.get_min_ppi() == 150
    assert renderer.get_max_upscale() == 1.5
    result = renderer.render(artwork, template, None)
    assert result.get_effective_ppi() == pytest.approx(50)
    assert result.props.effective_ppi == pytest.approx(50)
    assert result.get_upscale() == pytest.approx(3)
    assert result.props.upscale == pytest.approx(3)
    assert 'below 150 ppi' in result.get_resolution_warning()
    assert result.props.resolution_warning == result.get_resolution_warning()

    renderer.set_min_ppi(40)
    assert renderer.props.min_ppi == 40
    result = renderer.render(artwork, template, None)
    assert result.get_upscale() == pytest.approx(0.8)
    assert result.get_resolution_warning() is None

    # placed at a fifth of the width: 500 px over 2 in
    options = Mockup.RenderOptions.new()
    options.set_placement('artwork', 0.4, 0.4, 0.2, 45)
    result = renderer.render_full(artwork, template, options, None)
    assert result.get_effective_ppi() == pytest.approx(250)

    # no print size: against the slot's 200 photo pixels
    plain = quad_template(make_template, quad=[[100, 50], [300, 50], [300, 250], [100, 250]],
                          print_size=None)
    small = make_artwork(Image.new('RGB', (80, 80), (90, 90, 90)), 'small.png')
    renderer.props.max_upscale = 3
    assert renderer.get_max_upscale() == 3
    result = renderer.render(small, plain, None)
    assert result.get_effective_ppi() == 0
    assert result.get_upscale() == pytest.approx(2.5)
    assert result.get_resolution_warning() is None
    renderer.set_max_upscale(2)
    assert 'enlarged 2.5 times, more than 2' in renderer.render(small, plain, None).get_resolution_warning()


def test_samples_warn_where_plausible():
    """The framed poster (56.6 × 70.6 cm) is too big a print for the
    2000 × 2500 sample artwork; the 12 × 15 in canvas is not."""
    renderer = Mockup.Renderer.new()
    renderer.set_format(Mockup.Format.PIXBUF)
    renderer.set_max_size(200)
    artwork = Mockup.Artwork.new_from_file(str(SOURCE_DIR / 'data' / 'artwork' / 'sample-artwork.png'))
    templates = SOURCE_DIR / 'data' / 'templates'

    poster = renderer.render(artwork, Mockup.Template.new_from_file(
        str(templates / 'framed-poster' / 'template.json')), None)
    assert poster.get_effective_ppi() == pytest.approx(2000 / (56.6 / 2.54), rel=1e-3)
    assert '56.6 × 70.6 cm' in poster.get_resolution_warning()

    canvas = renderer.render(artwork, Mockup.Template.new_from_file(
        str(templates / 'canvas-angle' / 'template.json')), None)
    assert canvas.get_effective_ppi() == pytest.approx(2000 / 12, rel=1e-3)
    assert canvas.get_resolution_warning() is None
