# test_variants.py: one template in several variants in one batch, through
# the typelib: results in order, each as the variant rendered alone
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import numpy as np
import pytest
from gi.repository import Gio, Mockup


N = 8


@pytest.fixture
def shirt(make_template):
    rng = np.random.default_rng(5)
    photo = rng.integers(0, 255, (120, 180, 3), np.uint8)
    mask = np.zeros((120, 180, 4), np.uint8)
    mask[20:100, 30:150, 3] = 200
    return make_template(
        [{'type': 'image', 'source': 'photo.jpg'},
         {'type': 'color', 'color': {'parameter': 'shirt'}, 'blend': 'multiply',
          'mask': {'source': 'mask.png', 'mode': 'alpha'}},
         {'type': 'artwork', 'quad': [[40, 30], [140, 35], [135, 100], [45, 95]],
          'shading': {'source': 'photo.jpg', 'strength': 0.4}}],
        images={'photo.jpg': photo, 'mask.png': mask}, id='shirt',
        parameters={'shirt': {'type': 'color', 'default': '#2f5f8a',
                              'choices': {'navy': '#1d2a44', 'red': '#b3202a'}}})


@pytest.fixture
def artwork(make_artwork):
    art = np.zeros((90, 60, 4), np.uint8)
    art[..., 1] = 200
    art[::4, :, 0] = 255
    art[..., 3] = 255
    return make_artwork(art)


def start(renderer, artwork, templates, variants):
    store = Gio.ListStore.new(Mockup.Template)
    for template in templates:
        store.append(template)
    return Mockup.Renderer.render_batch_full(renderer, artwork, store, None, variants, None)


def take_all(batch):
    results = []
    while True:
        result = batch.next(None)
        if result is None:
            return results
        results.append(result)


def test_variants_in_order_as_alone(shirt, artwork):
    renderer = Mockup.Renderer(format=Mockup.Format.PNG, threads=2)
    variants = [Mockup.RenderOptions.new() for _ in range(N)]
    alone = renderer.render_full(artwork, shirt, variants[0], None).get_bytes().get_data()

    results = take_all(start(renderer, artwork, [shirt], variants))
    assert [r.props.index for r in results] == list(range(N))
    assert [r.get_variant() for r in results] == list(range(N))
    assert [r.props.variant for r in results] == list(range(N))
    for result in results:
        assert result.get_error() is None
        assert result.props.template_id == 'shirt'
        assert result.get_bytes().get_data() == alone
    assert renderer.get_memory_in_use() == 0


def test_variants_of_two_templates_template_major(shirt, artwork, make_template):
    plain = make_template([{'type': 'color', 'color': '#806040'},
                           {'type': 'artwork', 'quad': [[0, 0], [50, 0], [50, 40], [0, 40]]}],
                          size=(80, 60), folder='plain', id='plain')
    renderer = Mockup.Renderer(format=Mockup.Format.JPEG, threads=1)
    variants = [Mockup.RenderOptions.new() for _ in range(3)]
    results = take_all(start(renderer, artwork, [shirt, plain], variants))
    assert [(r.props.template_id, r.get_variant()) for r in results] == \
        [('shirt', 0), ('shirt', 1), ('shirt', 2), ('plain', 0), ('plain', 1), ('plain', 2)]
    assert all(r.check() for r in results)
    assert len({r.get_bytes().get_data() for r in results[:3]}) == 1


def test_bad_variant_fails_alone(shirt, artwork):
    renderer = Mockup.Renderer(format=Mockup.Format.PNG, threads=1)
    variants = [Mockup.RenderOptions.new() for _ in range(N)]
    variants[3].set_parameter('sleeve', '#ffffff')
    alone = renderer.render_full(artwork, shirt, None, None).get_bytes().get_data()

    results = take_all(start(renderer, artwork, [shirt], variants))
    assert len(results) == N
    for i, result in enumerate(results):
        assert result.get_variant() == i
        if i == 3:
            error = result.get_error()
            assert error.matches(Mockup.Error.quark(), Mockup.Error.INVALID_OPTION), error.message
            assert 'sleeve' in error.message
            assert result.get_bytes() is None
        else:
            assert result.get_error() is None
            assert result.get_bytes().get_data() == alone
    assert renderer.get_memory_in_use() == 0


def test_cancel_variants(shirt, artwork):
    renderer = Mockup.Renderer(format=Mockup.Format.PNG, threads=1)
    variants = [Mockup.RenderOptions.new() for _ in range(16)]
    batch = start(renderer, artwork, [shirt], variants)
    first = batch.next(None)
    assert first.check()
    batch.cancel()
    with pytest.raises(Exception) as info:
        batch.next(None)
    assert 'cancel' in str(info.value).lower()
    assert batch.is_finished()
    del batch
    assert first.get_bytes() is not None


def test_colours_as_alone(shirt, artwork):
    colours = ['navy', 'red', '#f4f4f2', '#2c5234', '#9a9a9c', '#fc3', '#000', '#123456']
    renderer = Mockup.Renderer(format=Mockup.Format.PNG)
    variants = []
    for colour in colours:
        options = Mockup.RenderOptions.new()
        options.set_parameter('shirt', colour)
        variants.append(options)
    alone = [renderer.render_full(artwork, shirt, o, None).get_bytes().get_data() for o in variants]
    assert len(set(alone)) == len(colours)

    results = take_all(start(renderer, artwork, [shirt], variants))
    assert [r.get_variant() for r in results] == list(range(len(colours)))
    assert [r.get_bytes().get_data() for r in results] == alone
    assert renderer.get_memory_in_use() == 0
