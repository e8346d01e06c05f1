# test_layers.py: what lies above and below a smart object (written by
# ag-psd): the flattened photo, overlays with their blend mode, opacity,
# fill opacity, mask and clipping, hidden layers left out, checked against
# Photoshop's compositing computed here
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json

import numpy as np
from PIL import Image

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
