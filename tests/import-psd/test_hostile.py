# test_hostile.py: truncated, oversized, corrupt and deeply nested PSDs
# give one clear error, never a crash, a traceback or a hang
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import io
import os
import signal
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
from PIL import Image

from conftest import PSD_DIR, SOURCE_DIR
from mockup_import_psd import Options, PsdImportError, import_psd, list_layers

VALID = PSD_DIR / 'smartobject-layer.psd'


@pytest.fixture(autouse=True)
def no_hang():
    """Each test gets 120 s; an import that loops fails it instead of
    hanging the suite."""
    def expire(signum, frame):
        raise TimeoutError('the import took more than 120 s')
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def boundaries(data):
    """Where the sections of a PSD begin and end: the header, colour mode
    data, image resources, layer records, channel data, merged image."""
    out = {0, 4, 26}
    at = 26
    psb = data[4:6] == b'\0\2'
    n = 8 if psb else 4                    # section and channel lengths in a PSB

    def length(at, wide=False):
        return struct.unpack('>Q' if wide and psb else '>I', data[at:at + (n if wide else 4)])[0]
    for _ in range(2):                     # colour mode data, image resources
        out.add(at + 4)
        at += 4 + length(at)
        out.add(at)
    layer_and_mask_end = at + n + length(at, True)
    at += n
    out.add(at)
    layer_info_end = at + n + length(at, True)
    at += n
    count = abs(struct.unpack('>h', data[at:at + 2])[0])
    at += 2
    channel_lengths = []
    for _ in range(count):
        out.add(at)
        channels = struct.unpack('>H', data[at + 16:at + 18])[0]
        at += 18
        for _ in range(channels):
            channel_lengths.append(length(at + 2, True))
            at += 2 + n
        at += 12
        at += 4 + length(at)
        out.add(at)
    for n in channel_lengths:
        at += n
        out.add(at)
    out.update({layer_info_end, layer_and_mask_end, layer_and_mask_end + 2, len(data) - 1})
    return sorted(b for b in out if 0 <= b < len(data))


def expect_clear_error(path, tmp_path, *parts, options=None):
    with pytest.raises(PsdImportError) as info:
        import_psd(str(path), str(tmp_path / 'out'), options)
    message = str(info.value)
    assert message.startswith(str(path) + ': '), message
    for part in parts:
        assert part in message, message
    assert not (tmp_path / 'out').exists()
    return message


@pytest.mark.parametrize('name', ['smartobject-layer.psd', 'placedLayer.psd', 'placedLayer.psb'])
def test_truncated_at_every_section_boundary(tmp_path, name):
    data = (PSD_DIR / name).read_bytes()
    cuts = boundaries(data)
    assert len(cuts) > 12
    # and a cut every few kilobytes in between
    cuts = sorted(set(cuts) | set(range(1, len(data), 4099)))
    for cut in cuts:
        path = tmp_path / ('cut-%d.psd' % cut)
        path.write_bytes(data[:cut])
        with pytest.raises(PsdImportError) as info:
            import_psd(str(path), str(tmp_path / ('out-%d' % cut)))
        message = str(info.value)
        assert message.startswith(str(path) + ': ') and len(message.splitlines()) == 1, (cut, message)
        assert 'truncated' in message or 'not a Photoshop document' in message or 'corrupt' in message, (cut, message)
        path.unlink()


def patched(data, offset, fmt, value):
    data = bytearray(data)
    struct.pack_into('>' + fmt, data, offset, value)
    return bytes(data)


def first_layer_record(data):
    at = 26
    for _ in range(2):
        at += 4 + struct.unpack('>I', data[at:at + 4])[0]
    return at + 4 + 4 + 2


@pytest.mark.parametrize('case, parts', [
    ('wide', ['30001 × 32 pixels is outside a PSD\'s 1 to 30000 a side']),
    ('huge', ['would take about', 'MiB, more than the 4096 MiB allowed (see --memory-limit)']),
    ('channels', ['60 channels (1 to 56 allowed)']),
    ('depth', ['12 bits a channel is not a Photoshop depth']),
    ('resources', ['the image resources claims 4294967295 bytes']),
    ('layer-box', ['would take about']),
    ('layer-data', ['pixel data claim']),
    ('layer-count', ['20000 layers (at most 8192)']),
    ('signature', ['not a Photoshop document']),
    ('version', ['unknown format version 7']),
])
def test_absurd_sizes_are_refused_before_decoding(tmp_path, case, parts):
    data = VALID.read_bytes()
    record = first_layer_record(data)
    if case == 'wide':
        data = patched(data, 18, 'I', 30001)
    elif case == 'huge':
        data = patched(patched(data, 14, 'I', 30000), 18, 'I', 30000)
    elif case == 'channels':
        data = patched(data, 12, 'H', 60)
    elif case == 'depth':
        data = patched(data, 22, 'H', 12)
    elif case == 'resources':
        at = 26 + 4 + struct.unpack('>I', data[26:30])[0]
        data = patched(data, at, 'I', 0xFFFFFFFF)
    elif case == 'layer-box':
        # the first layer's box: 30000 × 30000
        data = patched(patched(data, record, 'i', 0), record + 4, 'i', 0)
        data = patched(patched(data, record + 8, 'i', 30000), record + 12, 'i', 30000)
    elif case == 'layer-data':
        data = patched(data, record + 18 + 2, 'I', 0x7FFFFFFF)
    elif case == 'layer-count':
        data = patched(data, record - 2, 'h', 20000)
    elif case == 'signature':
        data = b'GIF8' + data[4:]
    elif case == 'version':
        data = patched(data, 4, 'H', 7)
    path = tmp_path / (case + '.psd')
    path.write_bytes(data)
    expect_clear_error(path, tmp_path, *parts)


def test_memory_limit(tmp_path):
    """The limit is checked on the header: rgb-blend-modes.psd (530 × 512)
    needs about 25 MiB."""
    path = PSD_DIR / 'rgb-blend-modes.psd'
    expect_clear_error(path, tmp_path, 'more than the 16 MiB allowed (see --memory-limit)',
                       options=Options(memory_limit=16 << 20, hide=('*/Dissolve',)))
    env = dict(os.environ, PYTHONPATH=str(SOURCE_DIR / 'tools' / 'import-psd'))
    run = subprocess.run([sys.executable, '-m', 'mockup_import_psd', '--memory-limit', '16M', str(path),
                          str(tmp_path / 'cli')], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and 'more than the 16 MiB allowed' in run.stderr, run.stderr


def test_corrupt_bytes_give_errors_not_crashes(tmp_path):
    """Bytes overwritten at random places: each import succeeds or fails
    with PsdImportError, and nothing else escapes."""
    data = VALID.read_bytes()
    rng = np.random.default_rng(15)
    outcomes = {'ok': 0, 'error': 0}
    for k in range(150):
        corrupt = bytearray(data)
        for at in rng.integers(26, len(data), size=int(rng.integers(1, 8))):
            corrupt[at] = int(rng.integers(0, 256))
        path = tmp_path / 'corrupt.psd'
        path.write_bytes(bytes(corrupt))
        try:
            import_psd(str(path), str(tmp_path / ('out-%d' % k)), Options(memory_limit=512 << 20))
            outcomes['ok'] += 1
        except PsdImportError as e:
            assert str(e).startswith(str(path) + ': ')
            outcomes['error'] += 1
    assert outcomes['error'] > 0 and sum(outcomes.values()) == 150


def test_command_line_errors_without_traceback(tmp_path):
    data = VALID.read_bytes()
    env = dict(os.environ, PYTHONPATH=str(SOURCE_DIR / 'tools' / 'import-psd'))
    for cut in (30, 200, len(data) // 2):
        path = tmp_path / ('cut-%d.psd' % cut)
        path.write_bytes(data[:cut])
        for extra in ([], ['--list']):
            run = subprocess.run([sys.executable, '-m', 'mockup_import_psd', *extra, str(path), str(tmp_path / 'o')],
                                 env=env, capture_output=True, text=True, timeout=120)
            assert run.returncode == 1, (cut, run.stderr)
            assert run.stderr.startswith(str(path) + ': ') and 'Traceback' not in run.stderr, run.stderr
    run = subprocess.run([sys.executable, '-m', 'mockup_import_psd', str(tmp_path / 'missing.psd')],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and 'No such file or directory' in run.stderr


@pytest.mark.parametrize('depth, part', [(70, 'groups nest deeper than 64 levels'),
                                         (1500, 'too deeply nested')])
def test_deep_groups(generate_psd, tmp_path, depth, part):
    art = np.full((8, 8, 3), 200, np.uint8)
    spec = {'width': 64, 'height': 64, 'nest': depth,
            'layers': [{'name': 'print', 'image': art, 'transform': [8, 8, 56, 8, 56, 56, 8, 56]}]}
    path = generate_psd(spec, 'deep-%d.psd' % depth)
    expect_clear_error(path, tmp_path, part)
    with pytest.raises(PsdImportError):
        list_layers(str(path))


def test_nested_groups_within_the_limit(generate_psd, tmp_path):
    art = np.full((8, 8, 3), 200, np.uint8)
    spec = {'width': 64, 'height': 64, 'nest': 20,
            'layers': [{'name': 'print', 'image': art, 'transform': [8, 8, 56, 8, 56, 56, 8, 56]}]}
    result = import_psd(str(generate_psd(spec, 'nested.psd')), str(tmp_path / 'ok'))
    assert list(result.slots) == ['print']


def png_bomb(width, height):
    """A PNG whose header claims ``width`` × ``height`` with almost no data."""
    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xFFFFFFFF)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(b'\0' * 64)) + chunk(b'IEND', b''))


def test_oversized_embedded_content_is_not_decoded(generate_psd, tmp_path):
    """A smart object whose embedded PNG claims 60000 × 60000 pixels: the
    slot is imported, its content is not decoded."""
    spec = {'width': 64, 'height': 64,
            'layers': [{'name': 'print', 'image': Image.new('RGB', (8, 8)), 'transform': [8, 8, 56, 8, 56, 56, 8, 56],
                        'contentWidth': 8, 'contentHeight': 8}]}
    path = generate_psd(spec, 'bomb.psd')
    # swap the embedded PNG for the bomb, of the same length so that the
    # linked-file block stays valid
    data = path.read_bytes()
    buffer = io.BytesIO()
    Image.new('RGB', (8, 8)).save(buffer, 'PNG')
    original = buffer.getvalue()
    bomb = png_bomb(60000, 60000)
    assert original in data and len(bomb) <= len(original)
    bomb = bomb[:-12] + b'\0' * (len(original) - len(bomb)) + bomb[-12:] if len(bomb) < len(original) else bomb
    path.write_bytes(data.replace(original, bomb[:len(original)]))
    result = import_psd(str(path), str(tmp_path / 'out'), Options(memory_limit=256 << 20))
    assert result.slots['print']['content'] is None
    assert 'over the memory limit' in '\n'.join(result.notes) or 'cannot be decoded' in '\n'.join(result.notes)
