# conftest.py: fixtures for the import-psd tests
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import base64
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys

import gi
gi.require_version('Mockup', '1')

import numpy as np
import pytest
from PIL import Image
from gi.repository import Mockup

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_DIR = pathlib.Path(os.environ.get('MOCKUP_SOURCE_DIR', HERE.parents[1]))
PSD_DIR = SOURCE_DIR / 'tests' / 'data' / 'psd'
SCHEMA = SOURCE_DIR / 'data' / 'mockup-template.schema.json'

sys.path.insert(0, str(SOURCE_DIR / 'tools' / 'import-psd'))


def pixbuf_array(pixbuf):
    """An H×W×4 uint8 array (straight RGBA) of a pixbuf."""
    w, h, n = pixbuf.get_width(), pixbuf.get_height(), pixbuf.get_n_channels()
    stride = pixbuf.get_rowstride()
    data = np.frombuffer(pixbuf.get_pixels(), dtype=np.uint8)
    rows = np.stack([data[y * stride:y * stride + w * n] for y in range(h)]).reshape(h, w, n)
    if n == 3:
        rows = np.concatenate([rows, np.full((h, w, 1), 255, np.uint8)], axis=2)
    return rows


def render_template(manifest_path, artworks):
    """Renders a template with one artwork file per slot; an H×W×4 uint8
    array."""
    template = Mockup.Template.new_from_file(str(manifest_path))
    arts = {slot: Mockup.Artwork.new_from_file(str(path)) for slot, path in artworks.items()}
    renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF)
    (result,) = renderer.render_batch(None, [template], arts)
    error = result.get_error()
    assert error is None, error.message
    return pixbuf_array(result.get_pixbuf())


def premultiplied(rgba):
    """Float premultiplied colour and alpha, in 0–255 levels."""
    rgba = rgba.astype(np.float64)
    return np.concatenate([rgba[..., :3] * rgba[..., 3:] / 255.0, rgba[..., 3:]], axis=-1)


def validate_manifest(path):
    import jsonschema
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(json.loads(pathlib.Path(path).read_text()), schema)


@pytest.fixture(scope='session')
def node_modules():
    """The tests' own npm packages (ag-psd), installed by run-tests with
    npm ci in tests/import-psd."""
    modules = HERE / 'node_modules' / 'ag-psd'
    assert modules.is_dir(), ('ag-psd is missing: run "npm ci" in %s (build-aux/run-tests does)' % HERE)
    assert shutil.which('node'), 'node is missing (build-aux/install-deps test installs it)'
    return modules


def raw_rgba(image):
    """An array (H×W×3 or ×4) as the generator's raw pixels."""
    image = np.asarray(image, np.uint8)
    if image.shape[2] == 3:
        image = np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])
    return {'rgba': base64.b64encode(image.tobytes()).decode('ascii'),
            'width': image.shape[1], 'height': image.shape[0]}


@pytest.fixture
def generate_psd(tmp_path, node_modules):
    """generate_psd(spec, name) → path of a PSD written by ag-psd from
    ``spec`` (see generate-psd.mjs); contents given as arrays or PIL
    images under "image" are sent as PNG."""
    def generate(spec, name='generated.psd'):
        spec = dict(spec)
        layers = []
        for layer in spec['layers']:
            layer = dict(layer)
            if layer.get('kind') == 'pixels':
                layer.update(raw_rgba(layer.pop('image')))
                if 'mask' in layer:
                    mask = dict(layer['mask'])
                    mask.update(raw_rgba(np.dstack([mask.pop('image')] * 3)))
                    layer['mask'] = mask
                layers.append(layer)
                continue
            image = layer.pop('image')
            if isinstance(image, np.ndarray):
                image = Image.fromarray(image)
            buffer = io.BytesIO()
            image.save(buffer, 'PNG')
            layer['data'] = base64.b64encode(buffer.getvalue()).decode('ascii')
            layer.setdefault('content', layer['name'] + '.png')
            layer.setdefault('contentWidth', image.width)
            layer.setdefault('contentHeight', image.height)
            layers.append(layer)
        spec['layers'] = layers
        spec_path = tmp_path / (name + '.json')
        spec_path.write_text(json.dumps(spec))
        out = tmp_path / name
        subprocess.run(['node', str(HERE / 'generate-psd.mjs'), str(spec_path), str(out)],
                       check=True, cwd=HERE, timeout=120)
        return out
    return generate
