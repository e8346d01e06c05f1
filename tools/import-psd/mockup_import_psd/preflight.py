# preflight.py: a PSD's sizes checked before anything is decoded
#
# psd-tools reads a whole file's structure and decodes layers into float
# arrays several times the size of their pixels. A truncated or hostile
# file must fail with a clear message rather than an exception from deep
# inside the parser, an allocation of many gigabytes, or a long loop; so
# the header and the length of every section and layer record are checked
# here, with plain reads, and the memory a decode would take is estimated
# against the limit before psd-tools sees the file.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import BinaryIO

# Photoshop's own limits: 30000 pixels a side in a PSD, 300000 in a PSB.
MAX_SIDE = {1: 30000, 2: 300000}
MAX_CHANNELS = 56
MAX_LAYERS = 8192
COLOR_MODES = {0: 'Bitmap', 1: 'Grayscale', 2: 'Indexed', 3: 'RGB', 4: 'CMYK',
               7: 'Multichannel', 8: 'Duotone', 9: 'Lab'}

# psd-tools holds a composite as float32 planes: colour, shape, alpha and
# their intermediates, about 24 floats a pixel at its peak (measured on
# psd-tools 1.9 compositing an RGB document with masks); a layer's own
# arrays take 4 bytes a channel a pixel.
BYTES_PER_COMPOSITE_PIXEL = 24 * 4
BYTES_PER_LAYER_SAMPLE = 4 * 2


class PreflightError(ValueError):
    """The file is not a PSD that can be read within the limits."""


@dataclass
class LayerRecord:
    index: int
    top: int
    left: int
    bottom: int
    right: int
    channels: int
    data_length: int

    @property
    def pixels(self) -> int:
        return max(0, self.bottom - self.top) * max(0, self.right - self.left)


@dataclass
class Preflight:
    version: int            # 1: PSD, 2: PSB
    width: int
    height: int
    channels: int
    depth: int
    color_mode: int
    layers: list[LayerRecord] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return 'PSB' if self.version == 2 else 'PSD'

    @property
    def mode_name(self) -> str:
        return COLOR_MODES.get(self.color_mode, 'mode %d' % self.color_mode)

    def estimate_memory(self) -> int:
        """Bytes the import takes at its peak, roughly: a composite of the
        document, plus the largest layer decoded."""
        doc = self.width * self.height * BYTES_PER_COMPOSITE_PIXEL
        layer = max((r.pixels * max(r.channels, 1) * BYTES_PER_LAYER_SAMPLE for r in self.layers), default=0)
        return doc + layer


class _Reader:
    def __init__(self, data: BinaryIO, size: int, version: int = 1):
        self.file = data
        self.size = size
        self.version = version

    def tell(self) -> int:
        return self.file.tell()

    def read(self, n: int, what: str) -> bytes:
        data = self.file.read(n)
        if len(data) != n:
            raise PreflightError('truncated in the %s (at byte %d of %d)' % (what, self.tell(), self.size))
        return data

    def unpack(self, fmt: str, what: str):
        return struct.unpack('>' + fmt, self.read(struct.calcsize('>' + fmt), what))

    def length(self, what: str, wide: bool = False) -> int:
        """A section length (8 bytes in a PSB where ``wide``), checked
        against what is left of the file."""
        (n,) = self.unpack('Q' if wide and self.version == 2 else 'I', what)
        left = self.size - self.tell()
        if n > left:
            raise PreflightError('the %s claims %d bytes but only %d are left in the file (truncated?)'
                                 % (what, n, left))
        return n

    def skip(self, n: int, what: str) -> None:
        if n > self.size - self.tell():
            raise PreflightError('truncated in the %s' % what)
        self.file.seek(n, 1)


def check(data: BinaryIO, size: int, memory_limit: int) -> Preflight:
    """Reads the header and section lengths of the PSD or PSB in ``data``
    (``size`` bytes), and raises PreflightError for anything malformed, out
    of Photoshop's limits, or over ``memory_limit`` bytes to import."""
    r = _Reader(data, size)
    signature = r.read(4, 'header')
    if signature != b'8BPS':
        raise PreflightError('not a Photoshop document (no 8BPS signature)')
    version, = r.unpack('H', 'header')
    if version not in (1, 2):
        raise PreflightError('unknown format version %d (1 is PSD, 2 is PSB)' % version)
    r.version = version
    r.read(6, 'header')
    channels, height, width, depth, mode = r.unpack('HIIHH', 'header')
    info = Preflight(version, width, height, channels, depth, mode)
    if not 1 <= channels <= MAX_CHANNELS:
        raise PreflightError('%d channels (1 to %d allowed)' % (channels, MAX_CHANNELS))
    side = MAX_SIDE[version]
    if not (1 <= width <= side and 1 <= height <= side):
        raise PreflightError('%d × %d pixels is outside a %s\'s 1 to %d a side'
                             % (width, height, info.kind, side))
    if depth not in (1, 8, 16, 32):
        raise PreflightError('%d bits a channel is not a Photoshop depth' % depth)

    n = r.length('colour mode data')
    r.skip(n, 'colour mode data')
    n = r.length('image resources')
    r.skip(n, 'image resources')

    n = r.length('layer and mask information', wide=True)
    end = r.tell() + n
    if n > 0:
        _layers(r, info, end)
        r.file.seek(end)

    need = info.estimate_memory()
    if need > memory_limit:
        raise PreflightError('importing %d × %d pixels would take about %d MiB, more than the %d MiB '
                             'allowed (see --memory-limit)'
                             % (width, height, need >> 20, memory_limit >> 20))

    _merged_image(r, info)
    return info


def _merged_image(r: _Reader, info: Preflight) -> None:
    """The merged image must be all there: its raw size, or its RLE row
    lengths and the rows they add up to."""
    compression, = r.unpack('H', 'merged image data')
    rows = info.height * info.channels
    left = r.size - r.tell()
    if compression == 0:
        need = (info.width * info.depth + 7) // 8 * rows
        if need > left:
            raise PreflightError('the merged image needs %d bytes but only %d are left (truncated?)' % (need, left))
    elif compression == 1:
        wide = info.version == 2
        table = rows * (4 if wide else 2)
        if table > left:
            raise PreflightError('truncated in the merged image\'s row lengths')
        counts = struct.unpack('>%d%s' % (rows, 'I' if wide else 'H'), r.read(table, 'merged image'))
        if sum(counts) > left - table:
            raise PreflightError('the merged image\'s rows claim %d bytes but only %d are left (truncated?)'
                                 % (sum(counts), left - table))
    elif compression in (2, 3):
        if left == 0:
            raise PreflightError('the merged image data is missing (truncated?)')
    else:
        raise PreflightError('unknown compression %d of the merged image' % compression)


def _layers(r: _Reader, info: Preflight, end: int) -> None:
    n = r.length('layer information', wide=True)
    if n == 0:
        return
    start = r.tell()
    count, = r.unpack('h', 'layer count')
    count = abs(count)
    if count > MAX_LAYERS:
        raise PreflightError('%d layers (at most %d)' % (count, MAX_LAYERS))
    side = MAX_SIDE[info.version]
    total = 0
    for index in range(count):
        what = 'record of layer %d' % index
        top, left, bottom, right, channels = r.unpack('iiiiH', what)
        if channels > MAX_CHANNELS:
            raise PreflightError('layer %d has %d channels (at most %d)' % (index, channels, MAX_CHANNELS))
        if bottom < top or right < left or bottom - top > side or right - left > side:
            raise PreflightError('layer %d has a bounding box of %d × %d pixels, outside a %s\'s 0 to %d a side'
                                 % (index, right - left, bottom - top, info.kind, side))
        length = 0
        for _ in range(channels):
            r.read(2, what)
            (c,) = r.unpack('Q' if info.version == 2 else 'I', what)
            length += c
        signature = r.read(4, what)
        if signature not in (b'8BIM', b'8B64'):
            raise PreflightError('layer %d\'s record is corrupt (no 8BIM blend signature)' % index)
        r.read(8, what)
        extra, = r.unpack('I', what)
        if extra > end - r.tell():
            raise PreflightError('layer %d\'s extra data claims %d bytes past the end of its section' % (index, extra))
        r.skip(extra, what)
        info.layers.append(LayerRecord(index, top, left, bottom, right, channels, length))
        total += length
    left = start + n - r.tell()
    if total > left:
        raise PreflightError('the layers\' pixel data claim %d bytes but only %d are left in the section (truncated?)'
                             % (total, left))
