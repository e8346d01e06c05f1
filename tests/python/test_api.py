# test_api.py: every accessor of the public API, called by name from Python
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json

import numpy as np
import pytest
from PIL import Image
from gi.repository import GdkPixbuf, Gio, GLib, Mockup

from conftest import pixbuf_array


def test_formats():
    assert Mockup.Format.get_extension(Mockup.Format.JPEG) == 'jpg'
    assert Mockup.format_get_extension(Mockup.Format.WEBP) == 'webp'
    assert Mockup.Format.get_mime_type(Mockup.Format.PNG) == 'image/png'
    assert Mockup.format_get_mime_type(Mockup.Format.PIXBUF) == 'image/png'
    assert Mockup.Format.from_string('JPG') == (True, Mockup.Format.JPEG)
    assert Mockup.format_from_string('webp') == (True, Mockup.Format.WEBP)
    ok, _ = Mockup.Format.from_string('tiff')
    assert not ok


def test_error_domain():
    assert GLib.quark_to_string(Mockup.error_quark()) == 'mockup-error-quark'
    assert Mockup.Error.quark() == Mockup.error_quark()


def test_template_accessors(tmp_path):
    Image.new('RGB', (64, 48), (10, 20, 30)).save(tmp_path / 'photo.jpg')
    manifest = {'format': 1, 'id': 'acc', 'name': 'Accessors',
                'layers': [{'type': 'image', 'source': 'photo.jpg'},
                           {'type': 'artwork', 'slot': 'a', 'quad': [[1, 1], [30, 1], [30, 30], [1, 30]]},
                           {'type': 'artwork', 'slot': 'b', 'quad': [[31, 1], [60, 1], [60, 30], [31, 30]]}]}
    (tmp_path / 'acc.json').write_text(json.dumps(manifest))
    template = Mockup.Template.new_from_file(str(tmp_path / 'acc.json'))
    assert template.get_id() == template.props.id == 'acc'
    assert template.get_name() == template.props.name == 'Accessors'
    assert template.get_width() == template.props.width == 64
    assert template.get_height() == template.props.height == 48
    assert template.get_path() == template.props.path == str(tmp_path / 'acc.json')
    assert template.get_n_layers() == template.props.n_layers == 3
    assert template.dup_slots() == ['a', 'b']

    from_data = Mockup.Template.new_from_data(json.dumps(manifest).encode(), str(tmp_path))
    assert from_data.get_path() is None and from_data.get_id() == 'acc'

    (tmp_path / 'sub').mkdir()
    (tmp_path / 'sub' / 'template.json').write_text('{}')
    found = Mockup.Template.find_in_folder(str(tmp_path))
    assert found == [str(tmp_path / 'acc.json'), str(tmp_path / 'sub' / 'template.json')]


def test_artwork_accessors(tmp_path):
    Image.new('RGBA', (30, 20), (200, 100, 50, 255)).save(tmp_path / 'a.png')
    from_file = Mockup.Artwork.new_from_file(str(tmp_path / 'a.png'))
    assert (from_file.get_width(), from_file.get_height()) == (30, 20)
    assert (from_file.props.width, from_file.props.height) == (30, 20)
    assert from_file.get_path() == from_file.props.path == str(tmp_path / 'a.png')

    data = (tmp_path / 'a.png').read_bytes()
    from_bytes = Mockup.Artwork.new_from_bytes(GLib.Bytes.new(data))
    assert (from_bytes.get_width(), from_bytes.get_height()) == (30, 20)
    assert from_bytes.get_path() is None

    pixbuf = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, False, 8, 12, 8)
    pixbuf.fill(0x336699ff)
    from_pixbuf = Mockup.Artwork.new_from_pixbuf(pixbuf)
    assert (from_pixbuf.get_width(), from_pixbuf.get_height()) == (12, 8)
    assert 'in memory' in repr(from_pixbuf)


def test_python_data_helpers(tmp_path):
    # JSON text as str, bytes, bytearray, memoryview or GLib.Bytes; the
    # folder optional, and any path
    Image.new('RGB', (40, 30), (10, 20, 30)).save(tmp_path / 'photo.jpg')
    text = json.dumps({'format': 1, 'name': 'Café', 'layers': [{'type': 'image', 'source': 'photo.jpg'}]})
    for data in (text, text.encode(), bytearray(text.encode()), memoryview(text.encode()),
                 GLib.Bytes.new(text.encode())):
        template = Mockup.Template.new_from_data(data, tmp_path)
        assert isinstance(template, Mockup.Template)
        assert (template.get_name(), template.get_width()) == ('Café', 40), type(data)
    colour = '{"format": 1, "size": [8, 6], "layers": [{"type": "color", "color": "#fff"}]}'
    assert Mockup.Template.new_from_data(colour).get_width() == 8
    with pytest.raises(GLib.Error) as excinfo:
        Mockup.Template.new_from_data('{"format": 1, "layers": [{"type": "image", "source": "photo.jpg"}]}')
    assert 'without a base folder' in excinfo.value.message
    with pytest.raises(TypeError, match='str, bytes or GLib.Bytes'):
        Mockup.Template.new_from_data({'format': 1})

    # an image file as bytes, bytearray or memoryview as well as GLib.Bytes
    Image.new('RGBA', (30, 20), (200, 100, 50, 255)).save(tmp_path / 'a.png')
    png = (tmp_path / 'a.png').read_bytes()
    for data in (png, bytearray(png), memoryview(png), GLib.Bytes.new(png)):
        artwork = Mockup.Artwork.new_from_bytes(data)
        assert isinstance(artwork, Mockup.Artwork)
        assert (artwork.get_width(), artwork.get_height()) == (30, 20), type(data)
    with pytest.raises(GLib.Error):
        Mockup.Artwork.new_from_bytes(b'not an image')
    with pytest.raises(TypeError, match='bytes or GLib.Bytes'):
        Mockup.Artwork.new_from_bytes(str(tmp_path / 'a.png'))


def test_renderer_accessors():
    renderer = Mockup.Renderer.new()
    assert renderer.get_format() == Mockup.Format.JPEG
    assert renderer.get_quality() == 90
    assert renderer.get_max_size() == 0
    assert renderer.get_threads() == 0
    assert renderer.get_memory_limit() == 512 << 20
    assert renderer.get_linear_light() is False
    assert renderer.get_memory_in_use() == 0

    notified = []
    renderer.connect('notify', lambda obj, pspec: notified.append(pspec.name))
    renderer.set_format(Mockup.Format.WEBP)
    renderer.set_quality(70)
    renderer.set_max_size(640)
    renderer.set_threads(3)
    renderer.set_memory_limit(64 << 20)
    renderer.set_linear_light(True)
    assert notified == ['format', 'quality', 'max-size', 'threads', 'memory-limit', 'linear-light']
    assert (renderer.props.format, renderer.props.quality, renderer.props.max_size, renderer.props.threads,
            renderer.props.memory_limit, renderer.props.linear_light) == (
        Mockup.Format.WEBP, 70, 640, 3, 64 << 20, True)


def test_result_and_batch_accessors(make_template, make_artwork):
    template = make_template([{'type': 'artwork', 'quad': [[0, 0], [40, 0], [40, 30], [0, 30]]}],
                             size=(40, 30), id='one', name='One')
    artwork = make_artwork(np.full((30, 40, 3), 120, np.uint8))
    renderer = Mockup.Renderer(format=Mockup.Format.PNG)
    batch = renderer.render_batch(artwork, [template, template])
    assert batch.get_n_items() == batch.props.n_items == 2
    first = batch.next(None)
    assert batch.get_n_completed() >= 1 and batch.props.n_completed >= 1
    assert not batch.is_finished()
    assert first.get_index() == first.props.index == 0
    assert first.get_template_id() == first.props.template_id == 'one'
    assert first.get_template_name() == first.props.template_name == 'One'
    assert (first.get_width(), first.get_height()) == (40, 30)
    assert first.get_format() == first.props.format == Mockup.Format.PNG
    assert first.get_bytes().get_size() == first.props.bytes.get_size() > 0
    assert first.get_wait_time() == first.props.wait_time >= 0
    assert first.get_render_time() == first.props.render_time > 0
    assert first.get_resident_memory() == first.props.resident_memory > 0
    assert first.get_error() is None and first.check()
    assert pixbuf_array(first.get_pixbuf())[15, 20, 0] == 120
    assert batch.next(None).get_index() == 1
    assert batch.next(None) is None
    assert batch.is_finished()
    assert Mockup.get_peak_resident_memory() >= Mockup.get_resident_memory() > 0
