# importer.py: a Photoshop smart-object mockup as a template folder
#
# The layer stack is read bottom to top. Everything below the lowest
# visible smart object is flattened into one photo; every smart object
# becomes an artwork slot; every layer above becomes an image overlay with
# its blend mode, opacity, mask and clipping. What a template cannot
# express exactly is flattened where that is correct and otherwise refused
# with the layer's name and the feature: an imported template must render
# as Photoshop does, or not at all.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

from __future__ import annotations

import fnmatch
import io
import json
import logging
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

import numpy as np
from PIL import Image, ImageDraw

from . import geometry, preflight
from .geometry import GeometryError, Placement

# psd-tools logs what it cannot composite at WARNING; the importer reports
# those layers itself.
logging.getLogger('psd_tools').setLevel(logging.ERROR)

from psd_tools import PSDImage  # noqa: E402
from psd_tools.api.layers import AdjustmentLayer, Artboard, FillLayer, SmartObjectLayer  # noqa: E402
from psd_tools.composite import composite as psd_composite, paste  # noqa: E402
from psd_tools.composite.vector import draw_vector_mask, draw_solid_color_fill  # noqa: E402
from psd_tools.constants import BlendMode, ColorMode, Resource, Tag  # noqa: E402

DEFAULT_MEMORY_LIMIT = 4096 << 20
MAX_GROUP_DEPTH = 64
MAX_NAME = 128

BLENDS = {
    BlendMode.NORMAL: 'normal',
    BlendMode.MULTIPLY: 'multiply',
    BlendMode.SCREEN: 'screen',
    BlendMode.OVERLAY: 'overlay',
    BlendMode.DARKEN: 'darken',
    BlendMode.LIGHTEN: 'lighten',
    BlendMode.COLOR_DODGE: 'color-dodge',
    BlendMode.COLOR_BURN: 'color-burn',
    BlendMode.HARD_LIGHT: 'hard-light',
    BlendMode.SOFT_LIGHT: 'soft-light',
    BlendMode.DIFFERENCE: 'difference',
    BlendMode.EXCLUSION: 'exclusion',
    BlendMode.HUE: 'hue',
    BlendMode.SATURATION: 'saturation',
    BlendMode.COLOR: 'color',
    BlendMode.LUMINOSITY: 'luminosity',
    BlendMode.LINEAR_BURN: 'linear-burn',
    BlendMode.LINEAR_DODGE: 'linear-dodge',
    BlendMode.DARKER_COLOR: 'darker-color',
    BlendMode.LIGHTER_COLOR: 'lighter-color',
    BlendMode.VIVID_LIGHT: 'vivid-light',
    BlendMode.LINEAR_LIGHT: 'linear-light',
    BlendMode.PIN_LIGHT: 'pin-light',
    BlendMode.HARD_MIX: 'hard-mix',
    BlendMode.SUBTRACT: 'subtract',
    BlendMode.DIVIDE: 'divide',
}

# Photoshop applies fill opacity inside these modes' formulas rather than
# as a plain weight: below 100 % it is not the same as opacity.
SPECIAL_FILL_MODES = {BlendMode.COLOR_BURN, BlendMode.LINEAR_BURN, BlendMode.COLOR_DODGE,
                      BlendMode.LINEAR_DODGE, BlendMode.LINEAR_LIGHT, BlendMode.VIVID_LIGHT,
                      BlendMode.HARD_MIX, BlendMode.DIFFERENCE}

IMAGE_CONTENT_TYPES = {'png', 'jpg', 'jpeg', 'jpe', 'tif', 'tiff', 'gif', 'bmp', 'webp'}
PSD_CONTENT_TYPES = {'8bps', '8bpb', 'psd', 'psb'}


class PsdImportError(Exception):
    """The document cannot be imported. ``problems`` lists every reason,
    each naming the layer and the feature."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__('\n'.join('%s: %s' % (path, p) for p in problems))


@dataclass
class Options:
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    hide: tuple[str, ...] = ()          # layer paths or names (globs) left out as if hidden
    contents: bool = True               # write each slot's own content to contents/


@dataclass
class Entry:
    """One layer of the document and what it becomes."""
    layer: Any
    path: str
    depth: int
    kind: str
    role: str = ''          # photo, slot, overlay, group, hidden, flattened-group, (problem)
    detail: str = ''
    problems: list[str] = field(default_factory=list)
    parents: tuple = ()
    clip_base: Optional['Entry'] = None
    slot: Optional[str] = None
    placement: Optional[Placement] = None
    shape: Optional[dict] = None


@dataclass
class Result:
    """What an import wrote."""
    manifest: dict
    folder: str
    slots: dict[str, dict]          # slot → {'layer', 'content', 'quad' | 'mesh', 'size', 'placement'}
    entries: list[Entry]
    notes: list[str]


def slot_names(names: Iterable[str]) -> list[str]:
    """Slot names for layer names in bottom-to-top order: lower-cased,
    every run of characters other than a–z and 0–9 made one "-", trimmed
    of "-"; "artwork" for a name with none left; "-2", "-3"… added to
    repeats."""
    out: list[str] = []
    seen: dict[str, int] = {}
    taken: set[str] = set()
    for name in names:
        base = re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')[:MAX_NAME - 4].strip('-') or 'artwork'
        n = seen.get(base, 0) + 1
        candidate = base if n == 1 else '%s-%d' % (base, n)
        while candidate in taken:
            n += 1
            candidate = '%s-%d' % (base, n)
        seen[base] = n
        taken.add(candidate)
        out.append(candidate)
    return out


def _file_slug(name: str) -> str:
    return re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')[:40] or 'layer'


def _id_for(path: str) -> str:
    stem = os.path.splitext(os.path.basename(path))[0]
    ident = re.sub(r'[^A-Za-z0-9._-]+', '-', stem).strip('-')[:MAX_NAME]
    return ident or 'template'


def _describe(entry: Entry) -> str:
    return 'layer "%s"' % entry.path


# --- opening ---------------------------------------------------------------

def open_document(path: str, memory_limit: int) -> tuple[PSDImage, preflight.Preflight]:
    """Checks and parses a PSD or PSB; raises PsdImportError with one
    clear line for anything unreadable."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise PsdImportError(path, [e.strerror or str(e)])
    if not stat.S_ISREG(st.st_mode):
        raise PsdImportError(path, ['not a regular file'])
    try:
        with open(path, 'rb') as f:
            info = preflight.check(f, st.st_size, memory_limit)
            f.seek(0)
            psd = PSDImage.open(f)
    except preflight.PreflightError as e:
        raise PsdImportError(path, [str(e)])
    except OSError as e:
        raise PsdImportError(path, [e.strerror or str(e)])
    except (MemoryError, RecursionError) as e:
        raise PsdImportError(path, ['too large or too deeply nested to read (%s)' % type(e).__name__])
    except Exception as e:  # psd-tools raises many kinds on corrupt input
        raise PsdImportError(path, ['corrupt %s: %s' % ('PSB' if path.lower().endswith('.psb') else 'PSD',
                                                          _short(e))])
    return psd, info


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else ''
    return '%s%s' % (type(e).__name__, ': ' + text[:200] if text else '')


# --- reading the layer tree ------------------------------------------------

def _kind(layer) -> str:
    if isinstance(layer, Artboard):
        return 'artboard'
    if isinstance(layer, AdjustmentLayer):
        return 'adjustment (%s)' % layer.kind
    if isinstance(layer, FillLayer):
        return 'fill (%s)' % layer.kind
    return {'smartobject': 'smart object', 'pixel': 'pixels', 'type': 'text'}.get(layer.kind, layer.kind)


def _fill_opacity(layer) -> int:
    return int(layer.tagged_blocks.get_data(Tag.BLEND_FILL_OPACITY, 255))


def _feature_problems(layer) -> list[str]:
    """What about a layer neither the manifest nor psd-tools' compositing
    reproduces: the same list whether the layer is flattened or kept."""
    problems = []
    if layer.blend_mode == BlendMode.DISSOLVE:
        problems.append('the "dissolve" blend mode (random pixels) cannot be reproduced')
    if layer.has_effects():
        names = sorted({type(e).__name__ for e in layer.effects if e.enabled})
        problems.append('layer effects (%s) cannot be expressed; rasterize the layer style in Photoshop '
                        '(Layer › Rasterize › Layer Style)' % ', '.join(names))
    if layer.has_mask() and not layer.mask.disabled:
        params = layer.mask.parameters
        if params is not None and (params.user_mask_feather or params.vector_mask_feather):
            problems.append('a feathered mask cannot be expressed; apply the feather to the mask in Photoshop')
        if layer.mask.flags.invert_mask:
            problems.append('a mask inverted when blending (a legacy option) cannot be expressed')
    if (layer.has_vector_mask() and not layer.vector_mask.disabled and layer.has_pixels()
            and layer.kind in ('pixel', 'smartobject')):
        problems.append('a vector mask on a %s layer cannot be expressed; rasterize the vector mask'
                        % ('smart object' if layer.kind == 'smartobject' else 'pixel'))
    if int(layer.tagged_blocks.get_data(Tag.KNOCKOUT_SETTING, 0) or 0):
        problems.append('knockout cannot be expressed')
    ranges = layer._record.blending_ranges
    if ranges is not None and ranges.composite_ranges is not None:
        default = (0, 65535)
        if any(tuple(r) != default for r in ranges.composite_ranges) or any(
                tuple(r) != default for channel in (ranges.channel_ranges or []) for r in channel):
            problems.append('"Blend If" ranges cannot be expressed')
    if layer.blend_mode in SPECIAL_FILL_MODES and _fill_opacity(layer) < 255:
        problems.append('fill opacity below 100 %% in the %s mode blends differently from opacity in Photoshop '
                        'and cannot be expressed' % BLENDS[layer.blend_mode])
    if isinstance(layer, AdjustmentLayer):
        problems.append('an adjustment layer cannot be reproduced (neither by a template nor by flattening with '
                        'psd-tools); merge it into the layers below it in Photoshop')
    if isinstance(layer, FillLayer) and not layer.has_pixels() and (
            Tag.GRADIENT_FILL_SETTING in layer.tagged_blocks or Tag.PATTERN_FILL_SETTING in layer.tagged_blocks):
        problems.append('a gradient or pattern fill layer without pixels cannot be drawn exactly; rasterize it')
    if isinstance(layer, SmartObjectLayer):
        if any(tag in layer.tagged_blocks for tag in (Tag.FILTER_EFFECTS1, Tag.FILTER_EFFECTS2,
                                                      Tag.FILTER_EFFECTS3, Tag.FILTER_MASK)):
            problems.append('smart filters cannot be expressed')
    return problems


def _descendants(group) -> Iterable:
    stack = [iter(group)]
    while stack:
        for layer in stack[-1]:
            yield layer
            if layer.is_group():
                stack.append(iter(layer))
            break
        else:
            stack.pop()


def _hidden_by_option(path: str, name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(path, p) or fnmatch.fnmatchcase(name, p) for p in patterns)


class _Walker:
    def __init__(self, psd: PSDImage, options: Options):
        self.psd = psd
        self.options = options
        self.entries: list[Entry] = []      # every layer, for --list
        self.leaves: list[Entry] = []       # visible units, bottom to top
        self.hidden_ids: set[int] = set()
        self.problems: list[str] = []

    def walk(self, group, depth: int = 0, prefix: str = '', parents: tuple = ()) -> None:
        if depth > MAX_GROUP_DEPTH:
            raise PsdImportError('', ['groups nest deeper than %d levels' % MAX_GROUP_DEPTH])
        for layer in group:
            name = layer.name.replace('\x00', '')
            path = prefix + name
            entry = Entry(layer, path, depth, _kind(layer), parents=parents)
            self.entries.append(entry)
            if not layer.visible or _hidden_by_option(path, name, self.options.hide):
                entry.role = 'hidden'
                entry.detail = 'left out' if layer.visible else 'hidden: left out'
                self.hidden_ids.add(id(layer))
                for d in (_descendants(layer) if layer.is_group() else ()):
                    self.hidden_ids.add(id(d))
                if layer.is_group():
                    self._list_hidden(layer, depth + 1, path + '/')
                continue
            if layer.is_group():
                if self._transparent_group(layer, entry):
                    entry.role = 'group'
                    self.walk(layer, depth + 1, path + '/', parents + (entry,))
                    continue
                entry.role = 'flattened-group'
                self.leaves.append(entry)
                self._list_hidden(layer, depth + 1, path + '/', inside=True)
                continue
            self.leaves.append(entry)

    def _list_hidden(self, group, depth: int, prefix: str, inside: bool = False) -> None:
        if depth > MAX_GROUP_DEPTH:
            raise PsdImportError('', ['groups nest deeper than %d levels' % MAX_GROUP_DEPTH])
        for layer in group:
            name = layer.name.replace('\x00', '')
            entry = Entry(layer, prefix + name, depth, _kind(layer))
            entry.role = 'inside' if inside and layer.visible else 'hidden'
            entry.detail = 'drawn into its group' if entry.role == 'inside' else 'hidden: left out'
            if not layer.visible:
                self.hidden_ids.add(id(layer))
            self.entries.append(entry)
            if layer.is_group():
                self._list_hidden(layer, depth + 1, prefix + name + '/', inside and layer.visible)

    def _transparent_group(self, group, entry: Entry) -> bool:
        """Whether a group changes nothing by being a group, so that its
        layers can be taken one by one: pass-through (or normal around
        layers that are all normal), full opacity, no mask, no effects."""
        if isinstance(group, Artboard):
            background = group.tagged_blocks.get_data(Tag.ARTBOARD_DATA1) or {}
            kind = background.get(b'artboardBackgroundType', 3) if hasattr(background, 'get') else 3
            if kind != 3:
                entry.problems.append('an artboard with a background colour cannot be expressed; set its '
                                      'background to transparent')
            return True
        if group.opacity < 255:
            return False
        if group.has_mask() and not group.mask.disabled:
            return False
        if group.has_vector_mask() and not group.vector_mask.disabled:
            return False
        if group.has_effects() or group.clipping_layer or group.has_clip_layers():
            return False
        if group.blend_mode == BlendMode.PASS_THROUGH:
            return True
        if group.blend_mode == BlendMode.NORMAL:
            return all(d.blend_mode in (BlendMode.NORMAL, BlendMode.PASS_THROUGH) and not d.clipping_layer
                       for d in _descendants(group) if d.is_visible())
        return False


# --- pixels ------------------------------------------------------------------

def _to_rgb(color: np.ndarray) -> np.ndarray:
    if color.shape[2] == 1:
        return np.repeat(color, 3, axis=2)
    return color[:, :, :3]


def _leaf_pixels(layer, viewbox) -> tuple[np.ndarray, np.ndarray]:
    """A layer's own colour and alpha on the canvas, as floats in [0, 1]:
    without its mask, opacity or fill opacity, which the manifest carries."""
    height, width = viewbox[3] - viewbox[1], viewbox[2] - viewbox[0]
    if layer.has_pixels():
        color = layer.numpy('color')
        shape = layer.numpy('shape')
        bbox = layer.bbox
    elif Tag.SOLID_COLOR_SHEET_SETTING in layer.tagged_blocks:
        bbox = viewbox
        color, shape = draw_solid_color_fill(viewbox, layer.tagged_blocks.get_data(Tag.SOLID_COLOR_SHEET_SETTING))
    else:
        color = shape = None
        bbox = layer.bbox
    if color is None:
        return np.zeros((height, width, 3), np.float32), np.zeros((height, width, 1), np.float32)
    if shape is None:
        shape = np.ones(color.shape[:2] + (1,), np.float32)
    color = paste(viewbox, bbox, _to_rgb(color), 1.0)
    shape = paste(viewbox, bbox, shape)
    if not layer.has_pixels() and layer.has_vector_mask() and not layer.vector_mask.disabled:
        shape = shape * paste(viewbox, layer._psd.viewbox, draw_vector_mask(layer))
    return color, shape


def _user_mask(layer, viewbox) -> Optional[np.ndarray]:
    """The layer mask on the canvas, 0 hides and 1 shows, or None."""
    if not layer.has_mask() or layer.mask.disabled:
        return None
    mask = layer.numpy('mask')
    background = layer.mask.background_color / 255.0
    if mask is None:
        if background >= 1.0:
            return None
        height, width = viewbox[3] - viewbox[1], viewbox[2] - viewbox[0]
        return np.full((height, width, 1), background, np.float32)
    canvas = paste(viewbox, layer.mask.bbox, mask, background)
    params = layer.mask.parameters
    density = getattr(params, 'user_mask_density', None) if params is not None else None
    if density is not None and density < 255:
        canvas = 1.0 - (density / 255.0) * (1.0 - canvas)
    return canvas


def _to8(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values * 255.0), 0, 255).astype(np.uint8)


class _Colour:
    """The document's colour space to sRGB."""

    def __init__(self, psd: PSDImage, path: str):
        self.transform = None
        self.profile_name = None
        icc = None
        if Resource.ICC_PROFILE in psd.image_resources:
            icc = psd.image_resources.get_data(Resource.ICC_PROFILE)
        if not icc:
            return
        from PIL import ImageCms
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        except (OSError, ImageCms.PyCMSError) as e:
            raise PsdImportError(path, ['the embedded ICC profile is corrupt (%s)' % e])
        description = (ImageCms.getProfileDescription(profile) or '').strip()
        self.profile_name = description
        if 'sRGB' in description and 'linear' not in description.lower():
            return
        mode = 'L' if psd.color_mode == ColorMode.GRAYSCALE else 'RGB'
        try:
            self.transform = ImageCms.buildTransform(profile, ImageCms.createProfile('sRGB'), mode, 'RGB',
                                                     ImageCms.Intent.RELATIVE_COLORIMETRIC)
            self.mode = mode
        except ImageCms.PyCMSError as e:
            raise PsdImportError(path, ['the embedded ICC profile "%s" cannot be converted to sRGB (%s)'
                                        % (description, e)])

    def image(self, color: np.ndarray, alpha: Optional[np.ndarray]) -> Image.Image:
        """A PIL image in sRGB of float colour (H, W, 1 or 3) and alpha."""
        rgb8 = _to8(_to_rgb(color))
        if self.transform is not None:
            from PIL import ImageCms
            source = Image.fromarray(rgb8[:, :, 0], 'L') if self.mode == 'L' else Image.fromarray(rgb8, 'RGB')
            rgb8 = np.asarray(ImageCms.applyTransform(source, self.transform))
        if alpha is None:
            return Image.fromarray(rgb8, 'RGB')
        a8 = _to8(alpha[:, :, 0])
        if a8.min() == 255:
            return Image.fromarray(rgb8, 'RGB')
        return Image.fromarray(np.dstack([rgb8, a8]), 'RGBA')


def _mask_image(mask: np.ndarray) -> Image.Image:
    return Image.fromarray(_to8(mask[:, :, 0]), 'L')


def _shape_coverage(shape: dict, width: int, height: int, supersample: int = 4) -> np.ndarray:
    """The area a slot's shape covers on the canvas, (H, W, 1) in [0, 1],
    antialiased by supersampling."""
    if 'quad' in shape:
        outline = np.array(shape['quad'], float)
    else:
        mesh = np.array(shape['mesh'], float)
        rows, cols = mesh.shape[:2]
        n = 32
        t = np.linspace(0, 1, (max(rows, cols) - 1) * n + 1)
        z, o = np.zeros_like(t), np.ones_like(t)
        outline = np.concatenate([geometry.mesh_eval(mesh, t, z), geometry.mesh_eval(mesh, o, t),
                                  geometry.mesh_eval(mesh, t[::-1], o), geometry.mesh_eval(mesh, z, t[::-1])])
    image = Image.new('L', (width * supersample, height * supersample), 0)
    ImageDraw.Draw(image).polygon([tuple(p) for p in (outline * supersample)], fill=255)
    small = image.resize((width, height), Image.Resampling.BOX)
    return (np.asarray(small, np.float32) / 255.0)[:, :, None]


# --- smart objects -----------------------------------------------------------

def _unit_values(value) -> list[float]:
    return [float(v) for v in getattr(value, 'values', value)]


def _placement(layer) -> tuple[Placement, str]:
    """A smart object's placement, and a few words on its shape."""
    config = layer.smart_object._config.data
    size = config.get(b'Sz  ')
    corners = config.get(b'nonAffineTransform') or config.get(b'Trnf')
    if corners is None or size is None:
        raise GeometryError('the smart object has no placement (Trnf) or content size (Sz)')
    corners = [float(v) for v in corners]
    if len(corners) != 8 or not all(np.isfinite(corners)) or max(abs(c) for c in corners) > geometry.MAX_COORDINATE:
        raise GeometryError('the placement %r is not four points within the canvas\'s reach' % (corners,))
    quad = tuple((corners[2 * i], corners[2 * i + 1]) for i in range(4))
    width, height = float(size[b'Wdth']), float(size[b'Hght'])
    warp = config.get(b'warp')
    bounds = (0.0, 0.0, width, height)
    mesh = None
    if warp is not None:
        if b'bounds' in warp:
            b = warp[b'bounds']
            bounds = (float(b[b'Left']), float(b[b'Top ']), float(b[b'Rght']), float(b[b'Btom']))
        style = warp[b'warpStyle'].enum if b'warpStyle' in warp else b'warpNone'
        if style == b'warpCustom':
            custom = warp.get(b'customEnvelopeWarp')
            if custom is None:
                raise GeometryError('a custom warp without its mesh points')
            if b'quiltSliceX' in custom or b'quiltSliceY' in custom or \
                    int(warp.get(b'uOrder', 4)) != 4 or int(warp.get(b'vOrder', 4)) != 4:
                raise GeometryError('a split ("quilt") warp with more than one Bézier patch cannot be expressed')
            points = custom[b'meshPoints']
            xs, ys = _unit_values(points[b'Hrzn']), _unit_values(points[b'Vrtc'])
            if len(xs) != 16 or len(ys) != 16:
                raise GeometryError('a custom warp of %d points instead of 16' % len(xs))
            mesh = np.stack([np.array(xs).reshape(4, 4), np.array(ys).reshape(4, 4)], axis=-1)
            if not np.isfinite(mesh).all():
                raise GeometryError('a custom warp with points that are not numbers')
            if geometry.warp_is_identity(mesh, bounds):
                mesh = None
        elif style != b'warpNone':
            raise GeometryError('the preset warp "%s" cannot be expressed; convert it to a custom warp '
                                '(Edit › Transform › Warp, then Custom)' % style.decode('ascii', 'replace'))
    placement = Placement(bounds, quad, mesh)
    return placement, 'warp' if mesh is not None else 'quad'


def _slot_shape(placement: Placement) -> tuple[dict, str]:
    if placement.warp is None:
        if not geometry.is_convex(placement.quad) or geometry.quad_area(placement.quad) < 1.0:
            raise GeometryError('the placement\'s corners do not form a convex quadrilateral of at least one '
                                'square pixel')
        return {'quad': [[round(x, 4), round(y, 4)] for x, y in placement.quad]}, 'quad'
    mesh = geometry.sample_mesh(placement.surface)
    fold = geometry.mesh_folds(mesh)
    if fold is not None:
        raise GeometryError('the warp folds over itself (near row %d, column %d of %d × %d points)'
                            % (fold[0], fold[1], mesh.shape[0], mesh.shape[1]))
    if np.abs(mesh).max() > geometry.MAX_COORDINATE:
        raise GeometryError('the warp reaches beyond ±1000000 pixels')
    rounded = np.round(mesh, 3)
    return ({'mesh': rounded.tolist()}, 'mesh %d × %d' % (mesh.shape[0], mesh.shape[1]))


def _linked_file(layer, folder: str) -> Optional[str]:
    """The path of a linked smart object's file inside ``folder`` (the
    PSD's), or None. Only the file's relative path and its name are tried,
    never its absolute path, and never a path that leads out."""
    data = layer.smart_object._data
    linked = getattr(data, 'linked_file', None) or {}
    candidates = []
    for key in (b'relPath',):
        value = linked.get(key) if hasattr(linked, 'get') else None
        if value is not None:
            candidates.append(str(getattr(value, 'value', value)).replace('\x00', ''))
    candidates.append(layer.smart_object.filename)
    real_folder = os.path.realpath(folder)
    for candidate in candidates:
        if not candidate or os.path.isabs(candidate) or candidate.startswith('~'):
            candidate = os.path.basename(candidate or '')
            if not candidate:
                continue
        full = os.path.realpath(os.path.join(real_folder, candidate))
        if os.path.commonpath([full, real_folder]) != real_folder:
            continue
        if os.path.isfile(full):
            return full
    return None


def _content_bytes(layer, folder: str) -> tuple[Optional[bytes], str]:
    so = layer.smart_object
    try:
        kind = so.kind
    except AttributeError:
        return None, 'its linked data is missing from the document'
    if kind == 'data':
        return bytes(so._data.data), ''
    if kind == 'external':
        path = _linked_file(layer, folder)
        if path is None:
            return None, 'the linked file "%s" is not in the PSD\'s folder' % so.filename
        with open(path, 'rb') as f:
            return f.read(), ''
    return None, 'a linked "%s" smart object has no data to read' % kind


def _sniff(data: bytes) -> Optional[str]:
    """The kind of an embedded file by its first bytes."""
    signatures = ((b'\x89PNG', 'png'), (b'\xff\xd8\xff', 'jpg'), (b'8BPS', '8bps'), (b'GIF8', 'gif'),
                  (b'II*\0', 'tif'), (b'MM\0*', 'tif'), (b'BM', 'bmp'))
    for signature, kind in signatures:
        if data.startswith(signature):
            return kind
    if data[:4] == b'RIFF' and data[8:12] == b'WEBP':
        return 'webp'
    return None


def _decode_content(data: bytes, filetype: str, memory_limit: int) -> Optional[Image.Image]:
    filetype = filetype.strip().lower()
    if filetype in PSD_CONTENT_TYPES or data[:4] == b'8BPS':
        info = preflight.check(io.BytesIO(data), len(data), memory_limit)
        inner = PSDImage.open(io.BytesIO(data))
        if inner.color_mode not in (ColorMode.RGB, ColorMode.GRAYSCALE):
            raise ValueError('an embedded %s document cannot be converted' % info.mode_name)
        image = inner.topil() if inner.has_preview() else inner.composite()
        return image.convert('RGBA') if image is not None else None
    image = Image.open(io.BytesIO(data))
    if image.width * image.height * 16 > memory_limit:
        raise ValueError('%d × %d pixels is over the memory limit' % image.size)
    image.load()
    return image.convert('RGBA')


# --- the import --------------------------------------------------------------

@dataclass
class _Plan:
    psd: PSDImage
    info: preflight.Preflight
    walker: _Walker
    lowest: int
    slots: list[Entry]


def _plan(path: str, options: Options) -> _Plan:
    psd, info = open_document(path, options.memory_limit)
    problems: list[str] = []
    if psd.color_mode not in (ColorMode.RGB, ColorMode.GRAYSCALE):
        problems.append('a %s document cannot be imported: its blend modes work in %s values, which a template '
                        '(sRGB) cannot reproduce; convert it to RGB in Photoshop (Image › Mode › RGB Color)'
                        % (info.mode_name, info.mode_name))
    if psd.depth not in (8, 16):
        problems.append('%d bits a channel cannot be imported (8 and 16 can); convert it in Photoshop '
                        '(Image › Mode › 8 or 16 Bits/Channel)' % psd.depth)
    if problems:
        raise PsdImportError(path, problems)

    walker = _Walker(psd, options)
    try:
        walker.walk(psd)
    except PsdImportError as e:
        raise PsdImportError(path, e.problems)
    except RecursionError:
        raise PsdImportError(path, ['groups nest too deeply to read'])

    leaves = walker.leaves
    # clipping: each clipped unit and the layer it clips to, as psd-tools
    # pairs them; a layer clipped to a hidden one is hidden with it
    clip_base = {}
    for layer in psd.descendants():
        for clipped in getattr(layer, 'clip_layers', None) or ():
            clip_base[id(clipped)] = layer
    entry_of = {id(e.layer): e for e in walker.entries}
    for entry in list(leaves):
        base_layer = clip_base.get(id(entry.layer)) if entry.layer.clipping_layer else None
        if base_layer is None:
            continue
        base_entry = entry_of.get(id(base_layer))
        if base_entry is None or base_entry.role == 'hidden':
            entry.role = 'hidden'
            entry.detail = 'clipped to a hidden layer: left out'
            walker.hidden_ids.add(id(entry.layer))
            leaves.remove(entry)
            continue
        if base_entry.role == 'group':
            entry.problems.append('clipped to the group "%s", which cannot be expressed' % base_entry.path)
        entry.clip_base = base_entry

    slots = [e for e in leaves if isinstance(e.layer, SmartObjectLayer)]
    if not slots:
        raise PsdImportError(path, ['no visible smart object: a template needs at least one place for artwork'])
    lowest = leaves.index(slots[0])

    for index, entry in enumerate(leaves):
        layer = entry.layer
        below = index < lowest and not (entry.role == 'flattened-group' and _contains_smart_object(layer))
        entry.problems.extend(_feature_problems(layer))
        if entry.role == 'flattened-group':
            for d in _descendants(layer):
                if d.is_visible() and id(d) not in walker.hidden_ids:
                    for p in _feature_problems(d):
                        entry.problems.append('inside it, layer "%s": %s' % (d.name, p))
            if _contains_smart_object(layer):
                entry.problems.append('a smart object inside a group with its own blend mode, opacity, mask or '
                                      'effects cannot be expressed; set the group to pass-through at 100 %% '
                                      'without a mask, or merge the group')
            elif layer.blend_mode == BlendMode.PASS_THROUGH and not below and any(
                    d.blend_mode not in (BlendMode.NORMAL, BlendMode.PASS_THROUGH)
                    for d in _descendants(layer) if d.is_visible()):
                entry.problems.append('a pass-through group with opacity or a mask around layers in other blend '
                                      'modes cannot be expressed above a smart object')
        if below:
            entry.role = 'photo'
            entry.detail = 'flattened into the photo'
            continue
        if isinstance(layer, SmartObjectLayer):
            entry.role = 'slot'
            try:
                entry.placement, how = _placement(layer)
                entry.shape, how = _slot_shape(entry.placement)
                entry.detail = how
            except GeometryError as e:
                entry.problems.append(str(e))
            if entry.clip_base is not None:
                _check_clip_base(entry)
            continue
        if entry.role != 'flattened-group':
            entry.role = 'overlay'
        if entry.clip_base is not None:
            _check_clip_base(entry)

    names = slot_names(e.layer.name.replace('\x00', '') for e in slots)
    for entry, name in zip(slots, names):
        entry.slot = name
    return _Plan(psd, info, walker, lowest, slots)


def _contains_smart_object(group) -> bool:
    return any(isinstance(d, SmartObjectLayer) and d.is_visible() for d in _descendants(group))


def _check_clip_base(entry: Entry) -> None:
    base = entry.clip_base.layer
    if base.blend_mode != BlendMode.NORMAL or base.opacity < 255:
        entry.problems.append('clipped to layer "%s", whose blend mode or opacity (%s, %d %%) would apply to the '
                              'clipping group; only a normal base at 100 %% can be expressed'
                              % (entry.clip_base.path, BLENDS.get(base.blend_mode, base.blend_mode.name.lower()),
                                 round(base.opacity / 2.55)))
    if entry.clip_base.role == 'flattened-group' or base.is_group():
        entry.problems.append('clipped to the group "%s", which cannot be expressed' % entry.clip_base.path)


def _problems_of(plan: _Plan) -> list[str]:
    out = []
    for entry in plan.walker.entries:
        for p in entry.problems:
            out.append('%s: %s' % (_describe(entry), p))
    return out


def list_layers(path: str, options: Optional[Options] = None) -> tuple[list[str], list[str]]:
    """The layer tree, one line a layer with what it becomes, and the
    problems that would stop an import."""
    options = options or Options()
    plan = _guarded(path, lambda: _plan(path, options))
    lines = []
    for entry in plan.walker.entries:
        layer = entry.layer
        what = entry.role
        if entry.role == 'slot':
            what = 'slot "%s" (%s)' % (entry.slot, entry.detail or 'placement unreadable')
        elif entry.role == 'group':
            what = 'group: its layers are taken one by one'
        elif entry.role in ('overlay', 'flattened-group'):
            what = 'overlay' if entry.role == 'overlay' else 'overlay (the group flattened)'
        elif entry.role in ('photo', 'hidden', 'inside'):
            what = entry.detail
        attrs = []
        if entry.role in ('overlay', 'flattened-group', 'slot'):
            blend = BLENDS.get(layer.blend_mode, 'normal' if layer.blend_mode == BlendMode.PASS_THROUGH
                               else layer.blend_mode.name.lower())
            if blend != 'normal':
                attrs.append(blend)
            opacity = layer.opacity * (_fill_opacity(layer) if not layer.is_group() else 255) / 255.0
            if opacity < 255:
                attrs.append('%g %%' % round(opacity / 2.55, 1))
            if layer.has_mask() and not layer.mask.disabled:
                attrs.append('masked')
            if entry.clip_base is not None:
                attrs.append('clipped to "%s"' % entry.clip_base.path)
        line = '%s%s [%s] → %s%s' % ('  ' * entry.depth, entry.path.rsplit('/', 1)[-1] if entry.depth else entry.path,
                                     entry.kind, what, (' (%s)' % ', '.join(attrs)) if attrs else '')
        for p in entry.problems:
            line += '\n%s  ✗ %s' % ('  ' * entry.depth, p)
        lines.append(line)
    return lines, _problems_of(plan)


def _guarded(path: str, call: Callable):
    """Runs ``call``, turning whatever psd-tools raises on a corrupt file
    into one clear PsdImportError."""
    try:
        return call()
    except PsdImportError:
        raise
    except (MemoryError, RecursionError) as e:
        raise PsdImportError(path, ['too large or too deeply nested to decode (%s)' % type(e).__name__])
    except Exception as e:
        raise PsdImportError(path, ['corrupt or unsupported data: %s' % _short(e)])


def import_psd(path: str, folder: str, options: Optional[Options] = None) -> Result:
    """Imports the PSD or PSB at ``path`` into the template folder
    ``folder`` (created; it must be empty or not exist). Raises
    PsdImportError naming every layer it cannot import and why; nothing
    is left in ``folder`` then."""
    options = options or Options()
    created = not os.path.exists(folder)
    was_empty = not created and os.path.isdir(folder) and not os.listdir(folder)
    try:
        return _guarded(path, lambda: _import(path, folder, options))
    except PsdImportError:
        if created and os.path.isdir(folder):
            shutil.rmtree(folder, ignore_errors=True)
        elif was_empty:
            for name in os.listdir(folder):
                target = os.path.join(folder, name)
                shutil.rmtree(target, ignore_errors=True) if os.path.isdir(target) else os.unlink(target)
        raise


def _import(path: str, folder: str, options: Options) -> Result:
    plan = _plan(path, options)
    problems = _problems_of(plan)
    if problems:
        raise PsdImportError(path, [p for p in problems])

    psd = plan.psd
    viewbox = psd.viewbox
    width, height = psd.width, psd.height
    colour = _Colour(psd, path)
    leaves = plan.walker.leaves
    notes: list[str] = []

    if os.path.exists(folder):
        if not os.path.isdir(folder) or os.listdir(folder):
            raise PsdImportError(path, ['the output folder "%s" exists and is not empty' % folder])
    else:
        os.makedirs(folder)

    layers: list[dict] = []

    def save(name: str, image: Image.Image) -> None:
        # written at once: a document's overlays together could be large
        image.save(os.path.join(folder, name), compress_level=6)

    # the photo: psd-tools composites what lies below the lowest slot
    below = leaves[:plan.lowest]
    if below:
        keep = set()
        for entry in below:
            keep.add(id(entry.layer))
            keep.update(id(p.layer) for p in entry.parents)
            if entry.layer.is_group():
                keep.update(id(d) for d in _descendants(entry.layer) if id(d) not in plan.walker.hidden_ids)
        hidden = plan.walker.hidden_ids

        def photo_filter(layer) -> bool:
            return id(layer) in keep and id(layer) not in hidden and layer.visible

        color, _, alpha = psd_composite(psd, color=1.0, alpha=0.0, viewport=viewbox, layer_filter=photo_filter)
        save('photo.png', colour.image(color, alpha))
        layers.append({'type': 'image', 'name': 'photo', 'source': 'photo.png',
                       '_comment': 'the %d layer(s) below the lowest smart object, flattened' % len(below)})

    slot_info: dict[str, dict] = {}
    coverage_cache: dict[int, np.ndarray] = {}

    def coverage_of(entry: Entry) -> np.ndarray:
        """What a clip base lets through: its own alpha and mask (the
        slot's shape for a smart object)."""
        key = id(entry)
        if key not in coverage_cache:
            if isinstance(entry.layer, SmartObjectLayer):
                cover = _shape_coverage(entry.shape, width, height)
            else:
                _, cover = _leaf_pixels(entry.layer, viewbox)
            mask = _user_mask(entry.layer, viewbox)
            if mask is not None:
                cover = cover * mask
            coverage_cache[key] = cover
        return coverage_cache[key]

    number = 0
    for entry in leaves[plan.lowest:]:
        layer = entry.layer
        number += 1
        stem = '%02d-%s' % (number, _file_slug(layer.name))
        blend = BLENDS.get(layer.blend_mode, 'normal')
        opacity = layer.opacity / 255.0
        if not layer.is_group():
            opacity *= _fill_opacity(layer) / 255.0
        mask = _user_mask(layer, viewbox)
        if entry.clip_base is not None:
            clip = coverage_of(entry.clip_base)
            mask = clip if mask is None else mask * clip

        if entry.role == 'slot':
            placement = entry.placement
            left, top, right, bottom = placement.bounds
            aspect = (right - left) / (bottom - top)
            if not 0.01 <= aspect <= 100:
                raise PsdImportError(path, ['%s: the content\'s aspect ratio %g is outside 0.01 to 100'
                                            % (_describe(entry), aspect)])
            item = {'type': 'artwork', 'name': layer.name.replace('\x00', ''), 'slot': entry.slot}
            item.update(entry.shape)
            item.update({'fit': 'cover', 'aspect': round(aspect, 6)})
            content_file = None
            if options.contents:
                content_file, why = _write_content(entry, path, folder, options)
                if content_file is None:
                    notes.append('%s: its content was not exported: %s' % (_describe(entry), why))
            slot_info[entry.slot] = {'layer': entry.path, 'content': content_file,
                                     'size': (right - left, bottom - top), 'placement': placement,
                                     **entry.shape}
        else:
            if entry.role == 'flattened-group':
                color, _, alpha = psd_composite(layer, color=1.0, alpha=0.0, viewport=viewbox,
                                                layer_filter=lambda l: l.is_visible() and
                                                id(l) not in plan.walker.hidden_ids)
            else:
                color, alpha = _leaf_pixels(layer, viewbox)
            if float(alpha.max()) <= 0.0:
                notes.append('%s: left out, it has no pixels' % _describe(entry))
                continue
            name = 'overlay-%s.png' % stem
            save(name, colour.image(color, alpha))
            item = {'type': 'image', 'name': layer.name.replace('\x00', ''), 'source': name}
        if blend != 'normal':
            item['blend'] = blend
        if opacity < 1.0:
            item['opacity'] = round(opacity, 4)
        if mask is not None and float(mask.min()) < 1.0:
            mask_name = 'mask-%s.png' % stem
            save(mask_name, _mask_image(mask))
            item['mask'] = mask_name
        layers.append(item)

    manifest = {
        'format': 1,
        'id': _id_for(path),
        'name': os.path.splitext(os.path.basename(path))[0],
        'size': [width, height],
        '_comment': 'imported from %s by mockup-import-psd' % os.path.basename(path),
        'layers': layers,
    }
    with open(os.path.join(folder, 'template.json'), 'w', encoding='utf-8') as f:
        f.write(dump_manifest(manifest))
    return Result(manifest, folder, slot_info, plan.walker.entries, notes)


def dump_manifest(manifest: dict) -> str:
    """The manifest as JSON for people: a layer a few lines, a point
    per [x, y], a mesh row a line."""
    def compact(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(', ', ': '))

    lines = ['{']
    members = [(k, v) for k, v in manifest.items() if k != 'layers']
    for key, value in members:
        lines.append('  %s: %s,' % (compact(key), compact(value)))
    lines.append('  "layers": [')
    for i, layer in enumerate(manifest['layers']):
        parts = []
        for key, value in layer.items():
            if key == 'mesh':
                rows = ',\n'.join('      ' + compact(row) for row in value)
                parts.append('%s: [\n%s\n    ]' % (compact(key), rows))
            else:
                parts.append('%s: %s' % (compact(key), compact(value)))
        lines.append('    { ' + ',\n      '.join(parts) + ' }' + (',' if i + 1 < len(manifest['layers']) else ''))
    lines.append('  ]')
    lines.append('}')
    return '\n'.join(lines) + '\n'


def _write_content(entry: Entry, path: str, folder: str, options: Options) -> tuple[Optional[str], str]:
    layer = entry.layer
    try:
        data, why = _content_bytes(layer, os.path.dirname(os.path.abspath(path)))
        if data is None:
            return None, why
        filetype = _sniff(data) or layer.smart_object.filetype.strip().lower()
        if filetype not in IMAGE_CONTENT_TYPES and filetype not in PSD_CONTENT_TYPES:
            return None, 'a "%s" file (vector or other) cannot be rendered here' % filetype
        image = _decode_content(data, filetype, options.memory_limit)
    except (preflight.PreflightError, ValueError) as e:
        return None, str(e)
    except Exception as e:  # a corrupt embedded file must not stop the import
        return None, 'it cannot be decoded (%s)' % _short(e)
    if image is None:
        return None, 'it is empty'
    os.makedirs(os.path.join(folder, 'contents'), exist_ok=True)
    name = 'contents/%s.png' % entry.slot
    image.save(os.path.join(folder, name))
    return name, ''
