# test_hostile_images.py: degenerate geometry and hostile image files
# through the public API
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os

import numpy as np
import pytest

from conftest import GLib, Mockup, assert_mockup_error, render_rgba, save_image

# A 2 × 6 mesh the parser accepts, one point moved until the cell beside it
# is a sliver: it inverts to derivatives of 1e10 (tests/c/test-sampling.c).
SLIVER_MESH = [
    [[50, 50], [90, 97.999106232076883], [250, 50], [350, 50], [450, 50], [550, 50]],
    [[50, 150], [150, 150], [250, 150], [350, 150], [450, 150], [550, 150]],
]


@pytest.mark.parametrize('linear_light', [False, True])
def test_sliver_mesh_renders(make_template, make_artwork, linear_light):
    colour = np.zeros((200, 300, 3), np.uint8)
    colour[...] = (0x33, 0x66, 0x99)
    template = make_template([{'type': 'color', 'color': '#ffffff'},
                              {'type': 'artwork', 'fit': 'stretch', 'mesh': SLIVER_MESH}],
                             size=(700, 250))
    rgba = render_rgba(template, make_artwork(colour), linear_light=linear_light)
    assert np.all(np.isfinite(rgba))
    # a cell of the untouched part shows the artwork's colour, around it white
    assert np.allclose(rgba[100, 400, :3] * 255, (0x33, 0x66, 0x99), atol=1.5)
    assert np.allclose(rgba[220, 650], 1.0)


def progressive_jpeg(size, n_scans):
    """A progressive greyscale JPEG of ``n_scans`` scans without data (see
    test_write_jpeg_scans () in tests/c/test-util.c)."""
    def marker(code, payload):
        return bytes([0xff, code]) + (len(payload) + 2).to_bytes(2, 'big') + bytes(payload)

    sof2 = [8, size >> 8, size & 0xff, size >> 8, size & 0xff, 1, 1, 0x11, 0]
    table = [1] + [0] * 15 + [0]
    data = b'\xff\xd8' + marker(0xdb, [0] + [1] * 64) + marker(0xc2, sof2)
    data += marker(0xc4, [0x00] + table + [0x10] + table)
    for scan in range(n_scans):
        if scan == 0:
            sos = [1, 1, 0, 0, 0, 0x01]
        elif scan == 1:
            sos = [1, 1, 0, 1, 63, 0x01]
        else:
            sos = [1, 1, 0, 0, 0, 0x10] if scan % 2 == 0 else [1, 1, 0, 1, 63, 0x10]
        data += marker(0xda, sos)
    return data + b'\xff\xd9'


def test_jpeg_with_too_many_scans_is_refused(tmp_path, make_template):
    template = make_template([{'type': 'color', 'color': '#ffffff'},
                              {'type': 'artwork', 'quad': [[0, 0], [64, 0], [64, 64], [0, 64]]}],
                             size=(64, 64))
    renderer = Mockup.Renderer()

    ok = tmp_path / 'ok.jpg'
    ok.write_bytes(progressive_jpeg(64, 100))
    renderer.render(Mockup.Artwork.new_from_file(str(ok)), template, None)

    bomb = tmp_path / 'bomb.jpg'
    bomb.write_bytes(progressive_jpeg(64, 101))
    artwork = Mockup.Artwork.new_from_file(str(bomb))   # the header is fine
    with pytest.raises(GLib.Error) as excinfo:
        renderer.render(artwork, template, None)
    assert_mockup_error(excinfo, Mockup.Error.INVALID_IMAGE, 'bomb.jpg', 'more than 100 scans')


@pytest.mark.parametrize('kind', ['fifo', 'folder'])
def test_artwork_that_is_not_a_file_is_refused(tmp_path, kind):
    path = tmp_path / 'artwork.png'
    if kind == 'fifo':
        os.mkfifo(path)     # no writer: opening it for reading used to block
    else:
        path.mkdir()
    with pytest.raises(GLib.Error) as excinfo:
        Mockup.Artwork.new_from_file(str(path))
    assert_mockup_error(excinfo, Mockup.Error.INVALID_IMAGE, 'artwork.png',
                        f'is a {"FIFO" if kind == "fifo" else "folder"}, not an image file')


def test_image_swapped_for_a_symlink_after_loading(tmp_path, make_template, make_artwork):
    outside = tmp_path / 'secret.png'
    save_image(outside, np.full((48, 64, 3), 200, np.uint8))
    template = make_template([{'type': 'image', 'source': 'photo.png'},
                              {'type': 'artwork', 'quad': [[4, 4], [60, 4], [60, 44], [4, 44]]}],
                             images={'photo.png': np.zeros((48, 64, 3), np.uint8)})
    artwork = make_artwork(np.zeros((8, 8, 3), np.uint8))
    photo = tmp_path / 'tpl' / 'photo.png'
    photo.unlink()
    photo.symlink_to(outside)
    with pytest.raises(GLib.Error) as excinfo:
        Mockup.Renderer().render(artwork, template, None)
    assert_mockup_error(excinfo, Mockup.Error.PATH_OUTSIDE, 'layers[0].source', 'photo.png')


# Run in a process of its own: with G_DEBUG=fatal-criticals, and with its
# own address space to measure.
FORMATS_SCRIPT = r'''
import struct, sys
import gi
gi.require_version('Mockup', '1')
from gi.repository import GLib, Mockup

def vm_peak():
    for line in open('/proc/self/status'):
        if line.startswith('VmPeak:'):
            return int(line.split()[1]) * 1024

def gif(frames):
    data = b'GIF89a' + struct.pack('<HHBBB', 10, 10, 0x80, 0, 0) + bytes(6)
    for width, height in frames:
        data += b'\x2c' + struct.pack('<HHHHB', 0, 0, width, height, 0) + b'\x02\x01\x2c\x00'
    return data + b'\x3b'

bmp = b'BM' + struct.pack('<IHHIIiiHHIIiiII', 40, 0, 0, 54, 40, 20000, 20000, 1, 24, 0, 0, 0, 0, 0, 0)[:38]
before = vm_peak()
for name, data, code in [('bomb.bmp', bmp, Mockup.Error.UNSUPPORTED),
                         ('zero-height.gif', gif([(10, 0)]), Mockup.Error.INVALID_IMAGE)]:
    try:
        Mockup.Artwork.new_from_bytes(GLib.Bytes.new(data))
        sys.exit(name + ': accepted')
    except GLib.Error as error:
        assert error.code == int(code), (name, error.message)
        print(name, error.message)
# a zero-height second frame is never decoded
artwork = Mockup.Artwork.new_from_bytes(GLib.Bytes.new(gif([(10, 10), (10, 0)])))
print('animated', artwork.get_width(), artwork.get_height())
print('grew', vm_peak() - before)
'''


def test_formats_outside_the_list_reach_no_loader(tmp_path):
    import subprocess
    import sys
    env = dict(os.environ, G_DEBUG='fatal-criticals')
    done = subprocess.run([sys.executable, '-c', FORMATS_SCRIPT], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(' ', 1) for line in done.stdout.splitlines())
    assert 'BMP' in lines['bomb.bmp'] and 'image data' in lines['bomb.bmp']
    assert 'first frame is empty' in lines['zero-height.gif']
    assert lines['animated'] == '10 10'
    # GdkPixbuf's BMP loader reserved 1.2 GB for the 40-byte header
    assert int(lines['grew']) < 64 << 20
