# test_batch.py: batches from Python: iteration, main loop, slots, errors
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import threading

import numpy as np
import pytest
from PIL import Image
from gi.repository import Gio, GLib, Mockup

from conftest import assert_mockup_error, decode, pixbuf_array


@pytest.fixture
def templates(tmp_path):
    """Eight manifests in their own folders; the sixth is malformed JSON and
    the seventh names a photo that is not there."""
    paths = []
    for i in range(8):
        folder = tmp_path / ('t%d' % i)
        folder.mkdir()
        Image.new('RGB', (240, 160), (40 + 20 * i, 90, 120)).save(folder / 'photo.jpg', quality=90)
        manifest = {'format': 1, 'name': 'Template %d' % i,
                    'layers': [{'type': 'image', 'source': 'photo.jpg' if i != 6 else 'lost.jpg'},
                               {'type': 'artwork', 'quad': [[20 + i, 20], [200, 25], [195, 140], [25, 135]]}]}
        text = json.dumps(manifest) if i != 5 else '{"format": 1, "layers": ['
        (folder / 'template.json').write_text(text)
        paths.append(str(folder / 'template.json'))
    return paths


@pytest.fixture
def artwork(tmp_path):
    art = np.zeros((200, 150, 4), np.uint8)
    art[..., 0] = 250
    art[..., 3] = 255
    Image.fromarray(art).save(tmp_path / 'art.png')
    return Mockup.Artwork.new_from_file(str(tmp_path / 'art.png'))


def test_for_loop_in_order(templates, artwork):
    renderer = Mockup.Renderer(threads=2)
    batch = renderer.render_batch(artwork, templates)
    assert len(batch) == 8
    seen = []
    for result in batch:
        seen.append(result.props.index)
        if result.props.index == 5:
            assert result.get_error().matches(Mockup.error_quark(), Mockup.Error.INVALID_TEMPLATE)
            with pytest.raises(GLib.Error):
                result.check()
            assert 'failed' in repr(result)
        elif result.props.index == 6:
            error = result.get_error()
            assert error.code == Mockup.Error.NOT_FOUND
            assert 'layers[0].source' in error.message and 'lost.jpg' in error.message
        else:
            assert result.get_error() is None
            assert result.props.template_id == 't%d' % result.props.index
            assert result.props.template_name == 'Template %d' % result.props.index
            assert decode(result.get_bytes()).size == (240, 160)
            assert result.props.wait_time >= 0 and result.props.render_time > 0
    assert seen == list(range(8))
    assert batch.is_finished()
    assert renderer.get_memory_in_use() == 0


def test_main_loop_callbacks(templates, artwork):
    renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF, max_size=120)
    loop = GLib.MainLoop()
    got, progress = [], []

    def on_next(batch, res):
        result = batch.next_finish(res)
        if result is None:
            loop.quit()
            return
        got.append(result)
        batch.next_async(None, on_next)

    def on_started(renderer, res):
        batch = renderer.render_batch_finish(res)
        batch.connect('progress', lambda b, i, n, name: progress.append((i, n, name)))
        batch.next_async(None, on_next)

    renderer.render_batch_async(artwork, templates, None, None, on_started)
    GLib.timeout_add_seconds(60, loop.quit)
    loop.run()

    assert [r.props.index for r in got] == list(range(8))
    ok = [r for r in got if r.get_error() is None]
    assert len(ok) == 6
    for result in ok:
        pixbuf = result.get_pixbuf()
        assert (pixbuf.get_width(), pixbuf.get_height()) == (120, 80)
        # the red artwork is in the middle
        assert pixbuf_array(pixbuf)[40, 60, 0] > 200
    # signals arrive in this thread's main loop; let it run dry
    while GLib.MainContext.default().iteration(False):
        pass
    # none is missed (events wait until the batch is handed over), and
    # templates start in order, the broken ones included
    assert [i for i, _, _ in progress] == list(range(8))
    assert all(n == 8 for _, n, _ in progress)
    assert progress[0][2] == 'Template 0'


def test_progress_in_a_plain_loop(templates, artwork):
    # no main loop runs: the iterator dispatches the batch's events between
    # results, so handlers fire, each before the result it concerns
    renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF, max_size=60, threads=2)
    batch = renderer.render_batch(artwork, templates)
    started, completed = [], []
    batch.connect('progress', lambda b, i, n, name: started.append((i, n, name)))
    batch.connect('notify::n-completed', lambda b, pspec: completed.append(b.props.n_completed))
    for result in batch:
        k = result.get_index()
        assert k in [i for i, _, _ in started]
        assert completed and completed[-1] >= k + 1
        # and without any handler: the result's index says how far it is
        assert (k + 1, len(batch)) == (result.props.index + 1, 8)
    assert [i for i, _, _ in started] == list(range(8))
    assert started[3] == (3, 8, 'Template 3')
    assert completed[-1] == 8 and completed == sorted(completed)


def test_plain_loop_inside_a_main_loop(templates, artwork):
    # inside a main loop's callback the iterator does not run the loop's
    # context again (no re-entrance): the events wait for the loop
    renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF, max_size=60)
    loop = GLib.MainLoop()
    started, during, kept = [], [], []

    def run_batch():
        batch = renderer.render_batch(artwork, templates)
        batch.connect('progress', lambda b, i, n, name: started.append(i))
        for result in batch:
            during.append(len(started))
        # a batch's events go with it: keep it until they are out, ahead
        # of this idle (they have the default priority)
        kept.append(batch)
        GLib.idle_add(loop.quit)
        return GLib.SOURCE_REMOVE

    GLib.idle_add(run_batch)
    GLib.timeout_add_seconds(60, loop.quit)
    loop.run()
    assert len(during) == 8 and set(during) == {0}
    assert started == list(range(8))


def test_render_batch_async_defaults(templates, artwork):
    # slot_artworks and cancellable default to None, as for render_batch
    renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF, max_size=60)
    loop = GLib.MainLoop()
    started = []

    def on_started(renderer, res, *user_data):
        started.append((renderer.render_batch_finish(res), user_data))
        loop.quit()

    timeout = GLib.timeout_add_seconds(60, loop.quit)
    renderer.render_batch_async(artwork, templates[:2], callback=on_started)
    loop.run()
    # positionally, with user data, as before
    renderer.render_batch_async(artwork, templates[2], None, None, on_started, 'data')
    loop.run()
    GLib.source_remove(timeout)

    [(first, first_data), (second, second_data)] = started
    assert [r.props.index for r in first] == [0, 1]
    assert first_data == ()
    assert [r.props.template_id for r in second] == ['t2']
    assert second_data == ('data',)

    with pytest.raises(TypeError, match='callback'):
        renderer.render_batch_async(artwork, templates)
    with pytest.raises(TypeError, match='callback'):
        renderer.render_batch_async(artwork, templates, on_started)


def test_slots_dict(make_template, tmp_path):
    template = make_template([
        {'type': 'artwork', 'slot': 'left', 'fit': 'stretch', 'quad': [[0, 0], [40, 0], [40, 40], [0, 40]]},
        {'type': 'artwork', 'slot': 'right', 'fit': 'stretch', 'quad': [[40, 0], [80, 0], [80, 40], [40, 40]]},
    ], size=(80, 40))
    Image.new('RGB', (30, 30), (0, 255, 0)).save(tmp_path / 'g.png')
    Image.new('RGB', (30, 30), (255, 0, 255)).save(tmp_path / 'm.png')
    green = Mockup.Artwork.new_from_file(str(tmp_path / 'g.png'))
    magenta = Mockup.Artwork.new_from_file(str(tmp_path / 'm.png'))
    renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF)

    (result,) = list(renderer.render_batch(None, [template], {'left': green, 'right': magenta}))
    pixels = pixbuf_array(result.get_pixbuf())
    assert tuple(pixels[20, 20, :3]) == (0, 255, 0)
    assert tuple(pixels[20, 60, :3]) == (255, 0, 255)

    # one artwork for all, with one slot overridden
    (result,) = list(renderer.render_batch(green, [template], {'right': magenta}))
    pixels = pixbuf_array(result.get_pixbuf())
    assert tuple(pixels[20, 20, :3]) == (0, 255, 0)
    assert tuple(pixels[20, 60, :3]) == (255, 0, 255)

    # a slot nobody filled
    (result,) = list(renderer.render_batch(None, [template], {'left': green}))
    assert result.get_error().code == Mockup.Error.MISSING_SLOT
    assert '"right"' in result.get_error().message


def test_context_manager_cancels(templates, artwork):
    renderer = Mockup.Renderer()
    with renderer.render_batch(artwork, templates) as batch:
        first = next(batch)
        assert first.props.index == 0
    assert batch.is_finished()
    with pytest.raises(GLib.Error) as excinfo:
        batch.next(None)
    assert excinfo.value.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)


def test_cancellable_stops_batch(templates, artwork):
    cancellable = Gio.Cancellable()
    renderer = Mockup.Renderer()
    batch = renderer.render_batch(artwork, templates, None, cancellable)
    next(batch)
    cancellable.cancel()
    with pytest.raises(GLib.Error):
        next(batch)
    for _ in range(500):
        if renderer.get_memory_in_use() == 0:
            break
        GLib.usleep(10000)
    assert renderer.get_memory_in_use() == 0


def test_threads_share_a_renderer(templates, artwork):
    renderer = Mockup.Renderer(memory_limit=32 << 20, max_size=200)
    good = templates[:5]
    outcome = {}

    def user(n):
        outcome[n] = [r.props.index for r in renderer.render_batch(artwork, good) if r.check()]

    threads = [threading.Thread(target=user, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcome == {n: [0, 1, 2, 3, 4] for n in range(4)}


def test_bad_template_list_items(artwork):
    renderer = Mockup.Renderer()
    with pytest.raises(TypeError):
        renderer.render_batch(artwork, [42])


def test_kept_artwork_counted_in_the_budget(templates, artwork):
    """A server that keeps decoded artworks between batches counts them in
    the renderer's budget: renders then wait for room, not exceed it."""
    renderer = Mockup.Renderer(memory_limit=64 << 20, max_size=200)
    assert artwork.get_decoded_size() == 0
    assert [r.check() for r in renderer.render_batch(artwork, templates[:2])] == [True, True]
    decoded = artwork.get_decoded_size()
    # the 150 × 200 artwork, shrunk to what a 200-pixel mockup shows, and its
    # filtered levels: at most a third more than the base level
    assert 0 < decoded <= 150 * 200 * 4 * 4 // 3 + 4096

    renderer.charge_memory(decoded)
    assert renderer.get_memory_in_use() == decoded
    # charged memory is held already: over the limit is allowed, not waited for
    renderer.charge_memory(128 << 20)
    assert renderer.get_memory_in_use() == decoded + (128 << 20)

    # a batch waits while the budget is full, and runs once it is released
    cancellable = Gio.Cancellable()
    started = []
    renderer.render_batch_async(artwork, templates[:1], None, cancellable,
                                lambda r, res: started.append(r.render_batch_finish(res)))
    context = GLib.MainContext.default()
    for _ in range(20):
        context.iteration(False)
        GLib.usleep(5000)
    assert started == []
    # what it waits for is visible, for a program to give charged memory back
    assert renderer.get_memory_pending() > 0
    renderer.release_memory(128 << 20)
    while not started:
        context.iteration(True)
    assert [r.check() for r in started[0]] == [True]
    assert renderer.get_memory_pending() == 0
    renderer.release_memory(decoded)
    assert renderer.get_memory_in_use() == 0
