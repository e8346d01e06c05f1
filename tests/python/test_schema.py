# test_schema.py: the template JSON Schema, the bundled templates and the
# parser, checked against each other
#
# - every bundled template validates against data/mockup-template.schema.json
#   and loads with the expected id, size, slots and layers, naming only
#   files it has;
# - every counter-example in the schema's "x-counter-examples" is refused
#   by the schema and by the parser, whose error names the same member;
# - hand-written valid manifests that use every optional member pass both;
# - the members, enumerations and ranges the parser allows (read from its
#   own error messages) are the ones the schema allows.
#
# Run: GI_TYPELIB_PATH=… LD_LIBRARY_PATH=… /usr/bin/python3 -m pytest tests/python/test_schema.py
# Data is found through MOCKUP_SOURCE_DIR (default: this file's repository).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import os
import pathlib
import re
import subprocess
import sys

import gi
gi.require_version('Mockup', '1')

import jsonschema
import numpy as np
import pytest
from PIL import Image
from gi.repository import GLib, Mockup

SOURCE_DIR = pathlib.Path(os.environ.get('MOCKUP_SOURCE_DIR',
                                         pathlib.Path(__file__).resolve().parents[2]))
DATA_DIR = SOURCE_DIR / 'data'
TEMPLATES_DIR = DATA_DIR / 'templates'
SCHEMA_PATH = DATA_DIR / 'mockup-template.schema.json'
FIXTURES = SOURCE_DIR / 'tests' / 'python' / 'schema-fixtures'
ARTWORK = DATA_DIR / 'artwork' / 'sample-artwork.png'
ARTWORK_LANDSCAPE = DATA_DIR / 'artwork' / 'sample-artwork-landscape.jpg'

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding='utf-8'))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
COUNTER_EXAMPLES = SCHEMA['x-counter-examples']

# What each bundled template must be: canvas size, slots in layer order,
# number of layers.
EXPECTED = {
    'framed-poster': ((2400, 1600), ['artwork'], 5),
    'canvas-angle': ((2400, 1600), ['artwork'], 4),
    'gallery-wall': ((2400, 1600), ['left', 'middle', 'right'], 7),
    'tshirt': ((2000, 2000), ['artwork'], 4),
    'mug': ((2200, 1650), ['artwork'], 4),
    'phone': ((2400, 1600), ['artwork'], 4),
}

IMAGE_MEMBERS = ('source', 'mask', 'shading', 'displacement')


def load_data(manifest, base_dir=FIXTURES):
    return Mockup.Template.new_from_data(json.dumps(manifest).encode('utf-8'),
                                         None if base_dir is None else str(base_dir))


def schema_errors(manifest):
    return list(VALIDATOR.iter_errors(manifest))


def member_of_path(path):
    """A jsonschema error path in the parser's notation: layers[1].quad[0]."""
    out = ''
    for part in path:
        out += '[%d]' % part if isinstance(part, int) else ('.' if out else '') + part
    return out


def resolve(node):
    while isinstance(node, dict) and '$ref' in node:
        assert node['$ref'].startswith('#/$defs/'), node['$ref']
        node = SCHEMA['$defs'][node['$ref'][len('#/$defs/'):]]
    return node


def object_branch(node):
    """The object alternative of a "path or object" member."""
    node = resolve(node)
    for branch in node.get('oneOf', [node]):
        branch = resolve(branch)
        if branch.get('type') == 'object':
            return branch
    raise AssertionError('no object branch in %r' % node)


def referenced_files(manifest):
    """The relative paths a manifest names."""
    files = []
    for layer in manifest['layers']:
        for key in IMAGE_MEMBERS:
            value = layer.get(key)
            if isinstance(value, str):
                files.append(value)
            elif isinstance(value, dict):
                files.append(value['source'])
    return files


def bundled():
    return sorted(p.name for p in TEMPLATES_DIR.iterdir() if (p / 'template.json').is_file())


# --------------------------------------------------------------------------
# The schema itself
# --------------------------------------------------------------------------

def test_schema_is_valid_draft_2020_12():
    assert SCHEMA['$schema'] == 'https://json-schema.org/draft/2020-12/schema'
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_folder_search_skips_the_schema():
    # find_in_folder() skips *.schema.json, so the schema next to the
    # templates is never taken for one.
    paths = Mockup.Template.find_in_folder(str(DATA_DIR))
    assert not any(p.endswith('.schema.json') for p in paths)


# --------------------------------------------------------------------------
# Bundled templates
# --------------------------------------------------------------------------

def test_bundled_templates_are_all_there():
    assert set(bundled()) == set(EXPECTED)
    assert sorted(Mockup.Template.find_in_folder(str(TEMPLATES_DIR))) == \
        sorted(str(TEMPLATES_DIR / name / 'template.json') for name in EXPECTED)


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_bundled_template_validates(name):
    manifest = json.loads((TEMPLATES_DIR / name / 'template.json').read_text(encoding='utf-8'))
    errors = schema_errors(manifest)
    assert not errors, [(member_of_path(e.absolute_path), e.message) for e in errors]
    # the $schema member leads to the schema
    assert (TEMPLATES_DIR / name / manifest['$schema']).resolve() == SCHEMA_PATH.resolve()
    assert manifest.get('name')


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_bundled_template_loads(name):
    size, slots, n_layers = EXPECTED[name]
    path = TEMPLATES_DIR / name / 'template.json'
    manifest = json.loads(path.read_text(encoding='utf-8'))
    template = Mockup.Template.new_from_file(str(path))
    assert template.get_id() == name
    assert template.get_name() == manifest['name']
    assert (template.get_width(), template.get_height()) == size
    assert list(template.dup_slots()) == slots
    assert template.get_n_layers() == n_layers == len(manifest['layers'])
    # the template's folder holds exactly the files it names
    names = set(referenced_files(manifest))
    present = {p.name for p in path.parent.iterdir()} - {'template.json'}
    assert names == present


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_bundled_template_renders(name):
    renderer = Mockup.Renderer.new()
    renderer.set_format(Mockup.Format.PIXBUF)
    renderer.set_max_size(320)
    template = Mockup.Template.new_from_file(str(TEMPLATES_DIR / name / 'template.json'))
    result = renderer.render(Mockup.Artwork.new_from_file(str(ARTWORK)), template, None)
    pixbuf = result.get_pixbuf()
    assert max(pixbuf.get_width(), pixbuf.get_height()) == 320
    pixels = np.frombuffer(pixbuf.get_pixels(), np.uint8)
    assert pixels.std() > 20  # a picture, not a blank


def test_sample_artworks():
    with Image.open(ARTWORK) as image:
        assert image.size == (2000, 2500)
    with Image.open(ARTWORK_LANDSCAPE) as image:
        assert image.size == (3000, 2000)
        assert image.format == 'JPEG'
    for path in (ARTWORK, ARTWORK_LANDSCAPE):
        artwork = Mockup.Artwork.new_from_file(str(path))
        assert artwork.get_width() > 0


def test_data_is_small():
    total = sum(p.stat().st_size for p in DATA_DIR.rglob('*') if p.is_file())
    assert total < 8 * 1024 * 1024, total


def test_generator_is_deterministic(tmp_path):
    """The generator, run again, writes the bundled files (one template,
    to keep it quick): the same JSON and the same pixels."""
    name = 'canvas-angle'
    subprocess.run([sys.executable, str(DATA_DIR / 'generate-samples.py'), '--out', str(tmp_path),
                    '--only', name], check=True, capture_output=True)
    ours, theirs = tmp_path / 'templates' / name, TEMPLATES_DIR / name
    assert sorted(p.name for p in ours.iterdir()) == sorted(p.name for p in theirs.iterdir())
    assert (ours / 'template.json').read_text() == (theirs / 'template.json').read_text()
    for path in ours.iterdir():
        if path.suffix in ('.png', '.jpg'):
            a = np.asarray(Image.open(path), np.int16)
            b = np.asarray(Image.open(theirs / path.name), np.int16)
            assert a.shape == b.shape
            assert np.abs(a - b).max() <= 2, path.name


# --------------------------------------------------------------------------
# Counter-examples: refused by both, for the same member
# --------------------------------------------------------------------------

def test_counter_examples_cover_the_format():
    assert len(COUNTER_EXAMPLES) >= 25
    descriptions = [c['description'] for c in COUNTER_EXAMPLES]
    assert len(set(descriptions)) == len(descriptions)
    members = ' '.join(c['member'] for c in COUNTER_EXAMPLES)
    for word in ('format', 'id', 'name', 'size', 'background', 'layers', '(root)', 'type', 'source',
                 'blend', 'opacity', 'mask', 'mode', 'invert', 'color', 'quad', 'mesh', 'cylinder',
                 'wrap', 'rotation', 'slot', 'fit', 'align', 'aspect', 'shading', 'strength',
                 'neutral', 'displacement'):
        assert word in members, word


@pytest.mark.parametrize('example', COUNTER_EXAMPLES, ids=[c['description'] for c in COUNTER_EXAMPLES])
def test_counter_example_is_refused(example):
    assert set(example) == {'description', 'member', 'code', 'manifest'}

    errors = schema_errors(example['manifest'])
    assert errors, 'the schema accepts it'
    # The schema's most relevant error lies at the member, above it (a
    # missing or unknown member is reported on its parent) or just below
    # it (the parser says "size" where the schema says "size[0]").
    where = member_of_path(jsonschema.exceptions.best_match(errors).absolute_path)
    assert example['member'].startswith(where) or where.startswith(example['member']), \
        (where, example['member'])

    with pytest.raises(GLib.Error) as excinfo:
        load_data(example['manifest'])
    error = excinfo.value
    assert error.domain == 'mockup-error-quark'
    assert error.code == int(getattr(Mockup.Error, example['code'])), error.message
    assert error.message.startswith('template data: %s: ' % example['member']), error.message


# --------------------------------------------------------------------------
# Valid manifests that use every optional member
# --------------------------------------------------------------------------

QUAD = [[8, 6], [56, 8], [54, 42], [10, 40]]

VALID = {
    'minimal': (
        {'format': 1, 'layers': [{'type': 'image', 'source': 'photo.jpg'}]},
        dict(id='template', name='template', size=(64, 48), slots=[])),
    'every top-level member': (
        {'$schema': '../../data/mockup-template.schema.json', '_comment': 'free text',
         'format': 1, 'id': 'all.top-level_members', 'name': 'Every top-level member',
         'size': [120, 90], 'background': '#fff8',
         'layers': [{'type': 'image', 'source': 'photo.jpg'}]},
        dict(id='all.top-level_members', name='Every top-level member', size=(120, 90), slots=[])),
    'whole numbers written as decimals': (
        {'format': 1.0, 'size': [120.0, 90.0], 'layers': [{'type': 'color', 'color': '#123'}]},
        dict(size=(120, 90))),
    'canvas from the first image layer, not the first layer': (
        {'format': 1, 'layers': [{'type': 'color', 'color': '#000000ff'},
                                 {'type': 'image', 'source': 'overlay.png'},
                                 {'type': 'image', 'source': 'photo.jpg'}]},
        dict(size=(64, 48))),
    'image layer with every common member': (
        {'format': 1, 'layers': [
            {'type': 'image', 'source': 'photo.jpg'},
            {'type': 'image', 'name': 'overlay', 'source': 'overlay.png', 'blend': 'multiply',
             'opacity': 0.5, 'mask': 'mask.png', '_note': 'a comment in a layer'}]},
        dict(size=(64, 48))),
    'mask objects: alpha, luminance, inverted': (
        {'format': 1, 'size': [64, 48], 'layers': [
            {'type': 'color', 'color': '#ffffff'},
            {'type': 'color', 'color': '#ff000080', 'mask': {'source': 'overlay.png', 'mode': 'alpha'}},
            {'type': 'color', 'color': '#00ff00',
             'mask': {'source': 'mask.png', 'mode': 'luminance', 'invert': True, '_why': 'outside the disc'}},
            {'type': 'color', 'color': '#00f', 'opacity': 0, 'mask': {'source': 'mask.png', 'invert': False}}]},
        dict(size=(64, 48), slots=[])),
    'quad with slot, fit, named align and aspect': (
        {'format': 1, 'layers': [
            {'type': 'image', 'source': 'photo.jpg'},
            {'type': 'artwork', 'name': 'print', 'slot': 'front-1.a_b', 'quad': QUAD, 'fit': 'contain',
             'align': 'bottom-right', 'aspect': 0.8, 'blend': 'multiply', 'opacity': 0.9,
             'mask': {'source': 'mask.png', 'mode': 'luminance'}}]},
        dict(size=(64, 48), slots=['front-1.a_b'])),
    'quad with fractional corners, mirrored, stretch and align as a point': (
        {'format': 1, 'layers': [
            {'type': 'image', 'source': 'photo.jpg'},
            {'type': 'artwork', 'quad': [[56.5, 6.25], [8, 6], [10, 40.75], [54, 42]], 'fit': 'stretch',
             'align': [0, 1]}]},
        dict(slots=['artwork'])),
    'mesh': (
        {'format': 1, 'size': [64, 48], 'layers': [
            {'type': 'color', 'color': '#fff'},
            {'type': 'artwork', 'mesh': [[[8, 6], [32, 8], [56, 6]],
                                         [[9, 24], [32, 26], [55, 24]],
                                         [[8, 42], [32, 44], [56, 42]]], 'fit': 'cover', 'align': 'top'}]},
        dict(slots=['artwork'])),
    'cylinder with every member': (
        {'format': 1, 'size': [64, 48], 'layers': [
            {'type': 'color', 'color': '#fff'},
            {'type': 'artwork', 'cylinder': {'left': 12, 'right': 52, 'top': 8, 'bottom': 40,
                                             'ellipse': 4.5, 'wrap': 200, 'rotation': -15,
                                             '_units': 'pixels and degrees'}}]},
        dict(slots=['artwork'])),
    'cylinder seen from below': (
        {'format': 1, 'size': [64, 48], 'layers': [
            {'type': 'artwork', 'cylinder': {'left': 12, 'right': 52, 'top': 8, 'bottom': 40,
                                             'ellipse': -3}}]},
        dict(slots=['artwork'])),
    'shading and displacement as paths': (
        {'format': 1, 'layers': [
            {'type': 'image', 'source': 'photo.jpg'},
            {'type': 'artwork', 'quad': QUAD, 'shading': 'shading.png', 'displacement': 'displacement.png'}]},
        dict(slots=['artwork'])),
    'shading and displacement as objects': (
        {'format': 1, 'layers': [
            {'type': 'image', 'source': 'photo.jpg'},
            {'type': 'artwork', 'quad': QUAD,
             'shading': {'source': 'shading.png', 'strength': 0.6, 'neutral': 0.5, '_': ''},
             'displacement': {'source': 'displacement.png', 'strength': 4.5}}]},
        dict(slots=['artwork'])),
    'several slots, one repeated': (
        {'format': 1, 'size': [64, 48], 'layers': [
            {'type': 'artwork', 'slot': 'left', 'quad': [[0, 0], [30, 0], [30, 48], [0, 48]]},
            {'type': 'artwork', 'slot': 'right', 'quad': [[34, 0], [64, 0], [64, 48], [34, 48]]},
            {'type': 'artwork', 'slot': 'left', 'quad': [[0, 0], [10, 0], [10, 10], [0, 10]],
             'blend': 'screen', 'opacity': 0.3}]},
        dict(slots=['left', 'right'])),
    'limits, at their edges': (
        {'format': 1, 'id': 'x' * 128, 'size': [32768, 1], 'layers': [
            {'type': 'color', 'color': '#00000000', 'opacity': 0},
            {'type': 'color', 'color': '#FFFFFF', 'opacity': 1},
            {'type': 'artwork', 'quad': [[-1000000, -1000000], [1000000, -1000000],
                                         [1000000, 1000000], [-1000000, 1000000]],
             'aspect': 0.01, 'align': [1, 0]},
            {'type': 'artwork', 'quad': QUAD, 'aspect': 100,
             'shading': {'source': 'shading.png', 'strength': 0, 'neutral': 0.01},
             'displacement': {'source': 'displacement.png', 'strength': 256}},
            {'type': 'artwork', 'quad': QUAD, 'shading': {'source': 'shading.png', 'strength': 1, 'neutral': 1},
             'displacement': {'source': 'displacement.png', 'strength': 0}},
            {'type': 'artwork', 'cylinder': {'left': 0, 'right': 1, 'top': 0, 'bottom': 1,
                                             'wrap': 1, 'rotation': -180}},
            {'type': 'artwork', 'cylinder': {'left': 0, 'right': 100, 'top': 0, 'bottom': 100,
                                             'wrap': 360, 'rotation': 180}}]},
        dict(size=(32768, 1), slots=['artwork'])),
    'the most layers': (
        {'format': 1, 'size': [8, 8], 'layers': [{'type': 'color', 'color': '#fff'}] * 256},
        dict(size=(8, 8))),
}

BLENDS = resolve(SCHEMA['$defs']['blend'])['enum']


@pytest.mark.parametrize('case', sorted(VALID))
def test_valid_manifest(case):
    manifest, expect = VALID[case]
    errors = schema_errors(manifest)
    assert not errors, [(member_of_path(e.absolute_path), e.message) for e in errors]
    template = load_data(manifest)
    if 'id' in expect:
        assert template.get_id() == expect['id']
    if 'name' in expect:
        assert template.get_name() == expect['name']
    if 'size' in expect:
        assert (template.get_width(), template.get_height()) == expect['size']
    if 'slots' in expect:
        assert list(template.dup_slots()) == expect['slots']
    assert template.get_n_layers() == len(manifest['layers'])


@pytest.mark.parametrize('blend', BLENDS)
def test_every_blend_mode_is_valid(blend):
    manifest = {'format': 1, 'layers': [{'type': 'image', 'source': 'photo.jpg'},
                                        {'type': 'image', 'source': 'overlay.png', 'blend': blend},
                                        {'type': 'color', 'color': '#80402080', 'blend': blend},
                                        {'type': 'artwork', 'quad': QUAD, 'blend': blend}]}
    assert not schema_errors(manifest)
    load_data(manifest)


@pytest.mark.parametrize('colour', ['#abc', '#ABCD', '#a1b2c3', '#A1B2C3D4'])
def test_every_colour_form_is_valid(colour):
    manifest = {'format': 1, 'size': [4, 4], 'background': colour,
                'layers': [{'type': 'color', 'color': colour}]}
    assert not schema_errors(manifest)
    load_data(manifest)


def test_valid_manifests_render():
    """The parsed values are usable: each valid case with artwork renders."""
    renderer = Mockup.Renderer.new()
    renderer.set_format(Mockup.Format.PIXBUF)
    renderer.set_max_size(64)
    artwork = Mockup.Artwork.new_from_file(str(ARTWORK))
    for case, (manifest, _) in sorted(VALID.items()):
        result = renderer.render(artwork, load_data(manifest), None)
        assert result.get_pixbuf() is not None, case


# --------------------------------------------------------------------------
# The parser's own word on members, enumerations and ranges
# --------------------------------------------------------------------------

def parser_error(manifest):
    with pytest.raises(GLib.Error) as excinfo:
        load_data(manifest)
    return excinfo.value.message


def allowed_members(manifest):
    message = parser_error(manifest)
    match = re.search(r'\(allowed: ([^;]*);', message)
    assert match, message
    return set(match.group(1).split(', '))


def art_layer(**members):
    layer = {'type': 'artwork', 'quad': QUAD}
    layer.update(members)
    return {'format': 1, 'size': [64, 48], 'layers': [layer]}


CYLINDER = {'left': 12, 'right': 52, 'top': 8, 'bottom': 40}
LAYER_DEFS = {'image': 'imageLayer', 'color': 'colorLayer', 'artwork': 'artworkLayer'}


def test_members_agree():
    root = {'format': 1, 'size': [4, 4], 'layers': [{'type': 'color', 'color': '#fff'}], 'zz': 1}
    assert allowed_members(root) == set(SCHEMA['properties'])

    for kind, definition in LAYER_DEFS.items():
        layer = {'type': kind, 'zz': 1}
        got = allowed_members({'format': 1, 'size': [4, 4], 'layers': [layer]})
        assert got == set(SCHEMA['$defs'][definition]['properties']), kind

    artwork = SCHEMA['$defs']['artworkLayer']['properties']
    assert allowed_members(art_layer(mask={'source': 'mask.png', 'zz': 1})) == \
        set(object_branch(SCHEMA['$defs']['mask'])['properties'])
    assert allowed_members(art_layer(shading={'source': 'shading.png', 'zz': 1})) == \
        set(object_branch(artwork['shading'])['properties'])
    assert allowed_members(art_layer(displacement={'source': 'displacement.png', 'zz': 1})) == \
        set(object_branch(artwork['displacement'])['properties'])
    cylinder = {'type': 'artwork', 'cylinder': dict(CYLINDER, zz=1)}
    assert allowed_members({'format': 1, 'size': [64, 48], 'layers': [cylinder]}) == \
        set(resolve(artwork['cylinder'])['properties'])


def expected_values(manifest):
    message = parser_error(manifest)
    match = re.search(r'\(expected one of: ([^)]*)\)', message)
    assert match, message
    return match.group(1).split(', ')


def test_enumerations_agree():
    artwork = SCHEMA['$defs']['artworkLayer']['properties']
    assert expected_values({'format': 1, 'size': [4, 4], 'layers': [{'type': 'zz'}]}) == \
        SCHEMA['$defs']['layer']['properties']['type']['enum']
    assert expected_values(art_layer(blend='zz')) == BLENDS
    assert expected_values(art_layer(fit='zz')) == artwork['fit']['enum']
    assert expected_values(art_layer(mask={'source': 'mask.png', 'mode': 'zz'})) == \
        object_branch(SCHEMA['$defs']['mask'])['properties']['mode']['enum']

    message = parser_error(art_layer(align='zz'))
    match = re.search(r'\(expected (.*) or \[x, y\] from 0 to 1\)', message)
    assert match, message
    names = [n.strip() for n in match.group(1).replace(' or ', ', ').split(',')]
    assert names == resolve(SCHEMA['$defs']['align'])['oneOf'][0]['enum']


def parser_range(manifest):
    message = parser_error(manifest)
    match = re.search(r'out of range \((\S+) to (\S+)\)', message)
    assert match, message
    return float(match.group(1)), float(match.group(2))


def schema_range(node):
    node = resolve(node)
    return float(node['minimum']), float(node['maximum'])


def test_ranges_agree():
    defs = SCHEMA['$defs']
    artwork = defs['artworkLayer']['properties']
    cylinder = resolve(artwork['cylinder'])['properties']
    big = 1e7

    def size(value):
        return {'format': 1, 'size': [value, 4], 'layers': [{'type': 'color', 'color': '#fff'}]}

    def cyl(**members):
        return {'format': 1, 'size': [64, 48],
                'layers': [{'type': 'artwork', 'cylinder': dict(CYLINDER, **members)}]}

    checks = [
        (size(big), SCHEMA['properties']['size']['items']),
        (art_layer(opacity=big), defs['opacity']['oneOf'][0]),
        (art_layer(quad=[[big, 0]] + QUAD[1:]), defs['coordinate']),
        (art_layer(align=[0.5, big]), resolve(defs['align'])['oneOf'][1]['items']),
        (art_layer(aspect=big), artwork['aspect']),
        (art_layer(shading={'source': 'shading.png', 'strength': big}),
         object_branch(artwork['shading'])['properties']['strength']),
        (art_layer(shading={'source': 'shading.png', 'neutral': big}),
         object_branch(artwork['shading'])['properties']['neutral']),
        (art_layer(displacement={'source': 'displacement.png', 'strength': big}),
         object_branch(artwork['displacement'])['properties']['strength']),
        (cyl(wrap=big), cylinder['wrap']),
        (cyl(rotation=big), cylinder['rotation']),
    ]
    for name in ('left', 'right', 'top', 'bottom', 'ellipse'):
        checks.append((cyl(**{name: big}), cylinder[name]))
    mesh = {'format': 1, 'size': [64, 48],
            'layers': [{'type': 'artwork', 'mesh': [[[big, 0], [10, 0]], [[0, 10], [10, 10]]]}]}
    checks.append((mesh, defs['coordinate']))

    for manifest, node in checks:
        assert parser_range(manifest) == schema_range(node), json.dumps(manifest)[:120]


def test_counts_agree():
    """Lengths of layers, quads, meshes and points."""
    defs = SCHEMA['$defs']
    layers = SCHEMA['properties']['layers']
    message = parser_error({'format': 1, 'size': [4, 4], 'layers': []})
    assert 'expected %d to %d layers' % (layers['minItems'], layers['maxItems']) in message
    assert 'expected 4 points' in parser_error(art_layer(quad=QUAD[:3]))
    assert resolve(defs['quad'])['minItems'] == resolve(defs['quad'])['maxItems'] == 4
    mesh = resolve(defs['mesh'])
    message = parser_error({'format': 1, 'size': [64, 48],
                            'layers': [{'type': 'artwork', 'mesh': [[[0, 0], [1, 0]]]}]})
    assert 'expected %d to %d rows' % (mesh['minItems'], mesh['maxItems']) in message
    message = parser_error({'format': 1, 'size': [64, 48],
                            'layers': [{'type': 'artwork', 'mesh': [[[0, 0]] * 65, [[0, 1]] * 65]}]})
    assert 'expected %d to %d points a row' % (mesh['items']['minItems'], mesh['items']['maxItems']) in message



# --------------------------------------------------------------------------
# The format guide's examples
# --------------------------------------------------------------------------

def guide_examples():
    text = (SOURCE_DIR / 'doc' / 'template-format.md').read_text(encoding='utf-8')
    return [json.loads(block) for block in re.findall(r'```json\n(.*?)```', text, re.S)]


def test_guide_examples_agree_with_the_schema():
    layer_validator = jsonschema.Draft202012Validator(dict(SCHEMA['$defs']['layer'], **{'$defs': SCHEMA['$defs']}))
    examples = guide_examples()
    assert len(examples) >= 10
    for example in examples:
        if 'format' in example:
            errors = schema_errors(example)
            # the one deliberate mistake: an empty layer stack
            if example['layers'] == []:
                assert errors
                continue
            # an example taken from a bundled template loads with its files
            if example.get('id') in EXPECTED:
                load_data(example, TEMPLATES_DIR / example['id'])
        else:
            errors = list(layer_validator.iter_errors(example))
        assert not errors, (example, [e.message for e in errors])
