#!/usr/bin/python3
# make-corpus.py: writes the seed corpora and dictionaries of the fuzz targets
#
#   tests/fuzz/make-corpus.py
#
# Seeds come from the repository (the sample templates with their images
# swapped for the small schema fixtures, the schema's counter-examples,
# test_schema.py's valid manifests, the template guide's examples, the data
# images scaled down) and from generated images that cover the decoders'
# branches: every PNG colour type and bit depth, each filter, interlacing,
# ancillary chunks; baseline, progressive, grey, CMYK and EXIF-rotated JPEG;
# template photos for the JPEG pass-through (every sampling, restart
# intervals through jpegtran where libjpeg-turbo-progs is installed);
# lossy, lossless, alpha and animated WebP; GIF, BMP, TIFF, ICO, TGA, PNM.
# Writes corpus/<target>/ (replacing the files it wrote before, keeping any
# other file: inputs added by hand or by `run-fuzzers --merge`) and
# <target>.dict. Deterministic for a given Pillow. Needs numpy and Pillow.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import ast
import io
import json
import os
import pathlib
import re
import shutil
import struct
import subprocess
import zlib

import numpy as np
from PIL import Image, ImageCms

HERE = pathlib.Path(__file__).resolve().parent
TOP = HERE.parents[1]
CORPUS = HERE / 'corpus'
FIXTURES = TOP / 'tests' / 'python' / 'schema-fixtures'
SEED_PREFIX = 'seed-'


def writer(target):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(SEED_PREFIX + '*'):
        old.unlink()

    def write(name, data):
        if isinstance(data, str):
            data = data.encode('utf-8')
        (folder / (SEED_PREFIX + name)).write_bytes(data)
    return write


def pil_bytes(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def pattern(width, height, channels, seed=0):
    """A smooth gradient with some noise: neither flat nor incompressible."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    planes = []
    for c in range(channels):
        plane = 128 + 100 * np.sin(x / (3 + c) + y / (5 + 2 * c) + c)
        plane += rng.integers(-12, 13, size=(height, width))
        planes.append(np.clip(plane, 0, 255))
    return np.dstack(planes).astype(np.uint8)


# ---------------------------------------------------------------------------
# fuzz-template

IMAGE_MEMBERS = ('mask', 'shading', 'displacement')
FIXTURE_FOR = {'mask': 'mask.png', 'shading': 'shading.png', 'displacement': 'displacement.png'}


def swap_images(manifest):
    """Names the schema fixtures instead of the template's own images."""
    first_image = True
    for layer in manifest.get('layers', []):
        if not isinstance(layer, dict):
            continue
        if layer.get('type') == 'image' and isinstance(layer.get('source'), str):
            layer['source'] = 'photo.jpg' if first_image else 'overlay.png'
            first_image = False
        for member in IMAGE_MEMBERS:
            value = layer.get(member)
            if isinstance(value, str):
                layer[member] = FIXTURE_FOR[member]
            elif isinstance(value, dict) and isinstance(value.get('source'), str):
                value['source'] = FIXTURE_FOR[member]
    return manifest


def template_seeds():
    write = writer('fuzz-template')

    # The sample templates, at their own canvas size (given, since the
    # fixtures are 64 × 48): renders scale them down to 64 pixels.
    for manifest_path in sorted((TOP / 'data' / 'templates').glob('*/template.json')):
        manifest = json.loads(manifest_path.read_text(encoding='utf-8'))
        first = next(layer for layer in manifest['layers'] if layer['type'] == 'image')
        with Image.open(manifest_path.parent / first['source']) as photo:
            size = list(photo.size)
        manifest = swap_images(manifest)
        manifest.setdefault('size', size)
        write('data-%s.json' % manifest_path.parent.name, json.dumps(manifest, indent=2))

    # The schema's counter-examples: one mistake each, naming the fixtures.
    schema = json.loads((TOP / 'data' / 'mockup-template.schema.json').read_text(encoding='utf-8'))
    for i, example in enumerate(schema['x-counter-examples']):
        write('counter-%02d.json' % i, json.dumps(example['manifest']))

    # test_schema.py's valid manifests, which use every optional member.
    source = (TOP / 'tests' / 'python' / 'test_schema.py').read_text(encoding='utf-8')
    names = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name) and node.targets[0].id in ('QUAD', 'VALID'):
            names[node.targets[0].id] = eval(compile(ast.Expression(node.value), 'test_schema.py', 'eval'),
                                             {'dict': dict}, dict(names))
    for i, (case, (manifest, _)) in enumerate(sorted(names['VALID'].items())):
        write('valid-%02d.json' % i, json.dumps(manifest))

    # The template guide's examples: whole manifests, and layers put into one.
    guide = (TOP / 'doc' / 'template-format.md').read_text(encoding='utf-8')
    for i, block in enumerate(re.findall(r'```json\n(.*?)```', guide, re.S)):
        try:
            value = json.loads(block)
        except ValueError:
            continue
        if isinstance(value, dict) and 'format' in value:
            manifest = value
        elif isinstance(value, dict) and 'type' in value:
            manifest = {'format': 1, 'size': [2400, 1600],
                        'layers': [{'type': 'image', 'source': 'photo.jpg'}, value]}
        else:
            continue
        write('guide-%02d.json' % i, json.dumps(swap_images(manifest), indent=1))

    # Shapes at their limits and a big mesh, compact.
    mesh = [[[4 + c * 56 / 15, 3 + r * 42 / 15 + (c % 3) * 0.3] for c in range(16)] for r in range(16)]
    write('mesh-16x16.json', json.dumps({'format': 1, 'size': [64, 48], 'layers': [
        {'type': 'image', 'source': 'photo.jpg'},
        {'type': 'artwork', 'mesh': mesh, 'displacement': 'displacement.png',
         'shading': {'source': 'shading.png', 'strength': 0.5, 'neutral': 0.7}}]}))
    write('every-blend.json', json.dumps({'format': 1, 'layers':
        [{'type': 'image', 'source': 'photo.jpg'}] +
        [{'type': 'image', 'source': 'overlay.png', 'blend': b, 'opacity': 0.5}
         for b in ('normal', 'multiply', 'screen', 'overlay', 'darken', 'lighten', 'color-dodge',
                   'color-burn', 'hard-light', 'soft-light', 'difference', 'exclusion', 'hue',
                   'saturation', 'color', 'luminosity')]}))
    write('minimal.json', '{"format":1,"size":[1,1],"layers":[{"type":"color","color":"#0000"}]}')

    # The dictionary: every member name and enumerated value of the schema,
    # the fixtures' names, and JSON's own tokens.
    words = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == 'properties' and isinstance(value, dict):
                    words.update(value)
                if key == 'enum' and isinstance(value, list):
                    words.update(v for v in value if isinstance(v, str))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk({k: v for k, v in schema.items() if k != 'x-counter-examples'})
    words.update(['photo.jpg', 'overlay.png', 'mask.png', 'shading.png', 'displacement.png',
                  '../photo.jpg', '/etc/passwd', '#fff', '#ffffff80', '_comment'])
    lines = ['# fuzz-template.dict: written by make-corpus.py']
    lines += ['"\\"%s\\""' % w for w in sorted(words)]
    lines += ['"%s"' % t.replace('\\', '\\\\').replace('"', '\\"') for t in
              ['{', '}', '[', ']', ':', ',', '[[', ']]', '[[[', ']]]', 'true', 'false', 'null',
               '1e308', '-1e+06', '0.5', '1e-300', '65535', '32768', '16384', '\\u0000', '\\ud800']]
    (HERE / 'fuzz-template.dict').write_text('\n'.join(lines) + '\n', encoding='utf-8')


# ---------------------------------------------------------------------------
# PNG, written by hand so that filters, bit depths and chunks are chosen

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))


def pack_row(samples, depth):
    if depth == 16:
        return b''.join(struct.pack('>H', int(s)) for s in samples)
    if depth == 8:
        return bytes(int(s) for s in samples)
    out, acc, bits = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | int(s)
        bits += depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(rows, bpp, filters):
    out, prev = bytearray(), bytes(len(rows[0])) if rows else b''
    for r, row in enumerate(rows):
        kind = filters[r % len(filters)]
        line = bytearray([kind])
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            line.append((x - predictor) & 0xff)
        out += line
        prev = row
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png(width, height, color_type, depth, filters=(0, 1, 2, 3, 4), interlace=False, chunks=(),
        palette=None, trns=None, seed=0, flat=False, idat_pieces=1, level=9):
    channels = CHANNELS[color_type]
    maximum = (1 << depth) - 1
    if flat:
        samples = np.full((height, width, channels), maximum // 3, np.int64)
    else:
        samples = pattern(width, height, channels, seed).astype(np.int64) * maximum // 255
    if color_type == 3:
        samples = samples % (len(palette) // 3)
    bpp = max(1, channels * depth // 8)

    def rows_of(image):
        return [pack_row(image[y].reshape(-1), depth) for y in range(image.shape[0])]

    if interlace:
        raw = b''
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                raw += filter_rows(rows_of(sub), bpp, filters)
    else:
        raw = filter_rows(rows_of(samples), bpp, filters)
    data = zlib.compress(raw, level)

    out = b'\x89PNG\r\n\x1a\n'
    out += chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, depth, color_type, 0, 0, int(interlace)))
    for kind, payload in chunks:
        out += chunk(kind, payload)
    if palette is not None:
        out += chunk(b'PLTE', bytes(palette))
    if trns is not None:
        out += chunk(b'tRNS', trns)
    step = max(1, -(-len(data) // idat_pieces))
    for i in range(0, len(data), step):
        out += chunk(b'IDAT', data[i:i + step])
    return out + chunk(b'IEND', b'')


def exif_orientation(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def fixed_profile(profile):
    """An ICC profile without its creation time, so that seeds do not
    change from run to run: a fixed date, and no profile ID (all zeros:
    "not computed")."""
    data = bytearray(profile)
    data[24:36] = struct.pack('>6H', 2024, 1, 1, 0, 0, 0)
    data[84:100] = bytes(16)
    return bytes(data)


SRGB_ICC = fixed_profile(ImageCms.ImageCmsProfile(ImageCms.createProfile('sRGB')).tobytes())


def png_seeds():
    write = writer('fuzz-image-png')
    palette = [v for i in range(16) for v in (i * 16, 255 - i * 16, (i * 40) % 256)]
    depths = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
    for color_type, allowed in depths.items():
        for depth in allowed:
            pal = palette[:3 * min(16, 1 << depth)] if color_type == 3 else None
            name = 'ct%d-%02d' % (color_type, depth)
            write(name + '.png', png(13, 7, color_type, depth, palette=pal, seed=depth))
            write(name + '-interlaced.png', png(11, 9, color_type, depth, palette=pal, interlace=True, seed=depth))
    # each filter alone, on RGB and RGBA (bpp 3 and 4, the ISA-L reader's fast paths)
    for kind in range(5):
        write('rgb8-filter%d.png' % kind, png(17, 6, 2, 8, filters=(kind,), seed=kind))
        write('rgba8-filter%d.png' % kind, png(17, 6, 6, 8, filters=(kind,), seed=kind))
        write('rgba16-filter%d.png' % kind, png(9, 5, 6, 16, filters=(kind,), seed=kind))
    # transparency chunks
    write('grey-trns.png', png(8, 8, 0, 8, trns=struct.pack('>H', 85)))
    write('rgb-trns.png', png(8, 8, 2, 8, trns=struct.pack('>HHH', 10, 20, 30)))
    write('rgb16-trns.png', png(8, 8, 2, 16, trns=struct.pack('>HHH', 1000, 2000, 3000)))
    write('palette-trns.png', png(8, 8, 3, 4, palette=palette, trns=bytes(range(0, 256, 32))))
    # colour and orientation chunks
    write('gama-chrm.png', png(8, 6, 2, 8, chunks=[
        (b'gAMA', struct.pack('>I', 45455)),
        (b'cHRM', struct.pack('>8I', 31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000))]))
    write('srgb.png', png(8, 6, 2, 8, chunks=[(b'sRGB', b'\x00')]))
    write('iccp.png', png(8, 6, 6, 8, chunks=[(b'iCCP', b'sRGB\x00\x00' + zlib.compress(SRGB_ICC))]))
    for orientation in (3, 6, 8):
        write('exif-orientation%d.png' % orientation,
              png(12, 5, 2, 8, chunks=[(b'eXIf', exif_orientation(orientation))]))
    write('text-phys.png', png(6, 6, 0, 8, chunks=[(b'tEXt', b'Comment\x00seed'),
                                                   (b'pHYs', struct.pack('>IIB', 2835, 2835, 1))]))
    # IDAT split into many chunks, or stored (level 0), or one pixel
    write('idat-pieces.png', png(16, 8, 6, 8, idat_pieces=12))
    write('stored.png', png(16, 8, 2, 8, level=0))
    write('one-pixel.png', png(1, 1, 6, 8))
    write('tall.png', png(1, 300, 0, 8))
    write('wide.png', png(400, 1, 2, 8))
    # flat images, which compress to long runs (issue 14's "data ends early")
    write('flat-rgba-256.png', pil_bytes(Image.new('RGBA', (256, 256), (0, 0, 0, 0)), 'PNG'))
    write('flat-rgba-625.png', pil_bytes(Image.new('RGBA', (625, 625), (0, 0, 0, 0)), 'PNG'))
    write('flat-grey-300.png', png(300, 40, 0, 8, flat=True, filters=(0,)))
    # what Pillow writes, and the repository's images, scaled down
    write('pil-rgba.png', pil_bytes(Image.fromarray(pattern(20, 14, 4, 7), 'RGBA'), 'PNG'))
    write('pil-la.png', pil_bytes(Image.fromarray(pattern(20, 14, 2, 8), 'LA'), 'PNG'))
    write('pil-p.png', pil_bytes(Image.fromarray(pattern(20, 14, 3, 9), 'RGB').quantize(7), 'PNG'))
    write('pil-1bit.png', pil_bytes(Image.fromarray(pattern(20, 14, 1, 10)[:, :, 0]).convert('1'), 'PNG'))
    for path in sorted(FIXTURES.glob('*.png')):
        write('fixture-' + path.name, path.read_bytes())
    for path in sorted(list((TOP / 'data').rglob('*.png'))):
        with Image.open(path) as image:
            image.thumbnail((40, 40))
            write('data-%s-%s' % (path.parent.name, path.name), pil_bytes(image, 'PNG'))

    lines = ['# fuzz-image-png.dict: written by make-corpus.py', r'"\x89PNG\x0d\x0a\x1a\x0a"']
    lines += ['"%s"' % c for c in ('IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB',
                                   'iCCP', 'sBIT', 'bKGD', 'hIST', 'pHYs', 'sPLT', 'tIME', 'tEXt',
                                   'zTXt', 'iTXt', 'eXIf', 'acTL', 'fcTL', 'fdAT')]
    lines += [r'"\x00\x00\x00\x00IEND\xaeB`\x82"', r'"\x78\x9c"', r'"\x78\x01"', r'"\x78\xda"',
              r'"\xff\xff\xff\xff"', r'"\x00\x00\xff\xff"', r'"\x7f\xff\xff\xff"']
    (HERE / 'fuzz-image-png.dict').write_text('\n'.join(lines) + '\n', encoding='utf-8')


# ---------------------------------------------------------------------------
# JPEG, WebP and the rest through Pillow

def jpeg_seeds():
    write = writer('fuzz-image-jpeg')
    rgb = Image.fromarray(pattern(19, 11, 3, 1), 'RGB')
    for subsampling in (0, 1, 2):
        write('rgb-sub%d.jpg' % subsampling, pil_bytes(rgb, 'JPEG', quality=80, subsampling=subsampling))
    write('progressive.jpg', pil_bytes(rgb, 'JPEG', quality=80, progressive=True))
    write('progressive-grey.jpg', pil_bytes(rgb.convert('L'), 'JPEG', progressive=True))
    write('optimized.jpg', pil_bytes(rgb, 'JPEG', quality=60, optimize=True))
    write('grey.jpg', pil_bytes(rgb.convert('L'), 'JPEG', quality=80))
    write('cmyk.jpg', pil_bytes(rgb.convert('CMYK'), 'JPEG', quality=80))
    write('icc.jpg', pil_bytes(rgb, 'JPEG', quality=70, icc_profile=SRGB_ICC))
    for orientation in range(1, 9):
        write('exif-orientation%d.jpg' % orientation,
              pil_bytes(rgb, 'JPEG', quality=50, exif=exif_orientation(orientation)))
    write('quality100.jpg', pil_bytes(rgb, 'JPEG', quality=100))
    write('one-pixel.jpg', pil_bytes(Image.new('RGB', (1, 1), (200, 10, 60)), 'JPEG'))
    write('mcu-edges.jpg', pil_bytes(Image.fromarray(pattern(33, 17, 3, 2), 'RGB'), 'JPEG', subsampling=2))
    write('large-flat.jpg', pil_bytes(Image.new('RGB', (640, 480), (90, 120, 200)), 'JPEG', quality=40))
    for path in sorted(FIXTURES.glob('*.jpg')):
        write('fixture-' + path.name, path.read_bytes())
    for path in sorted(list((TOP / 'data').rglob('*.jpg'))):
        with Image.open(path) as image:
            image.thumbnail((48, 48))
            write('data-%s-%s' % (path.parent.name, path.name), pil_bytes(image, 'JPEG', quality=85))

    lines = ['# fuzz-image-jpeg.dict: written by make-corpus.py']
    lines += [r'"\xff%s"' % m for m in (r'\xd8', r'\xd9', r'\xc0', r'\xc1', r'\xc2', r'\xc4', r'\xcc',
                                       r'\xdb', r'\xda', r'\xdd', r'\xe0', r'\xe1', r'\xe2',
                                       r'\xee', r'\xfe', r'\xd0', r'\xd7')]
    lines += [r'"JFIF\x00"', r'"Exif\x00\x00"', r'"ICC_PROFILE\x00"', r'"Adobe"', r'"MM\x00\x2a"',
              r'"II\x2a\x00"', r'"\x01\x12"', r'"\x12\x01"']
    (HERE / 'fuzz-image-jpeg.dict').write_text('\n'.join(lines) + '\n', encoding='utf-8')


def jpegtran(data, *options):
    """data through jpegtran (libjpeg-turbo-progs), or None without it."""
    if shutil.which('jpegtran') is None:
        return None
    return subprocess.run(['jpegtran', *options], input=data, capture_output=True, check=True).stdout


def jpeg_passthrough_seeds():
    # photos as templates have them: larger than an MCU row or two, so that
    # the pass-through has unmarked MCUs to skip and marked ones to code
    write = writer('fuzz-jpeg-passthrough')
    rgb = Image.fromarray(pattern(128, 96, 3, 3), 'RGB')
    for subsampling in (0, 1, 2):
        write('sub%d.jpg' % subsampling, pil_bytes(rgb, 'JPEG', quality=90, subsampling=subsampling))
    write('odd-size.jpg', pil_bytes(Image.fromarray(pattern(113, 89, 3, 4), 'RGB'), 'JPEG',
                                    quality=85, subsampling=2))
    write('optimized.jpg', pil_bytes(rgb, 'JPEG', quality=90, optimize=True))
    write('progressive.jpg', pil_bytes(rgb, 'JPEG', quality=90, progressive=True))
    write('icc-exif.jpg', pil_bytes(rgb, 'JPEG', quality=90, icc_profile=SRGB_ICC,
                                    exif=exif_orientation(1)))
    write('quality40.jpg', pil_bytes(rgb, 'JPEG', quality=40))
    write('grey.jpg', pil_bytes(rgb.convert('L'), 'JPEG', quality=90))
    write('wide.jpg', pil_bytes(Image.fromarray(pattern(320, 40, 3, 5), 'RGB'), 'JPEG', quality=90))
    baseline = pil_bytes(rgb, 'JPEG', quality=90, subsampling=2)
    for blocks in (1, 3):
        data = jpegtran(baseline, '-restart', '%dB' % blocks)
        if data is not None:
            write('restart%d.jpg' % blocks, data)
    data = jpegtran(pil_bytes(rgb, 'JPEG', quality=90, subsampling=0), '-restart', '1')
    if data is not None:
        write('restart-row.jpg', data)
    (HERE / 'fuzz-jpeg-passthrough.dict').write_text(
        (HERE / 'fuzz-image-jpeg.dict').read_text(encoding='utf-8')
        .replace('fuzz-image-jpeg.dict', 'fuzz-jpeg-passthrough.dict'), encoding='utf-8')


def webp_seeds():
    write = writer('fuzz-image-webp')
    rgb = Image.fromarray(pattern(19, 11, 3, 3), 'RGB')
    rgba = Image.fromarray(pattern(19, 11, 4, 4), 'RGBA')
    write('lossy.webp', pil_bytes(rgb, 'WEBP', quality=60))
    write('lossless.webp', pil_bytes(rgb, 'WEBP', lossless=True))
    write('lossy-alpha.webp', pil_bytes(rgba, 'WEBP', quality=60))
    write('lossless-alpha.webp', pil_bytes(rgba, 'WEBP', lossless=True))
    write('icc.webp', pil_bytes(rgb, 'WEBP', quality=50, icc_profile=SRGB_ICC))
    write('exif.webp', pil_bytes(rgb, 'WEBP', quality=50, exif=exif_orientation(6)))
    write('one-pixel.webp', pil_bytes(Image.new('RGBA', (1, 1), (1, 2, 3, 4)), 'WEBP', lossless=True))
    frames = [rgba, rgba.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    write('animated.webp', pil_bytes(frames[0], 'WEBP', save_all=True, append_images=frames[1:],
                                     duration=100, lossless=True))
    lines = ['# fuzz-image-webp.dict: written by make-corpus.py']
    lines += ['"%s"' % c for c in ('RIFF', 'WEBP', 'VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF',
                                   'ICCP', 'EXIF', 'XMP ')]
    lines += [r'"\x9d\x01\x2a"', r'"\x2f"']
    (HERE / 'fuzz-image-webp.dict').write_text('\n'.join(lines) + '\n', encoding='utf-8')


def pixbuf_seeds():
    write = writer('fuzz-image-pixbuf')
    rgb = Image.fromarray(pattern(15, 9, 3, 5), 'RGB')
    rgba = Image.fromarray(pattern(15, 9, 4, 6), 'RGBA')
    write('static.gif', pil_bytes(rgb.quantize(16), 'GIF'))
    write('transparent.gif', pil_bytes(rgb.quantize(8), 'GIF', transparency=0))
    write('animated.gif', pil_bytes(rgb.quantize(8), 'GIF', save_all=True,
                                    append_images=[rgb.rotate(180).quantize(8)], duration=50, loop=0))
    write('rgb24.bmp', pil_bytes(rgb, 'BMP'))
    write('rgba32.bmp', pil_bytes(rgba, 'BMP'))
    write('palette8.bmp', pil_bytes(rgb.quantize(16), 'BMP'))
    write('mono.bmp', pil_bytes(rgb.convert('1'), 'BMP'))
    write('rgb.tif', pil_bytes(rgb, 'TIFF'))
    write('rgba-lzw.tif', pil_bytes(rgba, 'TIFF', compression='tiff_lzw'))
    write('grey-packbits.tif', pil_bytes(rgb.convert('L'), 'TIFF', compression='packbits'))
    write('icon.ico', pil_bytes(rgba.resize((16, 16)), 'ICO', sizes=[(16, 16)]))
    write('rgb.tga', pil_bytes(rgb, 'TGA'))
    write('rgba-rle.tga', pil_bytes(rgba, 'TGA', compression='tga_rle'))
    write('rgb.ppm', pil_bytes(rgb, 'PPM'))
    write('grey.pgm', pil_bytes(rgb.convert('L'), 'PPM'))
    lines = ['# fuzz-image-pixbuf.dict: written by make-corpus.py']
    lines += ['"GIF89a"', '"GIF87a"', '"NETSCAPE2.0"', r'"\x21\xf9\x04"', r'"\x2c"', r'"\x3b"',
              '"BM"', r'"II\x2a\x00"', r'"MM\x00\x2a"', r'"\x00\x00\x01\x00"', '"P6"', '"P5"',
              r'"\x28\x00\x00\x00"', r'"\x7c\x00\x00\x00"']
    (HERE / 'fuzz-image-pixbuf.dict').write_text('\n'.join(lines) + '\n', encoding='utf-8')


# ---------------------------------------------------------------------------
# fuzz-job-line: what clients write to mockup-render --server

def job_line_seeds():
    write = writer('fuzz-job-line')
    guide = (TOP / 'doc' / 'mockup-render.md').read_text(encoding='utf-8')
    requests = [line for block in re.findall(r'```json\n(.*?)```', guide, re.S)
                for line in block.splitlines() if '"templates"' in line]
    for i, line in enumerate(requests):
        write('guide-%02d.jsonl' % i, line + '\n')
    jobs = {
        'minimal': {'artwork': 'art.png', 'templates': ['t']},
        'string-id': {'id': 'job-1', 'artwork': 'art.png', 'templates': ['a', 'b/c', 'd/template.json']},
        'integer-id': {'id': 42, 'artwork': 'art.png', 'templates': ['t'], 'quality': 1, 'max_size': 0},
        'null-id': {'id': None, 'artwork': 'art.png', 'templates': ['t'], 'slots': None},
        'every-member': {'id': 'all', 'artwork': '/a.jpg', 'templates': ['/t1', '/t2'],
                         'output_dir': '/out', 'format': 'webp', 'quality': 100,
                         'max_size': 2147483647, 'slots': {'left': 'l.png', 'right': 'r.png'}},
        'slots-only': {'templates': ['t'], 'slots': {'front': 'f.png'}},
        'png': {'artwork': 'a', 'templates': ['t'], 'format': 'png'},
        'pixbuf-format': {'artwork': 'a', 'templates': ['t'], 'format': 'pixbuf'},
        'quality-101': {'id': 'q', 'artwork': 'a', 'templates': ['t'], 'quality': 101},
        'quality-float': {'artwork': 'a', 'templates': ['t'], 'quality': 85.5},
        'unknown-member': {'artwork': 'a', 'templates': ['t'], 'colour': 'red'},
        'templates-empty': {'artwork': 'a', 'templates': []},
        'templates-string': {'artwork': 'a', 'templates': 't'},
        'templates-number': {'artwork': 'a', 'templates': [1]},
        'templates-empty-path': {'artwork': 'a', 'templates': ['']},
        'id-array': {'id': [1], 'artwork': 'a', 'templates': ['t']},
        'slots-array': {'artwork': 'a', 'templates': ['t'], 'slots': ['x']},
        'slot-number': {'templates': ['t'], 'slots': {'x': 1}},
        'no-artwork': {'templates': ['t']},
        'many-templates': {'artwork': 'a', 'templates': ['t%d' % i for i in range(40)]},
        'unicode': {'id': 'é€😀', 'artwork': 'ä.png', 'templates': ['ü'], 'output_dir': 'ø'},
        'parameters': {'artwork': 'a', 'templates': ['t'],
                       'parameters': {'shirt': 'navy', 'glare': 0.25, 'count': 3, 'logo': False}},
        'parameter-object': {'artwork': 'a', 'templates': ['t'], 'parameters': {'shirt': {'hex': '#fff'}}},
        'placement': {'artwork': 'a', 'templates': ['t'],
                      'placement': {'artwork': {'left': 0.1, 'top': 0.2, 'width': 0.5, 'degrees': -30}}},
        'placement-no-width': {'artwork': 'a', 'templates': ['t'], 'placement': {'artwork': {'left': 0, 'top': 0}}},
        'placement-huge': {'artwork': 'a', 'templates': ['t'],
                           'placement': {'artwork': {'left': 1e300, 'top': 0, 'width': 1}}},
    }
    for name, job in jobs.items():
        write(name + '.jsonl', json.dumps(job, ensure_ascii=False) + '\n')
    write('three-lines.jsonl', '\n'.join(json.dumps(j) for j in
                                          (jobs['minimal'], jobs['string-id'], jobs['slots-only'])) + '\n')
    write('malformed.jsonl', '{"artwork": "a", "templates": [\n')
    write('not-an-object.jsonl', '["a", "t"]\n')
    write('empty-lines.jsonl', '\n\n' + json.dumps(jobs['minimal']) + '\n\n')
    write('crlf.jsonl', json.dumps(jobs['minimal']) + '\r\n')
    write('nine-levels.jsonl', '{"artwork": "a", "templates": ["t"], "slots": ' + '[' * 9 + ']' * 9 + '}\n')
    write('escapes.jsonl', r'{"id": "\u00e9\n\"\\\/\t\u0001", "artwork": "a\u0041", "templates": ["\u2028"]}' + '\n')

    words = ['id', 'artwork', 'templates', 'output_dir', 'format', 'quality', 'max_size', 'slots',
             'parameters', 'placement', 'left', 'top', 'width', 'degrees']
    lines = ['# fuzz-job-line.dict: written by make-corpus.py']
    lines += ['"\\"%s\\""' % w for w in words]
    lines += ['"\\"%s\\""' % w for w in ('jpeg', 'png', 'webp', 'pixbuf', 'jpg', 'artwork')]
    lines += ['"%s"' % t.replace('\\', '\\\\').replace('"', '\\"') for t in
              ['{', '}', '[', ']', ':', ',', 'true', 'false', 'null', '\\n', '\\u0000', '\\ud800',
               '2147483648', '-1', '1e3', '101']]
    lines += [r'"\x0a"', r'"\x0d\x0a"', r'"\x00"']
    (HERE / 'fuzz-job-line.dict').write_text('\n'.join(lines) + '\n', encoding='utf-8')


if __name__ == '__main__':
    os.umask(0o022)
    template_seeds()
    job_line_seeds()
    png_seeds()
    jpeg_seeds()
    jpeg_passthrough_seeds()
    webp_seeds()
    pixbuf_seeds()
