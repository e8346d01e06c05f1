# test_render.py: single renders from Python
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import numpy as np
import pytest
from PIL import Image
from gi.repository import GLib, GdkPixbuf, Mockup

from conftest import assert_mockup_error, decode, pixbuf_array, render, render_rgba


def edge_lines(alpha, quad):
    """Locates each edge of the rendered quad from its coverage, to a
    fraction of a pixel, and returns the lines (a point and a direction).

    Along a near-vertical edge, the coverage summed across the edge in one
    row is the distance from the edge (at the row's centre) to the end of
    the summed span; near-horizontal edges likewise by column."""
    lines = []
    h, w = alpha.shape
    for i in range(4):
        p, q = np.array(quad[i]), np.array(quad[(i + 1) % 4])
        d = q - p
        points = []
        for t in np.linspace(0.2, 0.8, 25):
            m = p + t * d
            if abs(d[0]) < abs(d[1]):          # near-vertical: scan a row
                y = int(np.floor(m[1]))
                xe = p[0] + (y + 0.5 - p[1]) * d[0] / d[1]
                lo, hi = int(np.floor(xe)) - 4, int(np.floor(xe)) + 5
                s = alpha[y, lo:hi].sum()
                inside_right = (d[1] < 0)     # clockwise on screen: left edge goes up
                x = hi - s if inside_right else lo + s
                points.append((x, y + 0.5))
            else:                              # near-horizontal: scan a column
                x = int(np.floor(m[0]))
                ye = p[1] + (x + 0.5 - p[0]) * d[1] / d[0]
                lo, hi = int(np.floor(ye)) - 4, int(np.floor(ye)) + 5
                s = alpha[lo:hi, x].sum()
                inside_below = (d[0] > 0)     # the top edge goes right
                y = hi - s if inside_below else lo + s
                points.append((x + 0.5, y))
        points = np.array(points)
        centre = points.mean(axis=0)
        _, _, vt = np.linalg.svd(points - centre)
        lines.append((centre, vt[0]))
    return lines


def intersect(a, b):
    (p, d), (q, e) = a, b
    t = np.linalg.solve(np.array([d, -e]).T, q - p)
    return p + t[0] * d


@pytest.mark.parametrize('quad', [
    [[100.3, 80.6], [520.2, 120.1], [500.7, 430.4], [90.1, 400.9]],     # mild perspective
    [[260.5, 60.25], [340.75, 60.5], [560.1, 460.6], [40.3, 455.2]],    # far edge a quarter of the near
    [[300.0, 40.0], [560.0, 260.0], [340.0, 520.0], [80.0, 300.0]],     # rotated 40°
])
def test_corners_land_on_the_quad(make_template, make_artwork, quad):
    white = np.full((300, 400, 4), 255, np.uint8)
    template = make_template([{'type': 'artwork', 'quad': quad, 'fit': 'stretch'}], size=(640, 560))
    rgba = render_rgba(template, make_artwork(white))
    lines = edge_lines(rgba[..., 3], quad)
    for i in range(4):
        corner = intersect(lines[(i + 3) % 4], lines[i])
        assert np.hypot(*(corner - quad[i])) < 0.5, (i, corner, quad[i])
        # in practice it is far better than half a pixel
        assert np.hypot(*(corner - quad[i])) < 0.05, (i, corner, quad[i])


def halves():
    art = np.zeros((100, 200, 4), np.uint8)
    art[:, :100] = (255, 0, 0, 255)
    art[:, 100:] = (0, 0, 255, 255)
    return art


def square(make_template, fit, align='center'):
    return make_template([{'type': 'color', 'color': '#000'},
                          {'type': 'artwork', 'quad': [[50, 50], [150, 50], [150, 150], [50, 150]],
                           'fit': fit, 'align': align}],
                         size=(200, 200), folder='sq-%s-%s' % (fit, align))


def test_fit_modes(make_template, make_artwork):
    art = make_artwork(halves())
    red, blue, black = [1, 0, 0], [0, 0, 1], [0, 0, 0]

    stretch = render_rgba(square(make_template, 'stretch'), art)[..., :3]
    assert np.allclose(stretch[100, 60], red, atol=0.01)
    assert np.allclose(stretch[100, 140], blue, atol=0.01)

    cover = render_rgba(square(make_template, 'cover'), art)[..., :3]
    # the slot is filled edge to edge with the artwork's middle square
    assert np.allclose(cover[52:148, 52:98], red, atol=0.01)
    assert np.allclose(cover[52:148, 102:148], blue, atol=0.01)
    cover_left = render_rgba(square(make_template, 'cover', 'left'), art)[..., :3]
    assert np.allclose(cover_left[52:148, 52:148], red, atol=0.01)

    contain = render_rgba(square(make_template, 'contain'), art)[..., :3]
    # letterboxed: the artwork's 2:1 band between y = 75 and 125
    assert np.allclose(contain[77:123, 52:98], red, atol=0.01)
    assert np.allclose(contain[77:123, 102:148], blue, atol=0.01)
    assert np.allclose(contain[52:73, 52:148], black, atol=0.01)
    assert np.allclose(contain[127:148, 52:148], black, atol=0.01)
    # and the band's edges are antialiased too: the row straddling y = 75
    # is a blend, not a jag (three quarters covered by the pixel centre rule
    # would be 0 or 1)
    contain_top = render_rgba(square(make_template, 'contain', [0.5, 0.3]), art)[..., :3]
    band_top = 50 + 0.3 * 50     # 65.0
    assert np.allclose(contain_top[int(band_top) + 2:int(band_top) + 48, 60], red, atol=0.01)


@pytest.mark.parametrize('fmt,pil_format', [
    (Mockup.Format.JPEG, 'JPEG'),
    (Mockup.Format.PNG, 'PNG'),
    (Mockup.Format.WEBP, 'WEBP'),
])
def test_formats_decode_back(make_template, make_artwork, tmp_path, fmt, pil_format):
    template = make_template([{'type': 'color', 'color': '#204060'},
                              {'type': 'artwork', 'quad': [[40, 30], [300, 50], [290, 200], [50, 190]]}],
                             size=(333, 222))
    result = render(template, make_artwork(halves()), format=fmt, quality=92)
    assert result.get_format() == fmt
    image = decode(result.get_bytes())
    assert image.format == pil_format
    assert image.size == (333, 222) == (result.props.width, result.props.height)
    # tagged sRGB
    if pil_format == 'PNG':
        assert 'srgb' in image.info
    else:
        assert image.info.get('icc_profile'), 'no ICC profile'
    path = tmp_path / ('out.' + Mockup.format_get_extension(fmt))
    assert result.save(str(path))
    assert path.read_bytes() == bytes(result.get_bytes().get_data())


def test_pixbuf_format(make_template, make_artwork):
    template = make_template([{'type': 'artwork', 'quad': [[0, 0], [64, 0], [64, 48], [0, 48]],
                               'fit': 'stretch'}], size=(64, 48))
    result = render(template, make_artwork(halves()), format=Mockup.Format.PIXBUF)
    assert result.get_bytes() is None
    pixbuf = result.get_pixbuf()
    assert isinstance(pixbuf, GdkPixbuf.Pixbuf)
    assert (pixbuf.get_width(), pixbuf.get_height()) == (64, 48)
    assert pixbuf_array(pixbuf)[24, 10, 0] == 255


def test_max_size(make_template, make_artwork):
    bg = np.zeros((900, 1500, 3), np.uint8)
    bg[..., 1] = 200
    template = make_template([{'type': 'image', 'source': 'bg.jpg'},
                              {'type': 'artwork', 'quad': [[300, 150], [1200, 150], [1200, 750], [300, 750]]}],
                             images={'bg.jpg': bg})
    assert (template.props.width, template.props.height) == (1500, 900)
    result = render(template, make_artwork(halves()), max_size=500, format=Mockup.Format.PNG)
    assert (result.props.width, result.props.height) == (500, 300)
    image = np.asarray(decode(result.get_bytes()).convert('RGB'))
    assert image.shape == (300, 500, 3)
    assert abs(int(image[10, 10, 1]) - 200) <= 3


def test_errors_name_file_and_member(make_template, tmp_path):
    with pytest.raises(GLib.Error) as excinfo:
        make_template([{'type': 'artwork', 'quad': [[0, 0], [10, 0], [10, 10]]}], size=(20, 20))
    assert_mockup_error(excinfo, Mockup.Error.INVALID_TEMPLATE, 'template.json', 'layers[0].quad', 'got 3')

    with pytest.raises(GLib.Error) as excinfo:
        make_template([{'type': 'artwork', 'quad': [[0, 0], [10, 'NaN'], [10, 10], [0, 10]]}], size=(20, 20))
    assert_mockup_error(excinfo, Mockup.Error.INVALID_TEMPLATE, 'layers[0].quad[1][1]')

    with pytest.raises(GLib.Error) as excinfo:
        make_template([{'type': 'artwork', 'quad': [[0, 0], [10, 10], [10, 0], [0, 10]]}], size=(20, 20))
    assert_mockup_error(excinfo, Mockup.Error.INVALID_TEMPLATE, 'layers[0].quad', 'convex')

    with pytest.raises(GLib.Error) as excinfo:
        make_template([{'type': 'image', 'source': 'missing.jpg'}])
    assert_mockup_error(excinfo, Mockup.Error.NOT_FOUND, 'template.json', 'layers[0].source', 'missing.jpg')

    (tmp_path / 'secret.jpg').write_bytes(b'')
    with pytest.raises(GLib.Error) as excinfo:
        make_template([{'type': 'image', 'source': '../secret.jpg'}])
    assert_mockup_error(excinfo, Mockup.Error.PATH_OUTSIDE, 'layers[0].source', 'outside')

    (tmp_path / 'bad.json').write_text('{"format": 1, "layers": [')
    with pytest.raises(GLib.Error) as excinfo:
        Mockup.Template.new_from_file(str(tmp_path / 'bad.json'))
    assert_mockup_error(excinfo, Mockup.Error.INVALID_TEMPLATE, 'bad.json', 'malformed JSON')

    with pytest.raises(GLib.Error) as excinfo:
        Mockup.Artwork.new_from_file(str(tmp_path / 'nope.png'))
    assert_mockup_error(excinfo, Mockup.Error.NOT_FOUND, 'nope.png')


def test_truncated_artwork_fails_at_render(make_template, tmp_path):
    art = (np.random.default_rng(1).random((300, 300, 3)) * 255).astype(np.uint8)
    Image.fromarray(art).save(tmp_path / 'full.png')
    data = (tmp_path / 'full.png').read_bytes()
    (tmp_path / 'cut.png').write_bytes(data[:len(data) // 2])
    artwork = Mockup.Artwork.new_from_file(str(tmp_path / 'cut.png'))
    template = make_template([{'type': 'artwork', 'quad': [[0, 0], [50, 0], [50, 50], [0, 50]]}], size=(60, 60))
    with pytest.raises(GLib.Error) as excinfo:
        render(template, artwork)
    assert_mockup_error(excinfo, Mockup.Error.INVALID_IMAGE, 'cut.png')


def test_repr_and_properties(make_template, make_artwork):
    template = make_template([{'type': 'artwork', 'slot': 'front', 'quad': [[0, 0], [50, 0], [50, 50], [0, 50]]}],
                             size=(60, 60), name='Test piece', id='piece-1')
    assert template.props.id == 'piece-1' and template.props.name == 'Test piece'
    assert template.dup_slots() == ['front']
    assert 'piece-1' in repr(template)
    renderer = Mockup.Renderer(max_size=30)
    assert 'max_size=30' in repr(renderer)
    result = renderer.render(make_artwork(halves()), template, None)
    assert (result.props.width, result.props.height) == (30, 30)
    assert 'piece-1' in repr(result) and '30×30' in repr(result)
    assert result.check()
    assert result.props.render_time > 0
    assert result.props.resident_memory > 0
    assert Mockup.get_resident_memory() > 0


def test_render_async(make_template, make_artwork):
    template = make_template([{'type': 'artwork', 'quad': [[0, 0], [50, 0], [50, 50], [0, 50]]}], size=(60, 60))
    artwork = make_artwork(halves())
    loop = GLib.MainLoop()
    got = {}

    def done(renderer, res):
        got['result'] = renderer.render_finish(res)
        loop.quit()

    Mockup.Renderer().render_async(artwork, template, None, done)
    loop.run()
    assert got['result'].props.width == 60
