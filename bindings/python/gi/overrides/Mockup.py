# Mockup.py: PyGObject overrides for mockup-glib
#
# SPDX-License-Identifier: LGPL-2.1-or-later

"""Pythonic touches on top of the introspected Mockup-1 API.

* Batches are iterators: ``for result in renderer.render_batch(art, templates):``
  and context managers that cancel what is left when the block exits.
  Between results the iterator runs the batch's main context when no main
  loop does, so ``progress`` and ``notify::n-completed`` handlers fire in a
  plain loop too.
* Template lists may be plain Python sequences of ``Mockup.Template``s,
  ``Gio.File``s or paths; slot artworks a ``dict``.
* ``Template.new_from_data`` takes JSON text as ``str``, ``bytes`` or
  ``GLib.Bytes``, its folder optional; ``Artwork.new_from_bytes`` takes
  ``bytes``, ``bytearray`` or ``memoryview`` as well as ``GLib.Bytes``.
* Render-time choices as plain Python: ``RenderOptions.new_with(
  parameters={'shirt': 'navy', 'glare': 0.2}, placement={'artwork': (0.6, 0.1, 0.25)})``,
  or the same dicts straight to ``render_full``/``render_batch_full``
  (whose variants may be a list of such dicts).
* Readable ``repr()``s for every object.
"""

import math

import os

from gi.repository import GLib, GObject, Gio

from ..module import get_introspection_module
from ..overrides import override

Mockup = get_introspection_module('Mockup')

__all__ = []


def _template_model(templates):
    """A Gio.ListModel of templates from whatever the caller has."""
    if isinstance(templates, Gio.ListModel):
        return templates
    if isinstance(templates, (str, bytes, os.PathLike, Mockup.Template, Gio.File)):
        templates = [templates]
    store = Gio.ListStore.new(GObject.Object)
    for item in templates:
        if isinstance(item, (str, bytes, os.PathLike)):
            item = Gio.File.new_for_path(os.fsdecode(item))
        if not isinstance(item, (Mockup.Template, Gio.File)):
            raise TypeError('templates must be Mockup.Template, Gio.File or paths, not %s'
                            % type(item).__name__)
        store.append(item)
    return store


def _parameter_text(name, value):
    """A parameter value as RenderOptions takes it: always a string."""
    if isinstance(value, bool):          # before int: True is an int
        return 'true' if value else 'false'
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError('parameter %r: %r is not a finite number' % (name, value))
        return repr(value)
    if isinstance(value, str):
        return value
    raise TypeError('parameter %r: expected a str, a number or a bool, not %s'
                    % (name, type(value).__name__))


def _placement_values(slot, value):
    """(left, top, width, degrees) from a tuple of 3 or 4 numbers or a dict
    with those keys (degrees optional)."""
    if isinstance(value, dict):
        unknown = set(value) - {'left', 'top', 'width', 'degrees'}
        if unknown:
            raise TypeError('placement %r: unknown keys %s (left, top, width, degrees)'
                            % (slot, ', '.join(sorted(map(str, unknown)))))
        try:
            value = (value['left'], value['top'], value['width'], value.get('degrees', 0))
        except KeyError as e:
            raise TypeError('placement %r: %s is missing' % (slot, e)) from None
    value = tuple(value)
    if len(value) not in (3, 4):
        raise TypeError('placement %r: expected (left, top, width[, degrees]), got %d values'
                        % (slot, len(value)))
    return tuple(float(v) for v in value) + ((0.0,) if len(value) == 3 else ())


def _options(options=None, parameters=None, placement=None):
    """A Mockup.RenderOptions from options (a RenderOptions, a dict of
    parameters, or None) and dicts of parameters and placements added to a
    copy of it; None when there is nothing to choose."""
    if isinstance(options, dict):
        options, parameters = None, dict(options, **(parameters or {}))
    elif options is not None and not isinstance(options, Mockup.RenderOptions):
        raise TypeError('options must be a Mockup.RenderOptions or a dict of parameters, not %s'
                        % type(options).__name__)
    if not parameters and not placement:
        return options
    options = options.copy() if options is not None else Mockup.RenderOptions.new()
    for name, value in (parameters or {}).items():
        options.set_parameter(name, None if value is None else _parameter_text(name, value))
    for slot, value in (placement or {}).items():
        if value is None:
            options.clear_placement(slot)
        else:
            options.set_placement(slot, *_placement_values(slot, value))
    return options


def _size(n):
    for unit in ('B', 'KiB', 'MiB', 'GiB'):
        if n < 1024 or unit == 'GiB':
            return ('%d %s' % (n, unit)) if unit == 'B' else ('%.1f %s' % (n, unit))
        n /= 1024.0


class Renderer(Mockup.Renderer):
    def __repr__(self):
        return '<Mockup.Renderer format=%s quality=%d max_size=%d threads=%d memory_limit=%s>' % (
            self.props.format.value_nick, self.props.quality, self.props.max_size,
            self.props.threads, _size(self.props.memory_limit))

    def render_batch(self, artwork, templates, slot_artworks=None, cancellable=None):
        """Start a batch; ``templates`` may be any sequence of templates,
        files or paths, ``slot_artworks`` a dict of slot names to artworks."""
        batch = Mockup.Renderer.render_batch(self, artwork, _template_model(templates),
                                             slot_artworks, cancellable)
        # where its signals go: this thread's default main context
        batch._mockup_context = GLib.MainContext.ref_thread_default()
        return batch

    def render_batch_async(self, artwork, templates, slot_artworks=None, cancellable=None,
                           callback=None, *user_data):
        """Like ``render_batch``, calling ``callback(renderer, res, *user_data)``
        once the batch has started: ``render_batch_async(artwork, templates,
        callback=on_started)``."""
        # Without a callback nobody could ever take the batch; and with the
        # defaults, a callback given third would land in slot_artworks.
        if not callable(callback):
            raise TypeError('render_batch_async() needs a callback: '
                            'render_batch_async(artwork, templates, callback=on_started)')
        return Mockup.Renderer.render_batch_async(self, artwork, _template_model(templates),
                                                  slot_artworks, cancellable, callback,
                                                  *user_data)


    def render_full(self, artwork, template, options=None, cancellable=None, *,
                    parameters=None, placement=None):
        """Render with choices: ``options`` a ``Mockup.RenderOptions`` or a
        dict of parameters, ``parameters`` and ``placement`` dicts as
        ``RenderOptions.new_with`` takes them."""
        return Mockup.Renderer.render_full(self, artwork, template,
                                           _options(options, parameters, placement), cancellable)

    def render_full_async(self, artwork, template, options=None, cancellable=None,
                          callback=None, *user_data, parameters=None, placement=None):
        """Like ``render_full``, calling ``callback(renderer, res, *user_data)``
        when done; finish with ``render_full_finish(res)``."""
        if not callable(callback):
            raise TypeError('render_full_async() needs a callback: '
                            'render_full_async(artwork, template, options, callback=on_done)')
        return Mockup.Renderer.render_full_async(self, artwork, template,
                                                 _options(options, parameters, placement),
                                                 cancellable, callback, *user_data)

    def render_batch_full(self, artwork, templates, slot_artworks=None, variants=None,
                          cancellable=None):
        """A batch of every template in every variant, template by template:
        ``variants`` a list of ``Mockup.RenderOptions``, dicts of parameters
        or ``None`` (the defaults). ``result.props.variant`` says which."""
        batch = Mockup.Renderer.render_batch_full(self, artwork, _template_model(templates),
                                                  slot_artworks, _variants(variants), cancellable)
        batch._mockup_context = GLib.MainContext.ref_thread_default()
        return batch

    def render_batch_full_async(self, artwork, templates, slot_artworks=None, variants=None,
                                cancellable=None, callback=None, *user_data):
        """Like ``render_batch_full``, calling ``callback(renderer, res,
        *user_data)`` once the batch has started."""
        if not callable(callback):
            raise TypeError('render_batch_full_async() needs a callback: '
                            'render_batch_full_async(artwork, templates, variants=…, callback=on_started)')
        return Mockup.Renderer.render_batch_full_async(self, artwork, _template_model(templates),
                                                       slot_artworks, _variants(variants),
                                                       cancellable, callback, *user_data)


def _variants(variants):
    if variants is None:
        return None
    return [_options(v) or Mockup.RenderOptions.new() for v in variants]


Renderer = override(Renderer)
__all__.append('Renderer')


def _dispatch_ready(context):
    """Dispatch what is ready in ``context`` (the batch's ``progress`` and
    ``notify::n-completed`` among it), without waiting, unless a main loop
    runs it: one of this thread's, whose callback we may be inside (no
    re-entrance: it dispatches them once we return), or another thread's."""
    if context.is_owner() or not context.acquire():
        return
    try:
        # a few rounds: sources of a higher priority may go first
        for _ in range(4):
            if not context.iteration(False):
                break
    finally:
        context.release()


class Batch(Mockup.Batch):
    def __iter__(self):
        return self

    def __next__(self):
        result = self.next(None)
        context = getattr(self, '_mockup_context', None) or GLib.MainContext.ref_thread_default()
        _dispatch_ready(context)
        if result is None:
            raise StopIteration
        return result

    def __len__(self):
        return self.get_n_items()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if not self.is_finished():
            self.cancel()
        return False

    def __repr__(self):
        return '<Mockup.Batch %d/%d done%s>' % (
            self.get_n_completed(), self.get_n_items(),
            ', finished' if self.is_finished() else '')


Batch = override(Batch)
__all__.append('Batch')


class Result(Mockup.Result):
    def __repr__(self):
        error = self.get_error()
        if error is not None:
            return '<Mockup.Result #%d %s failed: %s>' % (
                self.get_index(), self.get_template_id(), error.message)
        data = self.get_bytes()
        return '<Mockup.Result #%d %s %d×%d %s%s>' % (
            self.get_index(), self.get_template_id(), self.get_width(), self.get_height(),
            self.get_format().value_nick,
            (' ' + _size(data.get_size())) if data is not None else '')


Result = override(Result)
__all__.append('Result')


class Template(Mockup.Template):
    @classmethod
    def new_from_data(cls, data, base_dir=None):
        """Load a manifest held in memory: JSON text as ``str``, or UTF-8
        as ``bytes``, ``bytearray``, ``memoryview`` or ``GLib.Bytes``.
        ``base_dir`` (a path) is the folder its relative paths start from."""
        if isinstance(data, str):
            data = data.encode('utf-8')
        elif isinstance(data, GLib.Bytes):
            data = data.get_data()
        elif isinstance(data, (bytes, bytearray, memoryview)):
            data = bytes(data)
        else:
            raise TypeError('new_from_data() takes JSON text as str, bytes or GLib.Bytes, not %s'
                            % type(data).__name__)
        if base_dir is not None:
            base_dir = os.fsdecode(base_dir)
        return Mockup.Template.new_from_data(data, base_dir)

    def __repr__(self):
        return '<Mockup.Template %s %r %d×%d slots=%s>' % (
            self.get_id(), self.get_name(), self.get_width(), self.get_height(),
            ','.join(self.dup_slots()))


Template = override(Template)
__all__.append('Template')


class Artwork(Mockup.Artwork):
    @classmethod
    def new_from_bytes(cls, data):
        """Load an image file held in memory: ``GLib.Bytes``, ``bytes``,
        ``bytearray`` or ``memoryview`` (copied once into a GLib.Bytes)."""
        if isinstance(data, (bytes, bytearray, memoryview)):
            data = GLib.Bytes.new(bytes(data))
        elif not isinstance(data, GLib.Bytes):
            raise TypeError('new_from_bytes() takes the bytes of an image file '
                            '(bytes or GLib.Bytes), not %s' % type(data).__name__)
        return Mockup.Artwork.new_from_bytes(data)

    def __repr__(self):
        return '<Mockup.Artwork %s %d×%d>' % (
            self.get_path() or '(in memory)', self.get_width(), self.get_height())


Artwork = override(Artwork)
__all__.append('Artwork')


class RenderOptions(Mockup.RenderOptions):
    @classmethod
    def new_with(cls, parameters=None, placement=None):
        """Options from plain Python: ``parameters`` maps names to values (a
        str, a number or a bool: ``{'shirt': 'navy', 'glare': 0.2, 'logo':
        False}``), ``placement`` maps slots to ``(left, top, width[,
        degrees])`` or ``{'left': …, 'top': …, 'width': …, 'degrees': …}``."""
        return _options(None, parameters, placement) or Mockup.RenderOptions.new()

    @property
    def parameters(self):
        """The parameters set, as a dict of their string values."""
        return {name: self.get_parameter(name) for name in self.dup_parameter_names()}

    @property
    def placement(self):
        """The placements set, as a dict of (left, top, width, degrees)."""
        placements = {}
        for slot in self.dup_placement_slots():
            placed, left, top, width, degrees = self.get_placement(slot)
            placements[slot] = (left, top, width, degrees)
        return placements

    def __repr__(self):
        return '<Mockup.RenderOptions parameters=%r placement=%r>' % (self.parameters, self.placement)


RenderOptions = override(RenderOptions)
__all__.append('RenderOptions')


class Parameter(Mockup.Parameter):
    def __repr__(self):
        extra = ''
        choices = self.dup_choice_names()
        if choices:
            extra = ' choices=%s' % ','.join(choices)
        return '<Mockup.Parameter %s %s default=%r%s>' % (
            self.get_name(), self.get_parameter_type().value_nick, self.get_default_value(), extra)


Parameter = override(Parameter)
__all__.append('Parameter')
