# test_corpus.py: Photoshop-made documents imported and rendered by the
# library, against the merged composite Photoshop saved in them
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from psd_tools import PSDImage

from conftest import PSD_DIR, SOURCE_DIR, premultiplied, render_template, validate_manifest
from mockup_import_psd import Options, PsdImportError, import_psd, list_layers, slot_names

# rgb-blend-modes.psd has one tile per blend mode and artboard; its group
# names say which. The first artboard blends the smart object onto a
# shape, the second a shape onto the smart object.
SEPARABLE = {'Normal', 'Multiply', 'Screen', 'Overlay', 'Darken', 'Lighten', 'HardLight', 'SoftLight',
             'Difference', 'Exclusion', 'LinearBurn', 'LinearDodge', 'LinearLight', 'PinLight', 'Subtract'}
HSL = {'Hue', 'Saturation', 'Color', 'Luminosity'}
# Dodge, burn and divide divide by the source: near black (white) sources a
# level's difference in Photoshop's higher internal precision moves the
# result by up to the whole range, on a few pixels.
DIVIDING = {'ColorDodge', 'ColorBurn', 'VividLight', 'Divide'}
# Darker and lighter colour pick one of two whole colours: where their
# luminances nearly tie, Photoshop picks the other one now and then.
WHOLE_COLOUR = {'DarkerColor', 'LigherColor'}
# Hard mix: Photoshop decides a sum of exactly 255 levels at its higher
# precision, either way; the tiles have many such pixels.
THRESHOLD = {'HardMix'}

# (mean absolute error, share of pixels allowed beyond 16 levels), in
# levels of 255, premultiplied RGBA, per tile
BOUNDS = {**{m: (2, 0.0) for m in SEPARABLE | HSL}, **{m: (2, 0.005) for m in DIVIDING | WHOLE_COLOUR},
          **{m: (4, 0.02) for m in THRESHOLD}}


@pytest.fixture(scope='module')
def blend_modes(tmp_path_factory):
    """rgb-blend-modes.psd imported, leaving out the dissolve tiles."""
    folder = tmp_path_factory.mktemp('blend') / 'template'
    result = import_psd(str(PSD_DIR / 'rgb-blend-modes.psd'), str(folder), Options(hide=('*/Dissolve',)))
    psd = PSDImage.open(PSD_DIR / 'rgb-blend-modes.psd')
    merged = np.asarray(psd.topil().convert('RGBA'))
    return result, folder, psd, merged


def tiles(result):
    """Each slot's tile: (slot, mode group, x0, y0, x1, y1)."""
    for slot, info in result.slots.items():
        q = np.array(info['quad'])
        x0, y0 = np.maximum(np.floor(q.min(0)).astype(int), 0)
        x1, y1 = np.ceil(q.max(0)).astype(int)
        yield slot, info['layer'].split('/')[-2], x0, y0, x1, y1


def smart_object_layers(psd):
    return [layer for layer in psd.descendants()
            if layer.kind == 'smartobject' and layer.is_visible() and layer.parent.name != 'Dissolve']


def test_blend_modes_manifest(blend_modes):
    result, folder, psd, merged = blend_modes
    validate_manifest(folder / 'template.json')
    manifest = json.loads((folder / 'template.json').read_text())
    assert manifest['size'] == [530, 512]
    # 26 modes on two artboards; slot names from the layer names, numbered
    # bottom to top
    assert len(result.slots) == 52
    assert list(result.slots)[:3] == ['rubber-duck-png1', 'rubber-duck-png1-2', 'rubber-duck-png1-3']
    blends = {layer.get('blend', 'normal') for layer in manifest['layers']}
    assert {'linear-burn', 'vivid-light', 'hard-mix', 'darker-color', 'divide', 'subtract'} <= blends
    # the shape under the lowest smart object is the photo; the rest overlays
    assert manifest['layers'][0]['source'] == 'photo.png'
    assert sum(layer['type'] == 'artwork' for layer in manifest['layers']) == 52
    assert all(layer['fit'] == 'cover' and abs(layer['aspect'] - 491 / 540) < 1e-5
               for layer in manifest['layers'] if layer['type'] == 'artwork')


def test_blend_modes_match_photoshop(blend_modes, tmp_path):
    """Every slot filled with Photoshop's own rasterization of its smart
    object (the layer's pixels, which have the quad's size: fit stretch),
    so that what is compared is the photo, the overlays and the blending."""
    result, folder, psd, merged = blend_modes
    work = tmp_path / 'stretch'
    shutil.copytree(folder, work)
    manifest = json.loads((work / 'template.json').read_text())
    for layer in manifest['layers']:
        if layer['type'] == 'artwork':
            layer['fit'] = 'stretch'
    (work / 'template.json').write_text(json.dumps(manifest))
    artworks = {}
    for (slot, info), layer in zip(result.slots.items(), smart_object_layers(psd)):
        assert info['layer'].endswith(layer.parent.name + '/' + layer.name)
        path = tmp_path / (slot + '.png')
        layer.topil().convert('RGBA').save(path)
        artworks[slot] = path
    out = render_template(work / 'template.json', artworks)
    diff = np.abs(premultiplied(out) - premultiplied(merged))
    report = []
    for slot, mode, x0, y0, x1, y1 in tiles(result):
        tile = diff[y0:y1, x0:x1]
        mae, share = BOUNDS[mode]
        report.append((mode, round(tile.mean(), 2), int(tile.max()), round(float((tile > 16).mean()), 4)))
        assert tile.mean() <= mae, report[-1]
        if share == 0:
            assert tile.max() <= 16, report[-1]
        else:
            assert (tile > 16).mean() <= share, report[-1]
    print(report)


def test_blend_modes_with_embedded_content(blend_modes):
    """The same with each smart object's embedded PNG (491 × 540) as its
    artwork: Photoshop shrinks it 8.5 times with bicubic filtering, the
    library averages areas, so edges differ by more than the blending does;
    the tiles agree within a mean of 8 levels."""
    result, folder, psd, merged = blend_modes
    artworks = {slot: folder / info['content'] for slot, info in result.slots.items()}
    assert all(path.is_file() for path in artworks.values())
    out = render_template(folder / 'template.json', artworks)
    diff = np.abs(premultiplied(out) - premultiplied(merged))
    means = {slot: diff[y0:y1, x0:x1].mean() for slot, mode, x0, y0, x1, y1 in tiles(result)}
    assert max(means.values()) <= 8, means
    assert np.median(list(means.values())) <= 4, means


def test_dissolve_is_refused_naming_the_layers(tmp_path):
    with pytest.raises(PsdImportError) as info:
        import_psd(str(PSD_DIR / 'rgb-blend-modes.psd'), str(tmp_path / 'out'))
    problems = info.value.problems
    assert len(problems) == 2, problems
    assert 'layer "Duck in foreground, rainbow in background/Dissolve/rubber_duck_PNG1"' in problems[0]
    assert 'dissolve' in problems[0]
    assert 'Rainbow in foreground, duck in background/Dissolve/Rectangle 1' in problems[1]
    assert not (tmp_path / 'out').exists()


@pytest.mark.parametrize('name', ['placedLayer.psd', 'placedLayer.psb'])
def test_placed_layers_embedded_and_linked(tmp_path, name):
    """placedLayer.psd (and .psb): a linked PNG, a linked PSD and an
    embedded PNG, rendered with their own contents (the linked ones read
    from the PSD's folder) against Photoshop's composite."""
    folder = tmp_path / 'placed'
    result = import_psd(str(PSD_DIR / name), str(folder))
    validate_manifest(folder / 'template.json')
    assert list(result.slots) == ['linked-png', 'linked-psd', 'embedded-png']
    assert result.slots['linked-psd']['size'] == (101, 55)
    assert result.slots['linked-png']['quad'] == [[96, 96], [160, 96], [160, 160], [96, 160]]
    artworks = {slot: folder / info['content'] for slot, info in result.slots.items()}
    out = render_template(folder / 'template.json', artworks)
    merged = np.asarray(PSDImage.open(PSD_DIR / name).topil().convert('RGBA'))
    diff = np.abs(premultiplied(out) - premultiplied(merged))
    assert diff.mean() <= 2
    # the linked PSD is enlarged twice: bicubic and bilinear part at its edges
    assert diff.max() <= 40
    assert (diff > 16).mean() <= 0.01


def test_linked_files_are_never_read_outside_the_folder(tmp_path):
    """A linked file is looked for in the PSD's folder only: not at its
    absolute path, not through "..": the slot is still made, its content
    is not exported, and a note says why."""
    inner = tmp_path / 'inner'
    inner.mkdir()
    data = (PSD_DIR / 'placedLayer.psd').read_bytes()
    # the relative path (and the name) of the linked PNG, now leading out
    # of the folder; the same length keeps the descriptors valid
    data = data.replace('linked-layer.png'.encode('utf-16-be'), '../linked-la.png'.encode('utf-16-be'))
    (inner / 'doc.psd').write_bytes(data)
    shutil.copy(PSD_DIR / 'linked-layer.png', tmp_path / 'linked-la.png')
    shutil.copy(PSD_DIR / '1layer.psd', tmp_path / '1layer.psd')
    result = import_psd(str(inner / 'doc.psd'), str(tmp_path / 'out'))
    assert result.slots['linked-png']['content'] is None
    assert result.slots['linked-psd']['content'] is None
    assert result.slots['embedded-png']['content'] == 'contents/embedded-png.png'
    notes = '\n'.join(result.notes)
    assert 'linked-png' in notes and 'not in the PSD\'s folder' in notes
    assert sorted(os.listdir(tmp_path / 'out' / 'contents')) == ['embedded-png.png']


def test_transparent_canvas_without_photo(tmp_path):
    folder = tmp_path / 'so'
    result = import_psd(str(PSD_DIR / 'smartobject-layer.psd'), str(folder))
    manifest = json.loads((folder / 'template.json').read_text())
    assert manifest['size'] == [32, 32]
    assert [layer['type'] for layer in manifest['layers']] == ['artwork']
    assert manifest['layers'][0]['quad'] == [[0, 0], [32, 0], [32, 32], [0, 32]]
    out = render_template(folder / 'template.json', {'smart-object': folder / result.slots['smart-object']['content']})
    merged = np.asarray(PSDImage.open(PSD_DIR / 'smartobject-layer.psd').topil().convert('RGBA'))
    diff = np.abs(premultiplied(out) - premultiplied(merged))
    assert diff.mean() <= 2 and diff.max() <= 16


def test_lab_document_is_refused(tmp_path):
    with pytest.raises(PsdImportError) as info:
        import_psd(str(PSD_DIR / '4x4_8bit_lab.psd'), str(tmp_path / 'out'))
    message = str(info.value)
    assert '4x4_8bit_lab.psd: a Lab document cannot be imported' in message
    assert 'Image › Mode › RGB Color' in message


def test_list_shows_what_each_layer_becomes():
    lines, problems = list_layers(str(PSD_DIR / 'placedLayer.psd'))
    assert problems == []
    assert lines == ['Background [pixels] → flattened into the photo',
                     'linked-png [smart object] → slot "linked-png" (quad)',
                     'linked-psd [smart object] → slot "linked-psd" (quad)',
                     'embedded-png [smart object] → slot "embedded-png" (quad)']
    lines, problems = list_layers(str(PSD_DIR / 'rgb-blend-modes.psd'))
    text = '\n'.join(lines)
    assert '  Multiply [group] → group: its layers are taken one by one' in text
    assert '    Rectangle 1 [shape] → overlay (linear-burn)' in text
    assert '✗ the "dissolve" blend mode' in text
    assert len(problems) == 2


def test_command_line(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(SOURCE_DIR / 'tools' / 'import-psd'))
    command = [sys.executable, '-m', 'mockup_import_psd']
    run = subprocess.run(command + ['--list', str(PSD_DIR / 'placedLayer.psd')], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert 'slot "embedded-png" (quad)' in run.stdout
    run = subprocess.run(command + [str(PSD_DIR / 'placedLayer.psd'), str(tmp_path / 't')], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert 'slot(s): linked-png, linked-psd, embedded-png' in run.stdout
    assert (tmp_path / 't' / 'template.json').is_file()
    # the folder is not empty now
    run = subprocess.run(command + [str(PSD_DIR / 'placedLayer.psd'), str(tmp_path / 't')], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert 'exists and is not empty' in run.stderr
    run = subprocess.run(command + ['--list', str(PSD_DIR / 'rgb-blend-modes.psd')], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert '2 problem(s) would stop the import' in run.stderr
    assert 'Traceback' not in run.stderr
    run = subprocess.run(command + ['--memory-limit', 'lots', str(PSD_DIR / 'placedLayer.psd')], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and 'is not a size' in run.stderr


def test_slot_names():
    assert slot_names(['Your Design Here', 'Your design here!', 'Étiquette', '***', 'Print_2', 'your-design-here']) \
        == ['your-design-here', 'your-design-here-2', 'tiquette', 'artwork', 'print-2', 'your-design-here-3']
    # a repeat never takes a name a layer already has
    assert slot_names(['a-2', 'a', 'a']) == ['a-2', 'a', 'a-3']
    long = slot_names(['x' * 300])[0]
    assert len(long) <= 128 and set(long) == {'x'}
