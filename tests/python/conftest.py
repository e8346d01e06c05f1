# conftest.py: fixtures for the Python tests
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import io
import json
import os
import pathlib

import gi
gi.require_version('Mockup', '1')
gi.require_version('GdkPixbuf', '2.0')

import numpy as np
import pytest
from PIL import Image
from gi.repository import GdkPixbuf, Gio, GLib, Mockup

SOURCE_DIR = pathlib.Path(os.environ.get('MOCKUP_SOURCE_DIR',
                                         pathlib.Path(__file__).resolve().parents[2]))


def save_image(path, image):
    """Writes a PIL image or an array (H×W×3 or H×W×4, uint8) by extension."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    path = pathlib.Path(path)
    if path.suffix.lower() in ('.jpg', '.jpeg'):
        image.convert('RGB').save(path, quality=95)
    else:
        image.save(path)
    return path


@pytest.fixture
def make_template(tmp_path):
    """make_template(layers, size=None, images={}, folder='tpl') → Mockup.Template.

    Writes each image of ``images`` (name → PIL image or array) and a
    manifest with ``layers`` into tmp_path/folder and loads it."""
    def make(layers, size=None, images=None, folder='tpl', **members):
        base = tmp_path / folder
        base.mkdir(exist_ok=True)
        for name, image in (images or {}).items():
            save_image(base / name, image)
        manifest = {'format': 1, 'layers': layers, **members}
        if size is not None:
            manifest['size'] = list(size)
        (base / 'template.json').write_text(json.dumps(manifest))
        return Mockup.Template.new_from_file(str(base / 'template.json'))
    return make


@pytest.fixture
def make_artwork(tmp_path):
    """make_artwork(image, name='art.png') → Mockup.Artwork from a file."""
    def make(image, name='art.png'):
        path = save_image(tmp_path / name, image)
        return Mockup.Artwork.new_from_file(str(path))
    return make


def pixbuf_array(pixbuf):
    """An H×W×4 uint8 array (straight RGBA) of a pixbuf."""
    w, h, n = pixbuf.get_width(), pixbuf.get_height(), pixbuf.get_n_channels()
    stride = pixbuf.get_rowstride()
    data = np.frombuffer(pixbuf.get_pixels(), dtype=np.uint8)
    rows = np.stack([data[y * stride:y * stride + w * n] for y in range(h)])
    rows = rows.reshape(h, w, n)
    if n == 3:
        rows = np.concatenate([rows, np.full((h, w, 1), 255, np.uint8)], axis=2)
    return rows


def decode(data):
    """A PIL image from encoded bytes (GLib.Bytes or bytes)."""
    if isinstance(data, GLib.Bytes):
        data = data.get_data()
    return Image.open(io.BytesIO(bytes(data)))


def render(template, artwork, **props):
    renderer = Mockup.Renderer(**props)
    return renderer.render(artwork, template, None)


def render_rgba(template, artwork, **props):
    """Renders to a pixbuf and returns it as float RGBA in [0, 1]."""
    props.setdefault('format', Mockup.Format.PIXBUF)
    result = render(template, artwork, **props)
    return pixbuf_array(result.get_pixbuf()).astype(np.float64) / 255.0


def assert_mockup_error(excinfo, code, *parts):
    error = excinfo.value
    assert error.domain == 'mockup-error-quark', error.domain
    assert error.code == int(code), (error.code, error.message)
    for part in parts:
        assert part in error.message, (part, error.message)
