# test_webp_streaming.py: WebP template photos, streamed at the output
# scale through libwebp's incremental decoder (issue 18)
#
# A photo encoded by PIL (libwebp) renders as PIL's whole decode of it,
# saved as PNG: exactly at full size, within a few levels at preview size,
# where libwebp's rescaler stands in for the reader's resampling. Broken
# files fail with GLib errors naming the file.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import sys

import numpy as np
import pytest
from PIL import Image
from gi.repository import GdkPixbuf, GLib, Mockup

from conftest import pixbuf_array

SIZE = 512


def photo(alpha):
    rng = np.random.default_rng(18)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    rgb = np.stack([40 + xx * 180 // SIZE,
                    np.where((xx // 29 + yy // 41) % 2 == 1, 200, 60),
                    220 - yy * 160 // SIZE], -1)
    rgb = np.clip(rgb + rng.integers(-12, 13, (SIZE, SIZE, 1)), 0, 255).astype(np.uint8)
    if not alpha:
        return Image.fromarray(rgb, 'RGB')
    d = np.hypot(xx - SIZE / 2, yy - SIZE / 2)
    a = np.clip((d - SIZE / 6) * 4, 0, 255).astype(np.uint8)
    return Image.fromarray(np.dstack([rgb, a]), 'RGBA')


def render(folder, name, max_size, linear=True):
    manifest = {'format': 1, 'size': [SIZE, SIZE], 'layers': [{'type': 'image', 'source': name}]}
    template = Mockup.Template.new_from_data(json.dumps(manifest).encode(), str(folder))
    renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF, max_size=max_size, linear_light=linear)
    pixbuf = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, True, 8, 4, 4)
    pixbuf.fill(0)
    artwork = Mockup.Artwork.new_from_pixbuf(pixbuf)
    return pixbuf_array(renderer.render(artwork, template, None).get_pixbuf())


def premultiplied(a):
    a = a.astype(np.int32)
    return np.concatenate([(a[..., :3] * a[..., 3:] + 127) // 255, a[..., 3:]], -1)


@pytest.fixture(scope='module', params=[('lossy', False, {'quality': 90}),
                                        ('lossy-alpha', True, {'quality': 90}),
                                        ('lossless', True, {'lossless': True})],
                ids=lambda p: p[0])
def pair(request, tmp_path_factory):
    """name.webp and name.png, PIL's whole decode of it."""
    name, alpha, options = request.param
    folder = tmp_path_factory.mktemp('webp')
    photo(alpha).save(folder / (name + '.webp'), **options)
    Image.open(folder / (name + '.webp')).save(folder / (name + '.png'))
    return folder, name


@pytest.mark.parametrize('max_size,linear,largest,mean', [
    (0, True, 0, 0.0),
    (SIZE // 4, False, 16, 1.2),
    (SIZE // 4, True, 24, 1.2),
    (SIZE * 2 // 5, True, 24, 1.2),
])
def test_streamed_equals_whole_decode(pair, max_size, linear, largest, mean):
    folder, name = pair
    streamed = premultiplied(render(folder, name + '.webp', max_size, linear))
    whole = premultiplied(render(folder, name + '.png', max_size, linear))
    assert streamed.shape == whole.shape
    if max_size:
        assert streamed.shape[0] == max_size
    diff = np.abs(streamed - whole)
    assert diff.max() <= largest, (diff.max(), diff.mean())
    assert diff.mean() <= mean, (diff.max(), diff.mean())


def test_truncated_fails_naming_the_file(tmp_path):
    photo(False).save(tmp_path / 'whole.webp', quality=90)
    data = (tmp_path / 'whole.webp').read_bytes()
    for percent in (30, 60, 90):
        name = 'cut-%d.webp' % percent
        (tmp_path / name).write_bytes(data[:len(data) * percent // 100])
        for max_size in (0, SIZE // 4):
            with pytest.raises(GLib.Error) as info:
                render(tmp_path, name, max_size)
            assert info.value.matches(Mockup.error_quark(), Mockup.Error.INVALID_IMAGE)
            assert name in info.value.message
            assert 'truncated' in info.value.message


def test_huge_and_animated_headers_fail(tmp_path):
    def vp8x(flags, w, h):
        return (b'RIFF\x16\0\0\0WEBPVP8X\x0a\0\0\0' + bytes([flags, 0, 0, 0])
                + (w - 1).to_bytes(3, 'little') + (h - 1).to_bytes(3, 'little'))

    (tmp_path / 'huge.webp').write_bytes(vp8x(0, 20000, 20000))
    with pytest.raises(GLib.Error) as info:
        render(tmp_path, 'huge.webp', SIZE // 4)
    assert info.value.matches(Mockup.error_quark(), Mockup.Error.TOO_LARGE)
    assert 'huge.webp' in info.value.message

    (tmp_path / 'animated.webp').write_bytes(vp8x(2, 64, 64))
    with pytest.raises(GLib.Error) as info:
        render(tmp_path, 'animated.webp', SIZE // 4)
    assert info.value.matches(Mockup.error_quark(), Mockup.Error.UNSUPPORTED)
    assert 'animated' in info.value.message


def test_large_scaled_photo_with_alpha(tmp_path, monkeypatch):
    """Big enough that libwebp's scaled buffer is mapped and the rows read
    are given back while it decodes: the rows still ready must be intact
    (a page given back too early would read as zeros)."""
    monkeypatch.setattr(sys.modules[__name__], 'SIZE', 1600)
    photo(True).save(tmp_path / 'big.webp', quality=90)
    Image.open(tmp_path / 'big.webp').save(tmp_path / 'big.png')
    for max_size, linear in ((800, False), (400, True), (0, False)):
        streamed = premultiplied(render(tmp_path, 'big.webp', max_size, linear))
        whole = premultiplied(render(tmp_path, 'big.png', max_size, linear))
        diff = np.abs(streamed - whole)
        # the hard stripes of the test image, rescaled as Y, U and V
        # (measured 24 at most, 1.3 on average), or exactly
        assert diff.max() <= (32 if max_size else 0), (max_size, diff.max())
        assert diff.mean() <= (2.0 if max_size else 0), (max_size, diff.mean())
        # no row of zeros where the photo is
        assert (streamed[..., 3].max(axis=1) > 0).all()
