# test_png_decoding.py: PNG artworks decode exactly, and broken ones fail
# with an error that names the file
#
# The PNGs are written here byte by byte, so that every row filter, chunk
# layout and kind of damage is exercised, whichever decoder the library
# uses for them (ISA-L for 8-bit RGB and RGBA, libspng for the rest).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import struct
import zlib

import numpy as np
import pytest
from gi.repository import GLib, Mockup

from conftest import assert_mockup_error, render_rgba


def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_rows(pixels, filters):
    """PNG-filters each row of @pixels (H×W×C uint8) with the filter type
    of @filters[y % len(filters)]."""
    h, w, c = pixels.shape
    out = bytearray()
    prev = np.zeros(w * c, np.int32)
    for y in range(h):
        row = pixels[y].reshape(-1).astype(np.int32)
        kind = filters[y % len(filters)]
        left = np.concatenate([np.zeros(c, np.int32), row[:-c]])
        upleft = np.concatenate([np.zeros(c, np.int32), prev[:-c]])
        if kind == 0:
            f = row
        elif kind == 1:
            f = row - left
        elif kind == 2:
            f = row - prev
        elif kind == 3:
            f = row - (left + prev) // 2
        else:
            f = row - np.array([paeth(a, b, d) for a, b, d in zip(left, prev, upleft)])
        out.append(kind)
        out += bytes((f % 256).astype(np.uint8))
        prev = row
    return bytes(out)


def png(pixels, filters=(0, 1, 2, 3, 4), idat_pieces=1, empty_idats=False):
    h, w, c = pixels.shape
    colour_type = {3: 2, 4: 6}[c]
    data = zlib.compress(filter_rows(pixels, filters), 6)
    out = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, colour_type, 0, 0, 0))
    out += chunk(b'tEXt', b'Comment\x00made by hand')
    step = max(1, len(data) // idat_pieces + 1)
    for i in range(0, len(data), step):
        if empty_idats:
            out += chunk(b'IDAT', b'')
        out += chunk(b'IDAT', data[i:i + step])
    return out + chunk(b'IEND', b'')


def decoded(make_template, tmp_path, data, w, h, name):
    (tmp_path / name).write_bytes(data)
    artwork = Mockup.Artwork.new_from_file(str(tmp_path / name))
    template = make_template([{'type': 'artwork', 'fit': 'stretch', 'quad': [[0, 0], [w, 0], [w, h], [0, h]]}],
                             size=(w, h), folder='t-' + name)
    return np.round(render_rgba(template, artwork) * 255).astype(np.int32)


@pytest.fixture
def pixels():
    rng = np.random.default_rng(11)
    return rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)


@pytest.mark.parametrize('filters', [(0,), (1,), (2,), (3,), (4,), (4, 3, 2, 1, 0)])
@pytest.mark.parametrize('channels', [3, 4])
def test_every_filter_decodes_exactly(make_template, tmp_path, pixels, filters, channels):
    image = pixels[..., :channels].copy()
    if channels == 4:
        image[..., 3] = 255          # opaque: the output must equal the input
    out = decoded(make_template, tmp_path, png(image, filters), 53, 37, 'f%s-%d.png' % (''.join(map(str, filters)), channels))
    assert np.array_equal(out[..., :3], image[..., :3].astype(np.int32))
    assert (out[..., 3] == 255).all()


def test_translucent_pixels(make_template, tmp_path, pixels):
    out = decoded(make_template, tmp_path, png(pixels, (4,)), 53, 37, 'alpha.png')
    assert np.array_equal(out[..., 3], pixels[..., 3].astype(np.int32))
    seen = pixels[..., 3] >= 16
    # straight colour survives premultiplication to within rounding
    assert np.abs(out[..., :3][seen] - pixels[..., :3][seen].astype(np.int32)).max() <= 255 / 16 + 1


def test_many_and_empty_idat_chunks(make_template, tmp_path, pixels):
    image = pixels[..., :3].copy()
    out = decoded(make_template, tmp_path, png(image, idat_pieces=40, empty_idats=True), 53, 37, 'split.png')
    assert np.array_equal(out[..., :3], image.astype(np.int32))


def broken_cases(good):
    idat = good.index(b'IDAT')
    length = struct.unpack('>I', good[idat - 4:idat])[0]
    crc_at = idat + 4 + length
    bad_crc = bytearray(good)
    bad_crc[crc_at] ^= 0xff
    bad_data = bytearray(good)
    bad_data[idat + 4 + length // 2] ^= 0x5a
    return {
        'truncated-in-data': good[:idat + 4 + length // 2],
        'truncated-before-crc': good[:crc_at],
        'truncated-after-idat': good[:crc_at + 4],
        'crc-mismatch': bytes(bad_crc),
        'corrupt-deflate': bytes(bad_data),
    }


@pytest.mark.parametrize('case', ['truncated-in-data', 'truncated-before-crc', 'crc-mismatch',
                                  'corrupt-deflate'])
@pytest.mark.parametrize('channels', [3, 4])
def test_damage_is_an_error_naming_the_file(make_template, tmp_path, pixels, case, channels):
    data = broken_cases(png(pixels[..., :channels].copy(), (4,)))[case]
    name = '%s-%d.png' % (case, channels)
    with pytest.raises(GLib.Error) as excinfo:
        decoded(make_template, tmp_path, data, 53, 37, name)
    assert_mockup_error(excinfo, Mockup.Error.INVALID_IMAGE, name)


@pytest.mark.parametrize('channels', [3, 4])
def test_complete_data_without_iend_decodes(make_template, tmp_path, pixels, channels):
    """Cut right after the image data: every pixel is there, as browsers
    agree, so it decodes."""
    image = pixels[..., :channels].copy()
    if channels == 4:
        image[..., 3] = 255
    data = broken_cases(png(image, (4,)))['truncated-after-idat']
    out = decoded(make_template, tmp_path, data, 53, 37, 'no-iend-%d.png' % channels)
    assert np.array_equal(out[..., :3], image[..., :3].astype(np.int32))


def test_other_kinds_still_decode(make_template, tmp_path, pixels):
    """16-bit and greyscale PNGs take the other decoder; same pixels."""
    from PIL import Image
    grey = pixels[..., 0]
    Image.fromarray(grey, 'L').save(tmp_path / 'grey.png')
    out = decoded(make_template, tmp_path, (tmp_path / 'grey.png').read_bytes(), 53, 37, 'grey-copy.png')
    assert np.array_equal(out[..., 0], grey.astype(np.int32))


@pytest.mark.parametrize('size', [256, 625, 1000])
@pytest.mark.parametrize('mode,colour', [('RGBA', (0, 0, 0, 0)), ('RGBA', (30, 60, 90, 128)), ('RGB', (9, 8, 7))])
def test_flat_images_decode(make_template, tmp_path, size, mode, colour):
    """Issue 14: a flat image compresses so well that the inflater takes in
    all of it at once, with rows still to give; it was "not a readable PNG
    image: the image data ends early"."""
    from PIL import Image
    name = 'flat-%s-%d.png' % (mode, size)
    Image.new(mode, (size, size), colour).save(tmp_path / name)
    out = decoded(make_template, tmp_path, (tmp_path / name).read_bytes(), size, size, name)
    alpha = colour[3] if mode == 'RGBA' else 255
    assert (out[..., 3] == alpha).all()
    if alpha:
        premultiplied = np.round(out[..., :3] * alpha / 255)
        assert (np.abs(premultiplied - np.round(np.array(colour[:3]) * alpha / 255)) == 0).all()


@pytest.mark.parametrize('icon', ['256x256/mimetypes/x-package-repository.png',
                                  '512x512/mimetypes/x-office-document-template.png'])
def test_reported_icons_decode(make_template, tmp_path, icon):
    """The two Adwaita icons of issue 14, where the machine has them."""
    from PIL import Image
    path = '/usr/share/icons/Adwaita/' + icon
    try:
        data = open(path, 'rb').read()
    except OSError:
        pytest.skip('%s is not installed' % path)
    reference = np.asarray(Image.open(path).convert('RGBA')).astype(np.int32)
    h, w = reference.shape[:2]
    out = decoded(make_template, tmp_path, data, w, h, icon.replace('/', '-'))
    assert np.array_equal(out[..., 3], reference[..., 3])
    a = reference[..., 3:]
    assert np.array_equal((2 * out[..., :3] * a + 255) // 510, (2 * reference[..., :3] * a + 255) // 510)


def test_unreadable_chunk_is_named(make_template, tmp_path, pixels):
    """A chunk libspng cannot read (a palette of 257 colours) is the error,
    not the "non-recoverable state" of the calls after it."""
    h, w = 4, 3
    rows = b''.join(b'\x00' + bytes(w) for _ in range(h))
    data = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 3, 0, 0, 0)) +
            chunk(b'PLTE', bytes(3 * 257)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))
    with pytest.raises(GLib.Error) as excinfo:
        decoded(make_template, tmp_path, data, w, h, 'long-palette.png')
    assert_mockup_error(excinfo, Mockup.Error.INVALID_IMAGE, 'long-palette.png', 'chunk length')
    assert 'non-recoverable' not in excinfo.value.message
