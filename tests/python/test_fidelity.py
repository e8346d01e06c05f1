# test_fidelity.py: exact, filtered, antialiased and colour-correct output,
# each checked against a reference the test computes itself
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import io
import struct

import cv2
import numpy as np
import pytest
from PIL import Image, ImageCms
from gi.repository import Mockup

from conftest import decode, render, render_rgba, save_image

QUADS = {
    'square': [[100, 80], [612, 86], [606, 598], [94, 592]],
    'foreshortened': [[306, 60], [434, 60], [610, 540], [130, 540]],   # far edge a quarter of the near
    'rotated': [[360, 40], [650, 330], [360, 620], [70, 330]],
}


def homography(quad, w, h):
    """Maps artwork texel-edge coordinates (0..w, 0..h) to canvas pixels."""
    src = np.float64([[0, 0], [w, 0], [w, h], [0, h]])
    return cv2.getPerspectiveTransform(src.astype(np.float32), np.float32(quad)).astype(np.float64)


def project(m, u, v):
    p = m @ np.array([u, v, 1.0])
    return p[:2] / p[2]


def slot_template(make_template, quad, size=(720, 680), background='#000000', **layer):
    layers = [] if background is None else [{'type': 'color', 'color': background}]
    layers.append({'type': 'artwork', 'quad': quad, 'fit': 'stretch', **layer})
    return make_template(layers, size=size, folder='t%d' % abs(hash(str((quad, background, layer)))))


@pytest.mark.parametrize('name', sorted(QUADS))
def test_grid_lands_where_the_homography_puts_it(make_template, make_artwork, name):
    n, width = 1024, 6
    art = np.full((n, n, 3), 255, np.uint8)
    centres = [k * n // 8 for k in range(1, 8)]
    for c in centres:
        art[:, c - width // 2:c + width // 2] = 0
    quad = QUADS[name]
    out = render_rgba(slot_template(make_template, quad, background='#ffffff'), make_artwork(art))[..., 0]
    m = homography(quad, n, n)
    errors = []
    for c in centres:
        for v in np.linspace(0.2, 0.8, 9):
            # the dark band's two edges, projected exactly, at this row
            y = int(project(m, c, v * n)[1])
            yc = y + 0.5
            xs = []
            for u in (c - width / 2, c + width / 2):
                a, b = project(m, u, 0), project(m, u, n)
                xs.append(a[0] + (yc - a[1]) * (b[0] - a[0]) / (b[1] - a[1]))
            expected = sum(xs) / 2
            lo, hi = int(expected) - 12, int(expected) + 13
            darkness = 1 - out[y, lo:hi]
            found = lo + 0.5 + (darkness * np.arange(hi - lo)).sum() / darkness.sum()
            errors.append(abs(found - expected))
    assert max(errors) < 0.1, (name, max(errors))


def checkerboard(n):
    y, x = np.mgrid[0:n, 0:n]
    return np.where((x + y) % 2, 255, 0).astype(np.uint8)


def supersampled_reference(texture, quad, pixels, ss):
    """The exact warp, box-filtered, at the given output pixels: each
    averages ss × ss point samples taken through the inverse homography
    (ss must exceed twice the minification, or the reference aliases)."""
    h, w = texture.shape
    minv = np.linalg.inv(homography(quad, w, h))
    offsets = (np.arange(ss) + 0.5) / ss
    dy, dx = [a.ravel() for a in np.meshgrid(offsets, offsets, indexing='ij')]
    out = []
    for start in range(0, len(pixels[0]), 128):     # in chunks: ss may be large
        ys, xs = pixels[0][start:start + 128], pixels[1][start:start + 128]
        px = xs[:, None] + dx[None, :]
        py = ys[:, None] + dy[None, :]
        q = np.tensordot(minv, np.stack([px, py, np.ones_like(px)]), axes=1)
        u, v = q[0] / q[2], q[1] / q[2]
        ui = np.clip(np.floor(u).astype(int), 0, w - 1)
        vi = np.clip(np.floor(v).astype(int), 0, h - 1)
        out.append(texture[vi, ui].mean(axis=1))
    return np.concatenate(out)


def interior(quad, shape, margin=3):
    """A mask of pixels at least @margin pixels inside the quad."""
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, np.int32(np.round(quad)), 1)
    return cv2.erode(mask, np.ones((2 * margin + 1, 2 * margin + 1), np.uint8)).astype(bool)


def square_quad(side, angle_degrees, origin=(30, 30)):
    """A square of @side pixels turned by a small angle: a non-integer,
    non-aligned shrink, which is where point sampling aliases."""
    a = np.radians(angle_degrees)
    corners = np.array([[0, 0], [side, 0], [side, side], [0, side]], np.float64)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return (corners @ rot.T + np.array(origin) + [side * np.sin(a), 0]).tolist()


# (quad, the largest shrink, so the reference's density)
MINIFICATIONS = {
    '2.3x': (square_quad(1024 / 2.3, 3), 2.3),
    '4.6x': (square_quad(1024 / 4.6, 3), 4.6),
    '9.2x': (square_quad(1024 / 9.2, 3), 9.2),
    '15.7x': (square_quad(1024 / 15.7, 3), 15.7),
    # far edge a third of the near one: from 2.25× to 24.5× shrink
    'perspective': ([[230, 20], [330, 20], [430, 140], [130, 140]], 24.5),
}


def min_shrink(quad, n, shape, inside):
    """The least minification (texels per pixel, along the footprint's
    shorter axis) over the interior: the grey is only defined from 2."""
    minv = np.linalg.inv(homography(quad, n, n))
    ys, xs = np.nonzero(inside)
    least = np.inf
    for x, y in zip(xs[::97], ys[::97]):
        def uv(px, py):
            q = minv @ [px, py, 1.0]
            return q[:2] / q[2]
        j = np.stack([uv(x + 1.5, y + 0.5) - uv(x + 0.5, y + 0.5), uv(x + 0.5, y + 1.5) - uv(x + 0.5, y + 0.5)])
        least = min(least, np.linalg.svd(j, compute_uv=False).min())
    return least


@pytest.mark.parametrize('name', sorted(MINIFICATIONS))
def test_minification_is_area_filtered(make_template, make_artwork, name):
    n = 1024
    texture = checkerboard(n)
    quad, shrink = MINIFICATIONS[name]
    shape = (560, 560)
    out = render_rgba(slot_template(make_template, quad, size=shape[::-1]),
                      make_artwork(np.stack([texture] * 3, -1)))[..., 0] * 255
    inside = interior(quad, shape)
    assert min_shrink(quad, n, shape, inside) >= 2.0

    # an even grey, no moiré
    assert abs(out[inside].mean() - 127.5) <= 3, out[inside].mean()
    assert np.abs(out[inside] - 127.5).max() <= 3, np.abs(out[inside] - 127.5).max()

    # against the supersampled exact warp, and OpenCV's bilinear warp, on
    # a few thousand interior pixels
    ys, xs = np.nonzero(inside)
    pick = np.random.default_rng(3).choice(len(ys), size=min(1500, len(ys)), replace=False)
    pixels = (ys[pick], xs[pick])
    reference = supersampled_reference(texture.astype(np.float64), quad, pixels,
                                       ss=int(np.ceil(2.5 * shrink)))
    src = np.float32([[-0.5, -0.5], [n - 0.5, -0.5], [n - 0.5, n - 0.5], [-0.5, n - 0.5]])
    m = cv2.getPerspectiveTransform(src, np.float32(quad) - 0.5)
    opencv = cv2.warpPerspective(texture, m, shape[::-1], flags=cv2.INTER_LINEAR).astype(np.float64)
    ours_error = np.sqrt(((out[pixels] - reference) ** 2).mean())
    opencv_error = np.sqrt(((opencv[pixels] - reference) ** 2).mean())
    print('%s: RMS error against the exact warp: ours %.2f, OpenCV INTER_LINEAR %.2f (%.0f×)'
          % (name, ours_error, opencv_error, opencv_error / max(ours_error, 1e-9)))
    assert ours_error * 4 <= opencv_error, (name, ours_error, opencv_error)


def polygon_pixel_coverage(quad, shape):
    """Exact area of each pixel inside the quad, by clipping every pixel
    square against the quad's edges (Sutherland–Hodgman)."""
    quad = np.array(quad, np.float64)
    h, w = shape
    coverage = np.zeros(shape)
    lo = np.floor(quad.min(0)).astype(int)
    hi = np.ceil(quad.max(0)).astype(int)
    for y in range(max(lo[1], 0), min(hi[1], h)):
        for x in range(max(lo[0], 0), min(hi[0], w)):
            poly = [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]
            for i in range(4):
                p, q = quad[i], quad[(i + 1) % 4]
                nx, ny = -(q[1] - p[1]), q[0] - p[0]
                side = [(a[0] - p[0]) * nx + (a[1] - p[1]) * ny for a in poly]
                clipped = []
                for k in range(len(poly)):
                    a, b, sa, sb = poly[k], poly[(k + 1) % len(poly)], side[k], side[(k + 1) % len(poly)]
                    if sa >= 0:
                        clipped.append(a)
                    if (sa >= 0) != (sb >= 0):
                        t = sa / (sa - sb)
                        clipped.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
                poly = clipped
                if not poly:
                    break
            if poly:
                area = 0.0
                for k in range(len(poly)):
                    a, b = poly[k], poly[(k + 1) % len(poly)]
                    area += a[0] * b[1] - b[0] * a[1]
                coverage[y, x] = abs(area) / 2
    return coverage


@pytest.mark.parametrize('name', sorted(QUADS))
def test_edges_are_coverage_antialiased(make_template, make_artwork, name):
    quad = [[x / 2 + 0.3, y / 2 + 0.7] for x, y in QUADS[name]]    # off-grid corners
    shape = (360, 380)
    white = np.full((64, 64, 3), 255, np.uint8)
    out = render_rgba(slot_template(make_template, quad, size=shape[::-1], background=None),
                      make_artwork(white))[..., 3]
    exact = polygon_pixel_coverage(quad, shape)
    assert np.abs(out - exact).max() <= 4 / 255, np.abs(out - exact).max()


def test_transparent_artwork_has_no_dark_fringe(make_template, make_artwork):
    # an antialiased red disc in straight alpha, transparent black around:
    # what image editors save
    alpha = np.zeros((400, 400), np.uint8)
    cv2.circle(alpha, (200, 200), 150, 255, -1, lineType=cv2.LINE_AA)
    art = np.zeros((400, 400, 4), np.uint8)
    art[alpha > 0] = (255, 0, 0, 0)
    art[..., 3] = alpha
    template = slot_template(make_template, [[20, 20], [120, 20], [120, 120], [20, 120]],
                             size=(140, 140), background='#ffffff')
    out = render_rgba(template, make_artwork(art)) * 255
    # red over white: red stays full wherever the disc's edge is blended;
    # straight-alpha filtering would darken it toward the transparent black
    assert out[..., 0].min() >= 254
    partial = (out[..., 1] > 5) & (out[..., 1] < 250)
    assert partial.sum() > 50                        # there is an antialiased edge
    assert np.abs(out[..., 1] - out[..., 2])[partial].max() <= 2


def flat_render(make_template, make_artwork, image_path_or_array, name, **props):
    template = make_template([{'type': 'artwork', 'fit': 'stretch', 'quad': [[0, 0], [40, 0], [40, 30], [0, 30]]}],
                             size=(40, 30), folder='flat-' + name)
    if isinstance(image_path_or_array, str):
        artwork = Mockup.Artwork.new_from_file(image_path_or_array)
    else:
        artwork = make_artwork(image_path_or_array, name + '.png')
    return render_rgba(template, artwork, **props), artwork


def halves(w=200, h=100):
    art = np.zeros((h, w, 3), np.uint8)
    art[:, : w // 2] = (255, 0, 0)
    art[:, w // 2:] = (0, 0, 255)
    return art


@pytest.mark.parametrize('orientation', [1, 2, 3, 4, 5, 6, 7, 8])
def test_exif_orientation(make_template, tmp_path, orientation):
    """The stored pixels are the displayed ones transformed by the inverse
    of the orientation; the library must show them upright."""
    shown = Image.fromarray(halves())
    inverse = {1: None, 2: Image.FLIP_LEFT_RIGHT, 3: Image.ROTATE_180, 4: Image.FLIP_TOP_BOTTOM,
               5: Image.TRANSPOSE, 6: Image.ROTATE_90, 7: Image.TRANSVERSE, 8: Image.ROTATE_270}[orientation]
    stored = shown.transpose(inverse) if inverse is not None else shown
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / ('o%d.jpg' % orientation)
    stored.save(path, quality=95, exif=exif.tobytes())
    out, artwork = flat_render(make_template, None, str(path), 'o%d' % orientation)
    assert (artwork.props.width, artwork.props.height) == (200, 100)
    assert out[15, 5, 0] > 0.9 and out[15, 5, 2] < 0.1       # left red
    assert out[15, 35, 2] > 0.9 and out[15, 35, 0] < 0.1     # right blue


def test_png_kinds(make_template, tmp_path):
    cases = {}
    rgb16 = np.zeros((30, 40, 3), np.uint16)
    rgb16[...] = (65535, 32896, 257)                          # 255, 128, 1 in 8 bits
    cv2.imwrite(str(tmp_path / 'rgb16.png'), rgb16[..., ::-1])
    cases['rgb16'] = ((255, 128, 1, 255), 'rgb16.png')
    Image.new('L', (40, 30), 77).save(tmp_path / 'grey.png')
    cases['grey'] = ((77, 77, 77, 255), 'grey.png')
    Image.new('LA', (40, 30), (200, 128)).save(tmp_path / 'grey-alpha.png')
    cases['grey-alpha'] = ((200, 200, 200, 128), 'grey-alpha.png')
    palette = Image.new('P', (40, 30), 1)
    palette.putpalette([0, 0, 0, 10, 200, 30] + [0] * 762)
    palette.save(tmp_path / 'palette.png')
    cases['palette'] = ((10, 200, 30, 255), 'palette.png')
    palette.save(tmp_path / 'palette-trns.png', transparency=1)
    cases['palette-trns'] = ((0, 0, 0, 0), 'palette-trns.png')
    Image.new('RGBA', (40, 30), (250, 100, 50, 64)).save(tmp_path / 'rgba.png')
    cases['rgba'] = ((250, 100, 50, 64), 'rgba.png')
    Image.new('L', (40, 30), 140).save(tmp_path / 'grey.jpg', quality=98)
    cases['grey-jpeg'] = ((140, 140, 140, 255), 'grey.jpg')
    Image.new('CMYK', (40, 30), (0, 128, 255, 0)).save(tmp_path / 'cmyk.jpg', quality=98)
    cases['cmyk-jpeg'] = ((255, 127, 0, 255), 'cmyk.jpg')
    Image.new('CMYK', (40, 30), (0, 0, 0, 191)).save(tmp_path / 'cmyk-k.jpg', quality=98)
    cases['cmyk-black'] = ((64, 64, 64, 255), 'cmyk-k.jpg')
    for name, (expected, file) in cases.items():
        out, _ = flat_render(make_template, None, str(tmp_path / file), name)
        rgba = out[15, 20] * 255
        if expected[3] == 0:
            assert rgba[3] < 1, (name, rgba)
            continue
        colour = rgba[:3]      # pixbufs hold straight alpha
        assert abs(rgba[3] - expected[3]) <= 1.5, (name, rgba)
        assert np.abs(colour - expected[:3]).max() <= 3, (name, colour, expected)


def srgb_to_lab(rgb):
    c = np.asarray(rgb, np.float64) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def delta_e(a, b):
    return np.linalg.norm(srgb_to_lab(a) - srgb_to_lab(b), axis=-1)


def s15f16(x):
    return struct.pack('>i', int(round(x * 65536)))


def adobe_rgb_profile():
    """A minimal ICC v2 matrix/TRC profile with Adobe RGB (1998)'s
    primaries (adapted to D50) and gamma 2.2: wider than sRGB, so its
    colours visibly change when converted."""
    def xyz_tag(x, y, z):
        return b'XYZ ' + b'\0' * 4 + s15f16(x) + s15f16(y) + s15f16(z)
    curve = b'curv' + b'\0' * 4 + struct.pack('>IH', 1, 563) + b'\0\0'   # gamma 563/256
    text = b'desc' + b'\0' * 4 + struct.pack('>I', 14) + b'Test AdobeRGB\0' + b'\0' * 67
    tags = [(b'desc', text), (b'wtpt', xyz_tag(0.9642, 1.0, 0.8249)),
            (b'rXYZ', xyz_tag(0.6097, 0.3111, 0.0195)), (b'gXYZ', xyz_tag(0.2053, 0.6257, 0.0609)),
            (b'bXYZ', xyz_tag(0.1492, 0.0632, 0.7446)),
            (b'rTRC', curve), (b'gTRC', curve), (b'bTRC', curve)]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b'', b''
    for sig, body in tags:
        while (offset + len(data)) % 4:
            data += b'\0'
        table += sig + struct.pack('>II', offset + len(data), len(body))
        data += body
    body = struct.pack('>I', len(tags)) + table + data
    size = 128 + len(body)
    header = (struct.pack('>I', size) + b'none' + struct.pack('>I', 0x02100000) + b'mntrRGB XYZ '
              + b'\0' * 12 + b'acsp' + b'APPL' + b'\0' * 4 + b'\0' * 8 + b'\0' * 8 + b'\0' * 4
              + s15f16(0.9642) + s15f16(1.0) + s15f16(0.8249) + b'\0' * 4 + b'\0' * 16 + b'\0' * 28)
    assert len(header) == 128
    return header + body


@pytest.mark.parametrize('container', ['png', 'jpg'])
def test_embedded_icc_profile_converted_to_srgb(make_template, tmp_path, container):
    profile = adobe_rgb_profile()
    patches = np.array([[30, 160, 40], [200, 40, 50], [60, 90, 210], [180, 180, 180], [240, 200, 60]], np.uint8)
    art = np.repeat(np.repeat(patches[None], 30, 0), 40, 1)      # 5 flat patches side by side
    path = tmp_path / ('wide.' + container)
    Image.fromarray(art).save(path, icc_profile=profile, **({'quality': 98} if container == 'jpg' else {}))
    # the expected colours, converted by PIL's own binding of lcms
    transform = ImageCms.buildTransform(ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                                        ImageCms.createProfile('sRGB'), 'RGB', 'RGB')
    expected = np.asarray(ImageCms.applyTransform(Image.fromarray(patches[None]), transform))[0]
    assert delta_e(expected, patches).max() > 5          # the profile matters
    template = make_template([{'type': 'artwork', 'fit': 'stretch',
                               'quad': [[0, 0], [200, 0], [200, 30], [0, 30]]}],
                             size=(200, 30), folder='icc-' + container)
    artwork = Mockup.Artwork.new_from_file(str(path))
    for fmt in (Mockup.Format.PNG, Mockup.Format.JPEG):
        result = render(template, artwork, format=fmt, quality=95)
        out = np.asarray(decode(result.get_bytes()).convert('RGB'))
        got = out[15, 20::40][:5]
        assert delta_e(got, expected).max() < 2, (fmt, got, expected)


def test_flat_colours_survive_the_pipeline(make_template, tmp_path):
    """sRGB patches in a JPEG background and a PNG artwork come out of a
    JPEG render with the same colour."""
    patches = np.array([[230, 40, 40], [40, 200, 80], [30, 60, 220], [250, 220, 40], [128, 128, 128]], np.uint8)
    bg = np.repeat(np.repeat(patches[None], 60, 0), 60, 1)
    save_image(tmp_path / 'bg.jpg', bg)
    save_image(tmp_path / 'art.png', np.repeat(np.repeat(patches[::-1][None], 20, 0), 20, 1))
    template = make_template([{'type': 'image', 'source': 'bg.jpg'},
                              {'type': 'artwork', 'fit': 'stretch', 'quad': [[0, 30], [300, 30], [300, 60], [0, 60]]}],
                             images={'bg.jpg': bg})
    result = render(template, Mockup.Artwork.new_from_file(str(tmp_path / 'art.png')), quality=95)
    out = np.asarray(decode(result.get_bytes()).convert('RGB'))
    assert delta_e(out[10, 30::60], patches).max() < 2
    assert delta_e(out[45, 30::60], patches[::-1]).max() < 2


def test_linear_light_resampling(make_template, make_artwork):
    """Thin black and white lines shrunk by 2: averaging sRGB values gives
    128, averaging light gives 188, the grey that looks as bright."""
    lines = np.zeros((512, 512, 3), np.uint8)
    lines[:, ::2] = 255
    quad = [[0, 0], [256, 0], [256, 256], [0, 256]]
    template = make_template([{'type': 'artwork', 'fit': 'stretch', 'quad': quad}], size=(256, 256))
    art = make_artwork(lines)
    plain = render_rgba(template, art)[8:-8, 8:-8, 1] * 255
    linear = render_rgba(template, art, linear_light=True)[8:-8, 8:-8, 1] * 255
    assert abs(plain.mean() - 127.5) <= 1.5 and np.ptp(plain) <= 2
    assert abs(linear.mean() - 188) <= 1.5 and np.ptp(linear) <= 2
    # and where nothing is averaged, both agree
    flat = make_artwork(np.full((512, 512, 3), 90, np.uint8), 'flat.png')
    assert np.allclose(render_rgba(template, flat)[8:-8, 8:-8],
                       render_rgba(template, flat, linear_light=True)[8:-8, 8:-8], atol=1.5 / 255)
