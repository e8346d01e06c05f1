# test_image_corpus.py: real images and thousands of generated PNGs decode
# through the library's readers to the pixels reference decoders give
#
# Every image is read two ways: as a template's image layer, on a canvas of
# its own size, and as the artwork of a template whose quad covers that
# canvas exactly. Both renders (straight RGBA pixbufs) are compared with the
# reference in premultiplied 8-bit, which is what the library composites in.
#
# The references and their tolerances:
#   - generated PNGs: the samples that were written, exactly for 1- to 8-bit
#     samples; 16-bit ones become 8-bit in the library (libspng keeps the
#     high byte, libpng can round), so within 1 of v / 257.
#   - PNG files: PIL's decoder, exactly. The library, like PIL and browsers,
#     does not apply gAMA, cHRM or sBIT. An iCCP profile without an sRGB chunk is
#     converted to sRGB with lcms2 and PIL does not convert: such files must
#     decode, at the right size, but their pixels are not compared (counted).
#     EXIF orientation is applied from an eXIf chunk before the image data
#     (browsers ignore a later one, and so does the library).
#   - JPEG: PIL (libjpeg-turbo, the same islow IDCT and fancy upsampling), to
#     within 2, as another libjpeg-turbo build may round otherwise.
#     ICC profiles are skipped as for PNG.
#   - WebP: PIL (libwebp), exact when lossless, within 2 when lossy.
#   - Artworks over 1024 pixels a side: within 1 more, as the artwork's
#     texture sampling at an identity mapping is off by one at sharp edges
#     for some such widths (1500, 2100: issue 14's notes); the image-layer
#     route is held exact.
#
# The real images are those under /usr/share (MOCKUP_CORPUS_ROOT), at most
# 1500 (MOCKUP_CORPUS_LIMIT; 0: all) and 120 megapixels: every file that
# is not a small 8-bit RGBA PNG, then a fixed sample of the others by the
# SHA-1 of their path, so that each machine tests the same ones every run.
# A failure lists every file and route that failed.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import hashlib
import io
import json
import os
import struct
import zlib

import numpy as np
import pytest
from PIL import Image
from gi.repository import GdkPixbuf, GLib, Mockup

from conftest import pixbuf_array

CORPUS_ROOT = os.environ.get('MOCKUP_CORPUS_ROOT', '/usr/share')
CORPUS_LIMIT = int(os.environ.get('MOCKUP_CORPUS_LIMIT', '1500'))
CORPUS_PIXELS = 120_000_000
# issue 14: valid PNGs that failed with "the image data ends early"
KNOWN_CASES = ('icons/Adwaita/256x256/mimetypes/x-package-repository.png',
               'icons/Adwaita/512x512/mimetypes/x-office-document-template.png')

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


# ------------------------------------------------------------------ renders

class Reader:
    """Renders an image file both ways at its own size."""

    def __init__(self):
        self.renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF)
        pixbuf = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, True, 8, 1, 1)
        pixbuf.fill(0)
        self.unused_artwork = Mockup.Artwork.new_from_pixbuf(pixbuf)

    def _render(self, artwork, manifest, base_dir):
        template = Mockup.Template.new_from_data(json.dumps(manifest).encode(), base_dir)
        result = self.renderer.render(artwork, template, None)
        return pixbuf_array(result.get_pixbuf())

    def as_artwork(self, path, w, h):
        artwork = Mockup.Artwork.new_from_file(path)
        if (artwork.get_width(), artwork.get_height()) != (w, h):
            raise AssertionError('the artwork is %d×%d, the reference %d×%d'
                                 % (artwork.get_width(), artwork.get_height(), w, h))
        return self._render(artwork, {'format': 1, 'size': [w, h], 'layers': [
            {'type': 'artwork', 'fit': 'stretch', 'quad': [[0, 0], [w, 0], [w, h], [0, h]]}]}, None)

    def as_image(self, path, w, h):
        # a template's image must lie in its folder: no symbolic links
        path = os.path.realpath(path)
        return self._render(self.unused_artwork, {'format': 1, 'size': [w, h], 'layers': [
            {'type': 'image', 'source': os.path.basename(path)}]}, os.path.dirname(path))


@pytest.fixture(scope='module')
def reader():
    return Reader()


def difference(out, ref):
    """Each pixel's largest difference, in premultiplied 8-bit, between
    rendered pixels (…×4 straight uint8) and the reference's (straight RGBA,
    0 to 255: uint8, or float where the samples had more than 8 bits)."""
    out = out.astype(np.int32)
    ao = out[..., 3:4]
    po = (2 * out[..., :3] * ao + 255) // 510          # round (c × a / 255)
    if ref.dtype == np.uint8:
        ref = ref.astype(np.int32)
        ar = ref[..., 3:4]
        pr = (2 * ref[..., :3] * ar + 255) // 510
    else:
        ar = ref[..., 3:4]
        pr = np.floor(ref[..., :3] * ar / 255 + 0.5).astype(np.int32)
        ar = np.floor(ar + 0.5).astype(np.int32)
    return np.maximum(np.abs(ao - ar), np.abs(po - pr)).max(-1)


def check(reader, path, ref, tolerance, failures, name=None):
    """Reads @path both ways and adds what is wrong to @failures; returns
    the largest difference seen."""
    h, w = ref.shape[:2]
    worst = 0
    for route in ('image', 'artwork'):
        allowed = tolerance + (route == 'artwork' and max(w, h) > 1024)
        try:
            out = getattr(reader, 'as_' + route)(path, w, h)
        except (GLib.Error, AssertionError) as e:
            failures.append('%s (%s): %s' % (name or path, route, getattr(e, 'message', e)))
            continue
        if out.shape[:2] != ref.shape[:2]:
            failures.append('%s (%s): %d×%d, expected %d×%d' % (name or path, route, out.shape[1],
                                                                 out.shape[0], w, h))
            continue
        if ref.dtype == np.uint8:
            # equal straight values are equal premultiplied: look at the rest
            as_words = lambda a: np.ascontiguousarray(a).view(np.uint32)[..., 0]
            ys, xs = np.nonzero(as_words(out) != as_words(ref))
        else:
            ys, xs = np.indices((h, w)).reshape(2, -1)
        each = difference(out[ys, xs], ref[ys, xs])
        d = int(each.max(initial=0))
        worst = max(worst, d)
        n_bad = int((each > allowed).sum())
        if n_bad:
            first = np.argmax(each > allowed)
            x, y = xs[first], ys[first]
            failures.append('%s (%s): differs by %d (allowed %d) at %d pixels, first (%d, %d): %s, expected %s'
                            % (name or path, route, d, allowed, n_bad, x, y,
                               out[y, x].tolist(), np.round(ref[y, x].astype(float), 1).tolist()))
    return worst


def report(failures):
    if failures:
        shown = failures[:60]
        more = len(failures) - len(shown)
        pytest.fail('%d failures:\n%s%s' % (len(failures), '\n'.join(shown),
                                            '\n… and %d more' % more if more else ''), pytrace=False)


# ------------------------------------------------------------ orientation

def orient(pixels, orientation):
    """@pixels (H×W×…) as displayed under EXIF @orientation."""
    return {
        1: lambda a: a,
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: a.swapaxes(0, 1),
        6: lambda a: np.rot90(a, -1),
        7: lambda a: a[::-1, ::-1].swapaxes(0, 1),
        8: lambda a: np.rot90(a, 1),
    }.get(orientation, lambda a: a)(pixels)


def test_orient_agrees_with_pil():
    """The references' orientation is PIL's exif_transpose's."""
    from PIL import ImageOps
    rng = np.random.default_rng(5)
    pixels = rng.integers(0, 256, (5, 7, 3), np.uint8)
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        buf = io.BytesIO()
        Image.fromarray(pixels).save(buf, 'PNG', exif=exif.tobytes())
        transposed = np.asarray(ImageOps.exif_transpose(Image.open(buf)))
        assert np.array_equal(transposed, orient(pixels, orientation)), orientation


# ------------------------------------------------------------- PNG writer

def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))


def pack(samples, depth):
    """H×W×C samples → H rows of bytes, as PNG stores them."""
    h, w, c = samples.shape
    if depth == 16:
        return samples.astype('>u2').view(np.uint8).reshape(h, w * c * 2)
    if depth == 8:
        return samples.astype(np.uint8).reshape(h, w * c)
    per = 8 // depth
    flat = samples.reshape(h, w).astype(np.uint16)
    flat = np.pad(flat, ((0, 0), (0, -w % per)))
    shifts = depth * np.arange(per - 1, -1, -1)
    return (flat.reshape(h, -1, per) << shifts).sum(-1).astype(np.uint8)


def filtered(rows, bpp, filters):
    """Each row with its filter byte first, the filter type of row y being
    filters[y % len(filters)]."""
    h, n = rows.shape
    out = np.empty((h, n + 1), np.uint8)
    out[:, 0] = [filters[y % len(filters)] for y in range(h)]
    out[:, 1:] = rows
    if set(filters) == {0}:
        return out.tobytes()
    x = rows.astype(np.int16)
    up = np.vstack([np.zeros((1, n), np.int16), x[:-1]])
    left = np.hstack([np.zeros((h, bpp), np.int16), x[:, :-bpp]])[:, :n]
    upleft = np.hstack([np.zeros((h, bpp), np.int16), up[:, :-bpp]])[:, :n]
    for k in set(filters) - {0}:
        rows_k = out[:, 0] == k
        a, b, c = left[rows_k], up[rows_k], upleft[rows_k]
        if k == 1:
            predicted = a
        elif k == 2:
            predicted = b
        elif k == 3:
            predicted = (a + b) // 2
        else:
            p = a + b - c
            pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
            predicted = np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
        out[rows_k, 1:] = (x[rows_k] - predicted) % 256
    return out.tobytes()


ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def scanlines(samples, depth, filters, interlace):
    c = samples.shape[2]
    bpp = max(1, c * depth // 8)
    if not interlace:
        return filtered(pack(samples, depth), bpp, filters)
    out = b''
    for x0, y0, dx, dy in ADAM7:
        sub = samples[y0::dy, x0::dx]
        if sub.shape[0] and sub.shape[1]:
            out += filtered(pack(sub, depth), bpp, filters)
    return out


def deflate(raw, level=6, strategy=zlib.Z_DEFAULT_STRATEGY, wbits=15, empty_final=False):
    z = zlib.compressobj(level, zlib.DEFLATED, wbits, 9, strategy)
    data = z.compress(raw)
    if empty_final:
        # everything flushed into blocks of its own; the last block is empty
        data += z.flush(zlib.Z_FULL_FLUSH)
    return data + z.flush()


def encode_png(samples, colour, depth, *, palette=None, trns=None, interlace=False,
               filters=(0, 1, 2, 3, 4), level=6, strategy=zlib.Z_DEFAULT_STRATEGY, wbits=15,
               empty_final=False, idat_size=0, empty_idats=False, before=(), after=(),
               iend=True):
    h, w = samples.shape[:2]
    data = deflate(scanlines(samples, depth, filters, interlace), level, strategy, wbits, empty_final)
    out = [PNG_MAGIC, chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, colour, 0, 0, int(interlace)))]
    out += before
    if palette is not None:
        out.append(chunk(b'PLTE', palette.astype(np.uint8).tobytes()))
    if trns is not None:
        out.append(chunk(b'tRNS', trns))
    step = idat_size or max(1, len(data))
    for i in range(0, max(1, len(data)), step):
        if empty_idats:
            out.append(chunk(b'IDAT', b''))
        out.append(chunk(b'IDAT', data[i:i + step]))
    out += after
    if iend:
        out.append(chunk(b'IEND', b''))
    return b''.join(out)


def expected(samples, colour, depth, palette=None, trns_key=None, trns_alpha=None):
    """What the samples are in straight RGBA, 0 to 255: uint8, or float32
    for 16-bit samples, which are not whole 8-bit values."""
    h, w = samples.shape[:2]
    if colour == 3:
        alpha = np.full(len(palette), 255, np.uint8)
        if trns_alpha is not None:
            alpha[:len(trns_alpha)] = trns_alpha[:len(palette)]
        rgba = np.concatenate([palette.astype(np.uint8), alpha[:, None]], 1)
        return rgba[samples[..., 0]]
    if depth == 16:
        scaled = samples.astype(np.float32) / 257
    else:
        scaled = (samples * (255 // (2 ** depth - 1))).astype(np.uint8)
    out = np.empty((h, w, 4), scaled.dtype)
    out[..., :3] = scaled[..., :1] if colour in (0, 4) else scaled[..., :3]
    if colour in (4, 6):
        out[..., 3] = scaled[..., -1]
    else:
        out[..., 3] = 255
        if trns_key is not None:
            out[..., 3][(samples == trns_key).all(-1)] = 0
    return out


class Png:
    """A generated PNG: its bytes and the RGBA it must decode to."""

    def __init__(self, name, samples, colour, depth, *, palette=None, trns=None, orientation=1,
                 **options):
        self.name = name
        key = alpha = None
        trns_bytes = None
        if trns is not None and colour == 3:
            alpha = np.asarray(trns, np.uint8)
            trns_bytes = alpha.tobytes()
        elif trns is not None:
            key = np.asarray(trns)
            trns_bytes = struct.pack('>%dH' % len(key), *key.tolist())
        self.data = encode_png(samples, colour, depth, palette=palette, trns=trns_bytes, **options)
        self.rgba = orient(expected(samples, colour, depth, palette, key, alpha), orientation)
        self.tolerance = 2 if depth == 16 else 0


def random_samples(rng, h, w, colour, depth, kind):
    c = CHANNELS[colour]
    top = 2 ** depth - 1
    dtype = np.uint16 if depth == 16 else np.uint8
    if kind == 'flat':
        return np.broadcast_to(rng.integers(0, top + 1, (1, 1, c), dtype), (h, w, c)).copy()
    if kind == 'zero':
        return np.zeros((h, w, c), dtype)
    if kind == 'smooth':
        base = (np.arange(w, dtype=np.uint32) * 3)[None, :, None] + \
            (np.arange(h, dtype=np.uint32) * 5)[:, None, None] + np.arange(c, dtype=np.uint32) * 40
        return ((base + rng.integers(0, 3, (h, w, c), np.uint32)) % (top + 1)).astype(dtype)
    return rng.integers(0, top + 1, (h, w, c), dtype)


def make_png(rng, name, h, w, colour, depth, kind, **options):
    samples = random_samples(rng, h, w, colour, depth, kind)
    palette = trns = None
    if colour == 3:
        palette = rng.integers(0, 256, (2 ** depth, 3), np.uint8)
        if options.pop('with_trns', True):
            trns = rng.integers(0, 256, max(1, len(palette) // 2), np.uint8)
    elif options.pop('with_trns', False) and colour in (0, 2):
        # a colour key that some pixels have
        trns = samples[h // 2, w // 2].tolist()
    return Png(name, samples, colour, depth, palette=palette, trns=trns, **options)


def check_pngs(reader, tmp_path, pngs, failures):
    for png in pngs:
        path = tmp_path / png.name
        path.write_bytes(png.data)
        check(reader, str(path), png.rgba, png.tolerance, failures, png.name)
        path.unlink()


# (colour type, bit depth): every pair the format allows
KINDS = [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8),
         (4, 8), (4, 16), (6, 8), (6, 16)]


SIZES = sorted(set(range(1, 65)) | set(range(65, 601, 9)) | {600, 625, 1000} |
               {2 ** k for k in range(13)})


class PilPng:
    """A flat image as PIL writes it, as in issue 14's reports."""

    def __init__(self, name, s, colour):
        self.name = name
        buffer = io.BytesIO()
        Image.new('RGBA', (s, s), colour).save(buffer, 'PNG')
        self.data = buffer.getvalue()
        self.rgba = np.broadcast_to(np.array(colour, np.uint8), (s, s, 4))
        self.tolerance = 0


def test_generated_sizes(reader, tmp_path):
    """Flat and noisy images at every size from 1 to 64, every 9th to 600,
    and the powers of two to 4096. Flat ones (issue 14's failures) are
    square, 8-bit RGBA as PIL writes them and as written here at three
    levels; noisy ones take each colour type and depth in turn, one side
    the size, the other shorter; above 600, shades as in photos."""
    rng = np.random.default_rng(14)
    failures = []
    for i, s in enumerate(SIZES):
        colour, depth = KINDS[i % len(KINDS)]
        level = (1, 6, 9)[i % 3]
        pngs = [make_png(rng, 'zero-%d-l6.png' % s, s, s, 6, 8, 'zero', filters=(0,)),
                make_png(rng, 'flat-%d-%d-l%d.png' % (s, (2, 6)[i % 2], level), s, s, (2, 6)[i % 2], 8,
                         'flat', filters=((0,), (1,), (2,), (4,))[i % 4], level=level)]
        if s <= 2048:
            pngs.append(PilPng('pil-flat-%d.png' % s, s, (0, 0, 0, 0) if i % 2 else (40, 90, 200, 255)))
        if s <= 600:
            h = s if s <= 64 else 1 + (s * 7) % 97
            pngs.append(make_png(rng, 'noise-%dx%d-%d-%d.png' % (s, h, colour, depth), h, s,
                                 colour, depth, 'noise', interlace=i % 4 == 1, with_trns=i % 2 == 0))
            pngs.append(make_png(rng, 'noise-%dx%d-%d-%d.png' % (h, s, colour, depth), s, h,
                                 colour, depth, 'noise', filters=((i % 5,), (4, 3, 2, 1, 0))[i % 2]))
        elif s <= 2048:
            pngs.append(make_png(rng, 'smooth-%d-%d-%d.png' % (s, colour, depth), s, s,
                                 colour, 8 if colour == 0 else depth, 'smooth', level=1))
        check_pngs(reader, tmp_path, pngs, failures)
    report(failures)


def test_generated_kinds(reader, tmp_path):
    """Every colour type and depth, with and without tRNS, interlaced or
    not, with each filter type alone and all in turn."""
    rng = np.random.default_rng(7)
    failures = []
    for colour, depth in KINDS:
        for interlace in (False, True):
            for filters in ((0,), (1,), (2,), (3,), (4,), (0, 1, 2, 3, 4)):
                for with_trns in ((False, True) if colour in (0, 2, 3) else (False,)):
                    name = 'kind-c%d-d%d-i%d-f%s-t%d.png' % (colour, depth, interlace,
                                                           ''.join(map(str, filters)), with_trns)
                    pngs = [make_png(rng, name, 23, 37, colour, depth, 'noise', interlace=interlace,
                                     filters=filters, with_trns=with_trns)]
                    check_pngs(reader, tmp_path, pngs, failures)
    report(failures)


def test_generated_interlace_edges(reader, tmp_path):
    """Adam7 at every size to 9 × 9, where some of the seven passes are
    empty."""
    rng = np.random.default_rng(3)
    failures = []
    for w in range(1, 10):
        for h in range(1, 10):
            colour, depth = KINDS[(w * 9 + h) % len(KINDS)]
            pngs = [make_png(rng, 'adam7-%dx%d-%d-%d.png' % (w, h, colour, depth), h, w, colour, depth,
                             'noise', interlace=True, filters=(4, 1, 0, 3, 2))]
            check_pngs(reader, tmp_path, pngs, failures)
    report(failures)


def test_generated_streams(reader, tmp_path):
    """The shapes a zlib stream and its chunks take: each level, stored
    blocks, an empty last block, strategies, small windows, IDAT chunks of
    a byte, empty IDAT chunks, no IEND; flat and noisy, on each reader."""
    rng = np.random.default_rng(9)
    shapes = {
        'l0-stored': dict(level=0),
        'l1': dict(level=1),
        'l9': dict(level=9),
        'empty-final': dict(empty_final=True),
        'stored-empty-final': dict(level=0, empty_final=True),
        'huffman-only': dict(strategy=zlib.Z_HUFFMAN_ONLY),
        'rle': dict(strategy=zlib.Z_RLE),
        'fixed': dict(strategy=zlib.Z_FIXED),
        'window-512': dict(wbits=9),
        'window-4k': dict(wbits=12),
        'idat-1': dict(idat_size=1),
        'idat-7-empty': dict(idat_size=7, empty_idats=True),
        'idat-8k': dict(idat_size=8192),
        'no-iend': dict(iend=False),
        'stored-split-no-iend': dict(level=0, idat_size=1000, iend=False),
        'chunks-after': dict(after=[chunk(b'tEXt', b'Comment\x00after'), chunk(b'prIV', b'x')]),
    }
    failures = []
    for shape, options in shapes.items():
        for colour, depth in ((2, 8), (6, 8), (0, 8), (3, 4), (6, 16)):
            for kind, (h, w) in (('noise', (45, 67)), ('zero', (300, 300)), ('flat', (257, 256))):
                if options.get('idat_size') == 1 and kind == 'noise' and depth == 16:
                    continue
                name = 'stream-%s-%d-%d-%s.png' % (shape, colour, depth, kind)
                pngs = [make_png(rng, name, h, w, colour, depth, kind, **options)]
                check_pngs(reader, tmp_path, pngs, failures)
    report(failures)


def test_generated_exif(reader, tmp_path):
    """An eXIf chunk before the image data orients it; one after it is
    ignored, as browsers do."""
    rng = np.random.default_rng(2)
    failures = []
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        data = exif.tobytes()[6:] if exif.tobytes().startswith(b'Exif') else exif.tobytes()
        for colour in (2, 0):
            pngs = [make_png(rng, 'exif-early-%d-%d.png' % (orientation, colour), 13, 21, colour, 8, 'noise',
                             before=[chunk(b'eXIf', data)], orientation=orientation),
                    make_png(rng, 'exif-late-%d-%d.png' % (orientation, colour), 13, 21, colour, 8, 'noise',
                             after=[chunk(b'eXIf', data)])]
            check_pngs(reader, tmp_path, pngs, failures)
    report(failures)


def test_generated_jpeg_and_webp(reader, tmp_path):
    """JPEG in each subsampling, greyscale, progressive, every EXIF
    orientation; WebP lossless, lossy, with alpha: against PIL."""
    rng = np.random.default_rng(4)
    failures = []
    y, x = np.mgrid[0:45, 0:67]
    photo = np.stack([x * 3, y * 5, (x + y) * 2], -1) + rng.integers(0, 30, (45, 67, 3))
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    cases = []
    for subsampling in (0, 1, 2):
        cases.append(('jpeg-ss%d.jpg' % subsampling, Image.fromarray(photo), dict(quality=90, subsampling=subsampling)))
    cases.append(('jpeg-grey.jpg', Image.fromarray(photo[..., 0]), dict(quality=90)))
    cases.append(('jpeg-progressive.jpg', Image.fromarray(photo), dict(quality=85, progressive=True)))
    cases.append(('jpeg-1x1.jpg', Image.fromarray(photo[:1, :1]), dict(quality=90)))
    cases.append(('jpeg-odd.jpg', Image.fromarray(photo[:17, :9]), dict(quality=90, subsampling=2)))
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        cases.append(('jpeg-exif-%d.jpg' % orientation, Image.fromarray(photo), dict(quality=90, exif=exif.tobytes())))
    rgba = np.concatenate([photo, rng.integers(0, 256, (45, 67, 1)).astype(np.uint8)], 2)
    cases.append(('webp-lossless.webp', Image.fromarray(rgba), dict(lossless=True)))
    cases.append(('webp-lossy.webp', Image.fromarray(photo), dict(quality=80)))
    cases.append(('webp-lossy-alpha.webp', Image.fromarray(rgba), dict(quality=80)))
    for name, image, options in cases:
        path = tmp_path / name
        image.save(path, **options)
        ref, tolerance, skip = reference(str(path))
        assert skip is None, (name, skip)
        check(reader, str(path), ref, tolerance, failures, name)
    report(failures)


# ----------------------------------------------------------- real images

def sniff(path):
    try:
        with open(path, 'rb') as f:
            head = f.read(32)
    except OSError:
        return None, b''
    if head.startswith(PNG_MAGIC):
        return 'png', head
    if head.startswith(b'\xff\xd8\xff'):
        return 'jpeg', head
    if head[:4] == b'RIFF' and head[8:12] == b'WEBP':
        return 'webp', head
    return None, head


def png_chunks(data):
    """(kind, data) of each chunk, to IEND or the end of @data."""
    i = 8
    while i + 8 <= len(data):
        length, kind = struct.unpack('>I4s', data[i:i + 8])
        yield kind, data[i + 8:i + 8 + length]
        if kind == b'IEND':
            return
        i += 12 + length


def png_reference(path):
    data = open(path, 'rb').read()
    seen_idat = False
    icc = srgb = False
    orientation = 1
    for kind, body in png_chunks(data):
        if kind == b'IDAT':
            seen_idat = True
        elif kind == b'iCCP':
            icc = True
        elif kind == b'sRGB':
            srgb = True
        elif kind == b'eXIf' and not seen_idat:
            exif = Image.Exif()
            exif.load(body)
            orientation = exif.get(0x0112, 1)
    depth = data[24]
    colour = data[25]
    image = Image.open(io.BytesIO(data))
    image.load()
    if icc and not srgb:
        return image.size, None, 0, 'ICC profile'
    if depth == 16 and colour in (0, 4) and image.mode.startswith('I'):
        # 16-bit grey: PIL keeps the samples, which it clips when converting
        grey = np.asarray(image).astype(np.float32) / 257
        alpha = np.full(grey.shape, 255, np.float32)
        key = image.info.get('transparency')
        if key is not None:
            alpha[np.asarray(image) == key] = 0
        rgba = np.stack([grey, grey, grey, alpha], -1)
    else:
        rgba = np.asarray(image.convert('RGBA'))
    return image.size, orient(rgba, orientation), 1 if depth == 16 else 0, None


def reference(path):
    """(straight RGBA reference, tolerance, reason not to compare)."""
    kind, _ = sniff(path)
    if kind == 'png':
        size, rgba, tolerance, skip = png_reference(path)
        return rgba, tolerance, skip
    image = Image.open(path)
    if getattr(image, 'n_frames', 1) > 1:
        return None, 0, 'animated'
    if image.info.get('icc_profile'):
        return None, 0, 'ICC profile'
    orientation = image.getexif().get(0x0112, 1)
    rgba = np.asarray(image.convert('RGBA'))
    if kind == 'jpeg':
        tolerance = 2
    else:
        with open(path, 'rb') as f:
            tolerance = 0 if b'VP8L' in f.read(64) else 2
    return orient(rgba, orientation), tolerance, None


def corpus():
    """The files to test, in a fixed order, and what was left out."""
    found = {}
    for root, dirs, files in os.walk(CORPUS_ROOT):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(('.png', '.jpg', '.jpeg', '.webp')):
                path = os.path.join(root, name)
                real = os.path.realpath(path)
                if os.path.isfile(real) and real not in found:
                    found[real] = path
    left_out = {'not PNG, JPEG or WebP by content': 0, 'over the count': 0, 'over the pixel budget': 0}
    first, rest = [], []
    for real in found:
        kind, head = sniff(real)
        if kind is None:
            left_out['not PNG, JPEG or WebP by content'] += 1
            continue
        usual = (kind == 'png' and len(head) >= 26 and head[24] == 8 and head[25] == 6 and head[28] == 0 and
                 max(struct.unpack('>II', head[16:24])) < 128)
        known = any(real.endswith(k) for k in KNOWN_CASES)
        (rest if usual and not known else first).append(real)
    key = lambda p: hashlib.sha1(p.encode()).digest()
    chosen, pixels = [], 0
    limit = CORPUS_LIMIT or len(found)
    for path in sorted(first, key=key) + sorted(rest, key=key):
        if len(chosen) >= limit:
            left_out['over the count'] += 1
            continue
        try:
            w, h = Image.open(path).size
        except Exception:
            w = h = 0            # PIL cannot say: the library still must
        if pixels + w * h > CORPUS_PIXELS:
            left_out['over the pixel budget'] += 1
            continue
        pixels += w * h
        chosen.append(path)
    return chosen, left_out


def test_real_images(reader):
    """Every PNG, JPEG and WebP under /usr/share, to the caps."""
    files, left_out = corpus()
    if not files:
        pytest.skip('no PNG, JPEG or WebP files under %s' % CORPUS_ROOT)
    failures = []
    counts = {'compared': 0, 'decoded, not compared (ICC profile)': 0,
              'decoded, not compared (animated)': 0, 'PIL could not read': 0}
    worst = {}
    for path in files:
        try:
            ref, tolerance, skip = reference(path)
        except Exception as e:
            # the library is held to what libpng reads, not to what PIL does
            counts['PIL could not read'] += 1
            try:
                Mockup.Artwork.new_from_file(path)
            except GLib.Error as error:
                failures.append('%s: %s (PIL: %s)' % (path, error.message, e))
            continue
        if skip is not None:
            counts['decoded, not compared (%s)' % skip] += 1
            try:
                artwork = Mockup.Artwork.new_from_file(path)
                reader.as_artwork(path, artwork.get_width(), artwork.get_height())
                reader.as_image(path, artwork.get_width(), artwork.get_height())
            except GLib.Error as error:
                failures.append('%s: %s' % (path, error.message))
            continue
        counts['compared'] += 1
        d = check(reader, path, ref, tolerance, failures)
        kind = sniff(path)[0]
        worst[kind] = max(worst.get(kind, 0), d)
    print('\n%s: %d files; %s; left out: %s; largest differences: %s'
          % (CORPUS_ROOT, len(files), counts, left_out, worst))
    report(failures)
    assert counts['compared'] > 0
