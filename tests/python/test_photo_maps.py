# test_photo_maps.py: shading, displacement and colour masks made from a
# template's photo (mockup_photo_maps_*), checked against what the engine
# does with them
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import math

import numpy as np
import pytest
from PIL import Image, ImageDraw
from gi.repository import Gio, GLib, Mockup

from conftest import assert_mockup_error, render_rgba, save_image

W, H = 600, 400
# the slot: a quad in mild perspective on the product
SLOT = [(110, 90), (500, 70), (520, 330), (90, 310)]
PRODUCT = (60, 40, 560, 360)
BASE = np.array([0.62, 0.55, 0.47])      # the product's colour in full light


def flat(points):
    return [float(c) for p in points for c in p]


def luminance(rgb):
    return rgb[..., 0] * 0.2126 + rgb[..., 1] * 0.7152 + rgb[..., 2] * 0.0722


def ramp(shape=(H, W)):
    """The light falling on the product: brighter to the right and a
    little toward the bottom, a smooth ramp from 0.7 to 1.4."""
    ys, xs = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float64)
    return 0.7 + 0.55 * xs / shape[1] + 0.15 * ys / shape[0]


def polygon_mask(points, shape=(H, W), scale=1.0):
    """True where a pixel's centre lies inside the polygon (even-odd)."""
    ys, xs = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float64) + 0.5
    inside = np.zeros(shape, bool)
    points = [(x * scale, y * scale) for x, y in points]
    for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1]):
        if ay == by:
            continue
        crosses = (ay > ys) != (by > ys)
        x = ax + (ys - ay) * (bx - ax) / (by - ay)
        inside ^= crosses & (xs < x)
    return inside


def distance_inside(points, shape=(H, W)):
    """For each pixel centre, its distance to the polygon's nearest edge."""
    ys, xs = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float64) + 0.5
    best = np.full(shape, np.inf)
    for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1]):
        dx, dy = bx - ax, by - ay
        t = np.clip(((xs - ax) * dx + (ys - ay) * dy) / (dx * dx + dy * dy), 0, 1)
        best = np.minimum(best, np.hypot(xs - ax - t * dx, ys - ay - t * dy))
    return best


def product_photo(light=None, background=(0.12, 0.16, 0.22)):
    """An 8-bit photo: a dark wall, and on it the product in BASE × light."""
    light = ramp() if light is None else light
    img = np.empty((H, W, 3))
    img[:] = background
    x0, y0, x1, y1 = PRODUCT
    img[y0:y1, x0:x1] = BASE * light[y0:y1, x0:x1, None]
    return np.round(np.clip(img, 0, 1) * 255).astype(np.uint8)


def read_map(path):
    return np.asarray(Image.open(path)).astype(np.float64)


def expected_shading(photo, region_mask):
    """0.5 × luminance / the region's median luminance, in 8-bit levels."""
    lum = luminance(photo.astype(np.float64) / 255)
    return 0.5 * lum / np.median(lum[region_mask]) * 255


def test_shading_recovers_the_light(tmp_path):
    photo = product_photo()
    save_image(tmp_path / 'photo.png', photo)
    out = tmp_path / 'shading.png'

    assert Mockup.photo_maps_shading(str(tmp_path / 'photo.png'), flat(SLOT), 2.0, str(out), None)

    image = Image.open(out)
    assert image.mode == 'L' and image.size == (W, H)
    got = read_map(out)
    inside = polygon_mask(SLOT)
    want = expected_shading(photo, inside)
    # away from the region's edge (three blur radii), within 2/255
    interior = inside & (distance_inside(SLOT) > 6)
    error = np.abs(got - want)[interior]
    assert error.max() <= 2, error.max()
    # the map is the light itself: its ratio across the slot is the ramp's
    assert got[200, 480] / got[200, 130] == pytest.approx(ramp()[200, 480] / ramp()[200, 130], abs=0.02)
    # neutral (mid-grey) outside the region, on the product and the wall
    outside = distance_inside(SLOT) > 2
    outside &= ~inside
    assert np.all(got[outside] == 128)


def test_shading_ignores_the_background_at_the_edge(tmp_path):
    """The region is the whole product, on a black wall: a plain blur would
    darken the map's edge by half; the normalised one keeps it."""
    photo = product_photo(background=(0, 0, 0))
    save_image(tmp_path / 'photo.png', photo)
    x0, y0, x1, y1 = PRODUCT
    region = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    out = tmp_path / 'shading.png'
    assert Mockup.photo_maps_shading(str(tmp_path / 'photo.png'), flat(region), 6.0, str(out), None)

    got = read_map(out)
    inside = polygon_mask(region)
    want = expected_shading(photo, inside)
    assert np.abs(got - want)[inside].max() <= 2


def test_shading_large_jpeg_is_reduced_with_its_aspect(tmp_path):
    """A 6000 × 4000 camera JPEG: the map is 2048 × 1365 and still holds
    the light (JPEG noise smoothed away)."""
    w, h = 6000, 4000
    light = ramp((h // 10, w // 10))
    small = np.round(np.clip(BASE * light[..., None], 0, 1) * 255).astype(np.uint8)
    Image.fromarray(small).resize((w, h), Image.Resampling.BILINEAR).save(
        tmp_path / 'big.jpg', quality=92)
    region = [(1000, 800), (5000, 800), (5000, 3200), (1000, 3200)]
    out = tmp_path / 'shading.png'
    assert Mockup.photo_maps_shading(str(tmp_path / 'big.jpg'), flat(region), 8.0, str(out), None)

    got = read_map(out)
    assert got.shape == (1365, 2048)
    scale = 2048 / 6000
    inside = polygon_mask(region, got.shape, scale)
    lum = luminance(BASE) * ramp(got.shape)
    want = 0.5 * lum / np.median(lum[inside]) * 255
    interior = inside & (distance_inside([(x * scale, y * scale) for x, y in region], got.shape) > 8)
    assert np.abs(got - want)[interior].max() <= 2.5
    assert got[10, 10] == 128


def test_shading_follows_exif_orientation(tmp_path):
    """A JPEG stored on its side with EXIF orientation 6 (rotate 90° to
    display): the region and the map are in displayed pixels."""
    photo = product_photo()
    stored = Image.fromarray(photo).transpose(Image.Transpose.ROTATE_90)   # H × W stored as W × H
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(tmp_path / 'turned.jpg', quality=95, exif=exif)
    out = tmp_path / 'shading.png'
    assert Mockup.photo_maps_shading(str(tmp_path / 'turned.jpg'), flat(SLOT), 2.0, str(out), None)

    got = read_map(out)
    assert got.shape == (H, W)
    # brighter to the right, as displayed (stored, it was brighter upward)
    assert got[200, 480] / got[200, 130] == pytest.approx(ramp()[200, 480] / ramp()[200, 130], abs=0.03)
    assert got[20, 20] == 128


def test_shading_reproduces_the_light_in_a_render(make_template, make_artwork, tmp_path):
    """A flat artwork of the product's median colour, shaded by the map with
    "neutral": 0.5, comes out as the photo's own pixels."""
    light = ramp()
    grey = np.round(np.clip(0.55 * light, 0, 1) * 255).astype(np.uint8)
    photo = np.repeat(grey[..., None], 3, axis=2)
    photo[:PRODUCT[1]] = 30
    folder = tmp_path / 'tpl'
    folder.mkdir()
    save_image(folder / 'photo.png', photo)
    assert Mockup.photo_maps_shading(str(folder / 'photo.png'), flat(SLOT), 1.0,
                                     str(folder / 'shading.png'), None)

    inside = polygon_mask(SLOT)
    median = np.median(grey[inside])
    artwork = np.full((100, 100, 3), median, np.uint8)
    template = make_template([
        {'type': 'image', 'source': 'photo.png'},
        {'type': 'artwork', 'quad': [list(p) for p in SLOT], 'fit': 'stretch',
         'shading': {'source': 'shading.png', 'neutral': 0.5}},
    ])
    out = render_rgba(template, make_artwork(artwork))[..., 0] * 255

    interior = inside & (distance_inside(SLOT) > 3)
    # Each step rounds to 8 bits: the map (±0.5 of 127.5, so ±0.4% of the
    # factor), the artwork's median grey (±0.5), and the shaded result
    # (±0.5); with the product up to 1.4 × the median that is at most
    # 0.4% × 197 + 0.5 × 1.4 + 0.5 ≈ 2 levels (measured: at most 1, 0.2 on
    # average, no bias).
    error = (out - grey)[interior]
    assert np.abs(error).max() <= 2, np.abs(error).max()
    assert np.abs(error).mean() < 0.5
    assert abs(error.mean()) < 0.1


def fold_photo(crest=300, width=25.0):
    """A vertical fold: a bright ridge along x = crest on flat fabric."""
    xs = np.arange(W, dtype=np.float64)[None, :].repeat(H, 0)
    light = 1 + 0.4 * np.exp(-((xs - crest) / width) ** 2)
    return product_photo(light=light)


def test_displacement_of_a_fold(tmp_path):
    save_image(tmp_path / 'fold.png', fold_photo())
    region = [(100, 80), (500, 80), (500, 320), (100, 320)]
    out = tmp_path / 'displacement.png'
    assert Mockup.photo_maps_displacement(str(tmp_path / 'fold.png'), flat(region), 3.0,
                                          str(out), None)

    image = Image.open(out)
    assert image.mode == 'RGB' and image.size == (W, H)
    got = read_map(out)
    r, g, b = got[..., 0], got[..., 1], got[..., 2]
    rows = slice(100, 300)
    # brighter toward the crest: left of it the print moves right (red
    # above 128), right of it left; nothing moves at the crest, on the flat
    # fabric, vertically (the fold runs vertically) or outside the region
    assert np.all(r[rows, 270:290] > 200)
    assert np.all(r[rows, 310:330] < 56)
    assert np.all(np.abs(r[rows, 300] - 128) <= 16)
    assert np.abs(r[rows, 150] - 128).max() <= 1
    assert np.abs(r[rows, 450] - 128).max() <= 1
    assert np.abs(g[82:318, 102:498] - 128).max() <= 1
    assert np.all(b == 128)
    assert np.all(got[:78] == 128) and np.all(got[:, 502:] == 128)
    # the steepest slopes reach the full shift, antisymmetric about the crest
    assert r[200].max() == 255 and r[200].min() == 0
    assert np.argmax(r[200]) < 300 < np.argmin(r[200])


def test_displacement_moves_the_print_toward_the_light(make_template, make_artwork, tmp_path):
    """Through the engine: a thin vertical line printed left of the crest
    moves right, toward it, by about the strength."""
    folder = tmp_path / 'tpl'
    folder.mkdir()
    save_image(folder / 'fold.png', fold_photo())
    region = [(100, 80), (500, 80), (500, 320), (100, 320)]
    assert Mockup.photo_maps_displacement(str(folder / 'fold.png'), flat(region), 3.0,
                                          str(folder / 'displacement.png'), None)
    art = np.full((240, 400, 3), 255, np.uint8)
    art[:, 178:180] = 0           # at x = 100 + 179 = 279 on the canvas
    layers = [{'type': 'color', 'color': '#ffffff'},
              {'type': 'artwork', 'quad': [list(p) for p in region], 'fit': 'stretch'}]
    plain = render_rgba(make_template(layers, size=[W, H], folder='plain'), make_artwork(art))
    layers[1]['displacement'] = {'source': 'displacement.png', 'strength': 6}
    moved = render_rgba(make_template(layers, size=[W, H], folder='tpl'), make_artwork(art))

    def centre(image):
        dark = 1 - image[200, 250:320, 0]
        return 250.5 + (dark * np.arange(70)).sum() / dark.sum()

    assert centre(plain) == pytest.approx(279, abs=0.3)
    assert centre(moved) - centre(plain) == pytest.approx(6, abs=1.5)


def disc_photo(path, centre=(300, 200), radius=80, color=(208, 32, 32), alpha=False):
    """A red disc on a blue-grey wall, antialiased (drawn 8× larger)."""
    k = 8
    big = Image.new('RGBA' if alpha else 'RGB', (W * k, H * k),
                    (0, 0, 0, 0) if alpha else (90, 110, 140))
    cx, cy = centre
    ImageDraw.Draw(big).ellipse([(cx - radius) * k, (cy - radius) * k,
                                 (cx + radius) * k, (cy + radius) * k], fill=color)
    big.resize((W, H), Image.Resampling.BOX).save(path)
    ys, xs = np.mgrid[0:H, 0:W] + 0.5
    return np.hypot(xs - cx, ys - cy)


def test_color_mask_selects_a_disc(tmp_path):
    distance = disc_photo(tmp_path / 'disc.png')
    out = tmp_path / 'mask.png'
    assert Mockup.photo_maps_color_mask(str(tmp_path / 'disc.png'), None, '#d02020', 0.1, 0.1,
                                        str(out), None)

    image = Image.open(out)
    assert image.mode == 'L' and image.size == (W, H)
    got = read_map(out)
    assert np.all(got[distance < 79] == 255)
    assert np.all(got[distance > 81] == 0)
    # the antialiased edge in between, partly selected
    edge = (distance > 79.5) & (distance < 80.5)
    assert 0 < got[edge].mean() < 255

    # the short colour form, exact match only, a hard edge
    assert Mockup.photo_maps_color_mask(str(tmp_path / 'disc.png'), [], '#D22', 0.0, 0.0,
                                        str(out), None)
    got = read_map(out)
    assert np.all(got[distance < 79] == 0)          # #dd2222 is not #d02020


def test_color_mask_within_a_region_and_alpha(tmp_path):
    distance = disc_photo(tmp_path / 'disc.png', alpha=True)
    out = tmp_path / 'mask.png'
    left = [(0, 0), (300, 0), (300, 400), (0, 400)]
    assert Mockup.photo_maps_color_mask(str(tmp_path / 'disc.png'), flat(left), '#d02020',
                                        0.05, 0.0, str(out), None)
    got = read_map(out)
    xs = np.mgrid[0:H, 0:W][1]
    assert np.all(got[(distance < 79) & (xs < 299)] == 255)
    assert np.all(got[xs >= 300] == 0)
    # transparent pixels are never selected, whatever colour they hold
    assert np.all(got[distance > 81] == 0)


def run_async(kind, *args):
    """Runs Mockup.photo_maps_KIND_async to its end: {'value': …} or
    {'error': GLib.Error}."""
    loop = GLib.MainLoop()
    outcome = {}

    def done(source, result):
        try:
            if kind == 'shading':
                outcome['value'] = Mockup.photo_maps_shading_finish(result)
            elif kind == 'displacement':
                outcome['value'] = Mockup.photo_maps_displacement_finish(result)
            else:
                outcome['value'] = Mockup.photo_maps_color_mask_finish(result)
        except GLib.Error as error:
            outcome['error'] = error
        loop.quit()

    if kind == 'shading':
        Mockup.photo_maps_shading_async(*args, done)
    elif kind == 'displacement':
        Mockup.photo_maps_displacement_async(*args, done)
    else:
        Mockup.photo_maps_color_mask_async(*args, done)
    loop.run()
    return outcome


def test_async_variants(tmp_path):
    photo = tmp_path / 'photo.png'
    save_image(photo, product_photo())
    disc_photo(tmp_path / 'disc.png')

    sync, asyn = tmp_path / 'sync.png', tmp_path / 'async.png'
    Mockup.photo_maps_shading(str(photo), flat(SLOT), 2.0, str(sync), None)
    assert run_async('shading',
                     str(photo), flat(SLOT), 2.0, str(asyn), None) == {'value': True}
    assert np.array_equal(read_map(sync), read_map(asyn))

    Mockup.photo_maps_displacement(str(photo), flat(SLOT), 4.0, str(sync), None)
    assert run_async('displacement',
                     str(photo), flat(SLOT), 4.0, str(asyn), None) == {'value': True}
    assert np.array_equal(read_map(sync), read_map(asyn))

    Mockup.photo_maps_color_mask(str(tmp_path / 'disc.png'), None, '#d02020', 0.1, 0.1,
                                 str(sync), None)
    assert run_async('color_mask',
                     str(tmp_path / 'disc.png'), None, '#d02020', 0.1, 0.1, str(asyn),
                     None) == {'value': True}
    assert np.array_equal(read_map(sync), read_map(asyn))

    # errors arrive through the callback
    outcome = run_async('shading',
                        str(photo), [1.0, 2.0], 2.0, str(tmp_path / 'x.png'), None)
    assert outcome['error'].matches(Gio.io_error_quark(), Gio.IOErrorEnum.INVALID_ARGUMENT)


def test_cancelled(tmp_path):
    photo = tmp_path / 'photo.png'
    save_image(photo, product_photo())
    cancellable = Gio.Cancellable()
    cancellable.cancel()
    out = tmp_path / 'map.png'
    for start, args in (('shading', (flat(SLOT), 2.0)),
                        ('displacement', (flat(SLOT), 2.0)),
                        ('color_mask', (None, '#fff', 0.1, 0.0))):
        outcome = run_async(start, str(photo), *args, str(out), cancellable)
        assert outcome['error'].matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)
    with pytest.raises(GLib.Error) as excinfo:
        Mockup.photo_maps_shading(str(photo), flat(SLOT), 2.0, str(out), cancellable)
    assert excinfo.value.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)
    assert not out.exists()


def test_cancelled_while_running(tmp_path):
    """Cancelled as soon as it starts, on a photo large enough to take a
    while: it either finished first or fails as cancelled, writing nothing."""
    w, h = 4000, 3000
    Image.new('RGB', (w, h), (120, 100, 80)).save(tmp_path / 'big.jpg', quality=90)
    out = tmp_path / 'map.png'
    cancellable = Gio.Cancellable()
    loop = GLib.MainLoop()
    outcome = {}

    def done(source, result):
        try:
            outcome['value'] = Mockup.photo_maps_shading_finish(result)
        except GLib.Error as error:
            outcome['error'] = error
        loop.quit()

    Mockup.photo_maps_shading_async(str(tmp_path / 'big.jpg'), [0.0, 0.0, 4000.0, 0.0, 0.0, 3000.0],
                                    50.0, str(out), cancellable, done)
    cancellable.cancel()
    loop.run()
    if 'error' in outcome:
        assert outcome['error'].matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)
        assert not out.exists()
    else:
        assert outcome['value'] and out.exists()


def invalid_argument(call, *parts):
    with pytest.raises(GLib.Error) as excinfo:
        call()
    error = excinfo.value
    assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.INVALID_ARGUMENT), error.message
    for part in parts:
        assert part in error.message, (part, error.message)


def test_bad_arguments(tmp_path):
    photo = str(tmp_path / 'photo.png')
    save_image(photo, product_photo())
    out = str(tmp_path / 'map.png')
    region = flat(SLOT)

    for bad, parts in (([], ('photo.png: region: expected at least 3 points', 'got 0 numbers')),
                       ([1.0, 2.0, 3.0, 4.0], ('got 4 numbers',)),
                       (region[:-1], ('got 7 numbers',)),
                       (region[:3] + [math.nan] + region[4:], ('region[3]: nan is not a finite number',)),
                       (region[:4] + [math.inf] + region[5:], ('region[4]: inf is not a finite number',)),
                       (region[:1] + [-2e6] + region[2:], ('region[1]: -2e+06 is out of range',)),
                       ([10.0, 10.0, 20.0, 20.0, 30.0, 30.0], ('no area',)),
                       ([100.0 + (i % 7) for i in range(20002)],
                        ('region: 10001 points are more than the 10000 allowed',)),
                       ([700.0, 0.0, 900.0, 0.0, 900.0, 300.0], ('lies outside the photo (600 × 400 pixels)',)),
                       ([-50.0, -50.0, -10.0, -50.0, -10.0, 500.0], ('lies outside the photo',))):
        invalid_argument(lambda: Mockup.photo_maps_shading(photo, bad, 2.0, out, None), *parts)
        invalid_argument(lambda: Mockup.photo_maps_displacement(photo, bad, 2.0, out, None), *parts)
        if bad:
            invalid_argument(lambda: Mockup.photo_maps_color_mask(photo, bad, '#fff', 0.1, 0.1, out, None),
                             *parts)

    for smoothing in (-1.0, math.nan, math.inf, 1001.0):
        invalid_argument(lambda: Mockup.photo_maps_shading(photo, region, smoothing, out, None),
                         'photo.png: smoothing:', 'out of range (0 to 1000 pixels)')
        invalid_argument(lambda: Mockup.photo_maps_displacement(photo, region, smoothing, out, None),
                         'smoothing:')
    for color in ('red', '#12', '#12345g', '#11223344', '#1234', '', '112233'):
        invalid_argument(lambda: Mockup.photo_maps_color_mask(photo, None, color, 0.1, 0.1, out, None),
                         'photo.png: color: "%s" is not a colour (expected #rgb or #rrggbb)' % color)
    for value in (-0.01, 1.01, math.nan):
        invalid_argument(lambda: Mockup.photo_maps_color_mask(photo, None, '#fff', value, 0.1, out, None),
                         'photo.png: tolerance: %g is out of range (0 to 1)' % value)
        invalid_argument(lambda: Mockup.photo_maps_color_mask(photo, None, '#fff', 0.1, value, out, None),
                         'photo.png: softness: %g is out of range (0 to 1)' % value)
    assert not (tmp_path / 'map.png').exists()


def test_bad_photos(tmp_path):
    out = str(tmp_path / 'map.png')
    region = flat(SLOT)
    with pytest.raises(GLib.Error) as excinfo:
        Mockup.photo_maps_shading(str(tmp_path / 'missing.jpg'), region, 2.0, out, None)
    assert_mockup_error(excinfo, Mockup.Error.NOT_FOUND, 'missing.jpg')

    (tmp_path / 'notes.jpg').write_text('not an image at all')
    with pytest.raises(GLib.Error) as excinfo:
        Mockup.photo_maps_displacement(str(tmp_path / 'notes.jpg'), region, 2.0, out, None)
    assert_mockup_error(excinfo, Mockup.Error.INVALID_IMAGE, 'notes.jpg')

    # a truncated photo fails while it is decoded, and writes nothing
    save_image(tmp_path / 'photo.jpg', product_photo())
    data = (tmp_path / 'photo.jpg').read_bytes()
    (tmp_path / 'cut.jpg').write_bytes(data[:len(data) // 3])
    with pytest.raises(GLib.Error) as excinfo:
        Mockup.photo_maps_color_mask(str(tmp_path / 'cut.jpg'), None, '#fff', 0.1, 0.1, out, None)
    assert_mockup_error(excinfo, Mockup.Error.INVALID_IMAGE, 'cut.jpg')
    assert not (tmp_path / 'map.png').exists()


def test_output_not_writable(tmp_path):
    photo = str(tmp_path / 'photo.png')
    save_image(photo, product_photo())
    region = flat(SLOT)

    with pytest.raises(GLib.Error) as excinfo:
        Mockup.photo_maps_shading(photo, region, 2.0, str(tmp_path / 'no' / 'map.png'), None)
    assert excinfo.value.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND)
    assert 'no/map.png: cannot write the map: No such file or directory' in excinfo.value.message

    (tmp_path / 'folder.png').mkdir()
    with pytest.raises(GLib.Error) as excinfo:
        Mockup.photo_maps_displacement(photo, region, 2.0, str(tmp_path / 'folder.png'), None)
    assert excinfo.value.matches(Gio.io_error_quark(), Gio.IOErrorEnum.IS_DIRECTORY)
    assert 'folder.png: cannot write the map: it is a folder' in excinfo.value.message

    (tmp_path / 'file').write_text('')
    with pytest.raises(GLib.Error) as excinfo:
        Mockup.photo_maps_color_mask(photo, None, '#fff', 0.1, 0.1, str(tmp_path / 'file' / 'm.png'),
                                     None)
    assert excinfo.value.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_DIRECTORY)

    # never over the photo it is made from
    with pytest.raises(GLib.Error) as excinfo:
        Mockup.photo_maps_shading(photo, region, 2.0, photo, None)
    assert excinfo.value.matches(Gio.io_error_quark(), Gio.IOErrorEnum.EXISTS)
    assert 'photo.png: cannot write the map: it is the photo itself' in excinfo.value.message
    assert Image.open(photo).mode == 'RGB'

    # an existing map is replaced whole
    out = tmp_path / 'map.png'
    out.write_bytes(b'old')
    assert Mockup.photo_maps_shading(photo, region, 2.0, str(out), None)
    assert Image.open(out).size == (W, H)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith('map.png')] == ['map.png']


def test_maps_make_a_template(tmp_path):
    """The three maps together in a manifest the library loads and renders."""
    folder = tmp_path / 'made'
    folder.mkdir()
    save_image(folder / 'photo.png', product_photo())
    region = flat(SLOT)
    assert Mockup.photo_maps_shading(str(folder / 'photo.png'), region, 2.0, str(folder / 's.png'), None)
    assert Mockup.photo_maps_displacement(str(folder / 'photo.png'), region, 4.0, str(folder / 'd.png'), None)
    assert Mockup.photo_maps_color_mask(str(folder / 'photo.png'), None, '#1f2938', 0.05, 0.05,
                                        str(folder / 'm.png'), None)
    manifest = {'format': 1, 'layers': [
        {'type': 'image', 'source': 'photo.png'},
        {'type': 'artwork', 'quad': [list(p) for p in SLOT],
         'shading': {'source': 's.png', 'neutral': 0.5, 'strength': 0.8},
         'displacement': {'source': 'd.png', 'strength': 4}},
        {'type': 'image', 'source': 'photo.png', 'mask': 'm.png'},
    ]}
    (folder / 'template.json').write_text(json.dumps(manifest))
    template = Mockup.Template.new_from_file(str(folder / 'template.json'))
    art = Mockup.Artwork.new_from_file(str(folder / 'photo.png'))
    result = Mockup.Renderer(format=Mockup.Format.PNG).render(art, template, None)
    assert result.get_error() is None
