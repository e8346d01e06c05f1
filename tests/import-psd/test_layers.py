# test_layers.py: what lies above and below a smart object (written by
# ag-psd): the flattened photo, overlays with their blend mode, opacity,
# fill opacity, mask and clipping, hidden layers left out, checked against
# Photoshop's compositing computed here; a document's ICC profile applied
# to the photo and overlays
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import io
import json
import struct

import numpy as np
from PIL import Image, ImageCms
from psd_tools import PSDImage
from psd_tools.constants import Resource
from psd_tools.psd.image_resources import ImageResource

from conftest import render_template, validate_manifest
from mockup_import_psd import Options, import_psd, list_layers

W, H = 160, 120
BACKGROUND = (120, 140, 160)


def layers_spec():
    rng = np.random.default_rng(3)
    wall = rng.integers(0, 256, (H, W, 4), np.uint8)
    wall[..., 3] = 255
    content = rng.integers(0, 256, (60, 80, 3), np.uint8)
    shadow = np.zeros((H, W, 4), np.uint8)
    shadow[..., 3] = np.linspace(0, 255, W).astype(np.uint8)[None, :]
    shadow_mask = np.full((100, 100), 255, np.uint8)
    shadow_mask[:, 50:] = 128
    glare = np.zeros((60, 80, 4), np.uint8)
    glare[..., :3] = 255
    glare[:30, :, 3] = 160
    # the glare reaches past the print: clipping cuts it to the slot
    glare_big = np.zeros((80, 100, 4), np.uint8)
    glare_big[10:70, 10:90] = glare
    glare_big[:10, :, :3] = 255
    glare_big[:10, :, 3] = 255
    frame = np.zeros((H, W, 4), np.uint8)
    frame[25:95, 35:125] = (90, 60, 30, 255)
    frame[30:90, 40:120] = 0
    note = np.full((20, 40, 4), 255, np.uint8)
    layers = [
        {'kind': 'pixels', 'name': 'Wall', 'image': wall, 'opacity': 0.75},
        {'name': 'Print', 'image': content, 'transform': [40, 30, 120, 30, 120, 90, 40, 90]},
        {'kind': 'pixels', 'name': 'Glare', 'image': glare_big, 'left': 30, 'top': 20, 'blendMode': 'screen',
         'fillOpacity': 0.5, 'clipping': True},
        {'kind': 'pixels', 'name': 'Shadow', 'image': shadow, 'blendMode': 'multiply', 'opacity': 0.6,
         'mask': {'image': shadow_mask, 'left': 10, 'top': 10, 'defaultColor': 255}},
        {'kind': 'pixels', 'name': 'Frame', 'image': frame, 'fillOpacity': 0.5},
        {'kind': 'pixels', 'name': 'Read me', 'image': note, 'hidden': True},
    ]
    spec = {'width': W, 'height': H, 'background': list(BACKGROUND), 'layers': layers}
    return spec, dict(wall=wall, content=content, shadow=shadow, shadow_mask=shadow_mask, glare=glare_big,
                      frame=frame)


def expected(parts):
    """The document as Photoshop composites it, in floats."""
    f = {k: v.astype(float) / 255 for k, v in parts.items()}
    canvas = np.broadcast_to(np.array(BACKGROUND, float) / 255, (H, W, 3)).copy()

    def blend(canvas, colour, coverage, mode):
        result = {'normal': colour, 'multiply': canvas * colour,
                  'screen': canvas + colour - canvas * colour}[mode]
        return canvas + coverage[..., None] * (result - canvas)

    canvas = blend(canvas, f['wall'][..., :3], f['wall'][..., 3] * 191 / 255, 'normal')
    print_area = np.zeros((H, W))
    print_area[30:90, 40:120] = 1
    art = np.zeros((H, W, 3))
    art[30:90, 40:120] = f['content']
    canvas = blend(canvas, art, print_area, 'normal')
    glare = np.zeros((H, W, 4))
    glare[20:100, 30:130] = f['glare']
    canvas = blend(canvas, glare[..., :3], glare[..., 3] * 127 / 255 * print_area, 'screen')
    mask = np.ones((H, W))
    mask[10:110, 10:110] = f['shadow_mask']
    canvas = blend(canvas, f['shadow'][..., :3], f['shadow'][..., 3] * 0.6 * mask, 'multiply')
    canvas = blend(canvas, f['frame'][..., :3], f['frame'][..., 3] * 127 / 255, 'normal')
    return canvas * 255


def test_overlays_masks_clipping_and_hidden_layers(generate_psd, tmp_path):
    spec, parts = layers_spec()
    psd = generate_psd(spec, 'layers.psd')
    folder = tmp_path / 'layers'
    result = import_psd(str(psd), str(folder))
    validate_manifest(folder / 'template.json')
    manifest = json.loads((folder / 'template.json').read_text())
    layers = manifest['layers']
    assert [layer.get('name') for layer in layers] == ['photo', 'Print', 'Glare', 'Shadow', 'Frame']
    photo, slot, glare, shadow, frame = layers
    assert slot['slot'] == 'print' and slot['quad'] == [[40, 30], [120, 30], [120, 90], [40, 90]]
    # a PSD keeps opacities in 8 bits: 0.5 is 127
    assert glare['blend'] == 'screen' and glare['opacity'] == round(127 / 255, 4) and 'mask' in glare
    assert shadow['blend'] == 'multiply' and shadow['opacity'] == 0.6 and 'mask' in shadow
    assert 'blend' not in frame and frame['opacity'] == round(127 / 255, 4) and 'mask' not in frame
    # the glare's mask is the slot's shape
    clip = np.asarray(Image.open(folder / glare['mask']), float) / 255
    assert clip[30:90, 40:120].min() == 1 and clip[:29].max() == 0 and clip[:, :39].max() == 0

    out = render_template(folder / 'template.json', {'print': folder / result.slots['print']['content']})
    assert (out[..., 3] == 255).all()
    error = np.abs(out[..., :3] - expected(parts))
    assert error.mean() <= 0.5 and error.max() <= 3, (error.mean(), error.max())

    lines, problems = list_layers(str(psd))
    assert problems == []
    assert 'Glare [pixels] → overlay (screen, 49.8 %, clipped to "Print")' in lines
    assert 'Shadow [pixels] → overlay (multiply, 60 %, masked)' in lines
    assert 'Read me [pixels] → hidden: left out' in lines
    assert 'Wall [pixels] → flattened into the photo' in lines


def test_hide_option_leaves_layers_out(generate_psd, tmp_path):
    spec, parts = layers_spec()
    psd = generate_psd(spec, 'layers.psd')
    result = import_psd(str(psd), str(tmp_path / 'hidden'), Options(hide=('Sha*', 'Frame')))
    names = [layer.get('name') for layer in result.manifest['layers']]
    assert names == ['photo', 'Print', 'Glare']


def icc_matrix_profile(name, red, green, blue, gamma):
    """An ICC v2 RGB matrix/TRC profile: D50 colorants and one gamma."""
    def s15(v):
        return struct.pack('>i', int(round(v * 65536)))

    def xyz(x, y, z):
        return b'XYZ ' + b'\0' * 4 + s15(x) + s15(y) + s15(z)
    text = name.encode('ascii') + b'\0'
    tags = [(b'desc', b'desc' + b'\0' * 4 + struct.pack('>I', len(text)) + text + b'\0' * 8 + b'\0' * 3 + b'\0' * 67),
            (b'cprt', b'text' + b'\0' * 4 + b'test profile\0'),
            (b'wtpt', xyz(0.9642, 1.0, 0.8249)),
            (b'rXYZ', xyz(*red)), (b'gXYZ', xyz(*green)), (b'bXYZ', xyz(*blue))]
    tags += [(sig, b'curv' + b'\0' * 4 + struct.pack('>IH', 1, int(round(gamma * 256))) + b'\0\0')
             for sig in (b'rTRC', b'gTRC', b'bTRC')]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b'', b''
    for sig, data in tags:
        body += b'\0' * (-(offset + len(body)) % 4)
        table += sig + struct.pack('>II', offset + len(body), len(data))
        body += data
    header = (struct.pack('>I', offset + len(body)) + b'\0' * 4 + struct.pack('>I', 0x02100000)
              + b'mntrRGB XYZ ' + struct.pack('>6H', 2024, 1, 1, 0, 0, 0) + b'acsp' + b'\0' * 28
              + s15(0.9642) + s15(1.0) + s15(0.8249) + b'\0' * 48)
    return header + struct.pack('>I', len(tags)) + table + body


def with_profile(path, profile, out):
    psd = PSDImage.open(path)
    psd._record.image_resources[Resource.ICC_PROFILE] = ImageResource(key=Resource.ICC_PROFILE, data=profile)
    psd.save(out)
    return out


def test_document_profile_converts_photo_and_overlays(generate_psd, tmp_path):
    """A document in a wide-gamut RGB: the photo and overlays are converted
    to sRGB through its profile, the slots' contents are not; an sRGB
    profile changes nothing."""
    spec, parts = layers_spec()
    plain = generate_psd(spec, 'layers.psd')
    wide = icc_matrix_profile('Wide test RGB', (0.6097, 0.3111, 0.0195), (0.2053, 0.6257, 0.0609),
                              (0.1492, 0.0632, 0.7446), 2.2)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile('sRGB')).tobytes()
    results = {}
    for name, profile in (('plain', None), ('wide', wide), ('srgb', srgb)):
        path = plain if profile is None else with_profile(plain, profile, tmp_path / (name + '.psd'))
        results[name] = import_psd(str(path), str(tmp_path / name))
    transform = ImageCms.buildTransform(ImageCms.ImageCmsProfile(io.BytesIO(wide)), ImageCms.createProfile('sRGB'),
                                        'RGB', 'RGB', ImageCms.Intent.RELATIVE_COLORIMETRIC)
    sources = [layer['source'] for layer in results['plain'].manifest['layers'] if 'source' in layer]
    assert sources[0] == 'photo.png' and len(sources) == 4
    for source in sources:
        plain_image = Image.open(tmp_path / 'plain' / source)
        expected_rgb = np.asarray(ImageCms.applyTransform(plain_image.convert('RGB'), transform), int)
        wide_image = np.asarray(Image.open(tmp_path / 'wide' / source), int)
        assert np.abs(wide_image[..., :3] - expected_rgb).max() <= 1, source
        if plain_image.mode == 'RGBA':
            assert (wide_image[..., 3] == np.asarray(plain_image)[..., 3]).all()
        assert (np.asarray(Image.open(tmp_path / 'srgb' / source)) == np.asarray(plain_image)).all(), source
    # the conversion is not a no-op: saturated colours move
    photo = np.asarray(Image.open(tmp_path / 'wide' / 'photo.png'), int)
    assert np.abs(photo - np.asarray(Image.open(tmp_path / 'plain' / 'photo.png'), int)).max() > 10
    content = 'contents/print.png'
    assert (np.asarray(Image.open(tmp_path / 'wide' / content)) == np.asarray(Image.open(tmp_path / 'plain' / content))).all()
