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
* Readable ``repr()``s for every object.
"""

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
