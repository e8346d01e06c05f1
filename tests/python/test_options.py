# test_options.py: render-time choices (template parameters, placement,
# variants) from Python, with the overrides' dict helpers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import math

import numpy as np
import pytest
from gi.repository import GLib, Mockup

from conftest import SOURCE_DIR, assert_mockup_error, pixbuf_array

CHOICES = {'navy': '#1d2a44', 'white': '#f4f4f2', 'red': '#b3202a', 'forest': '#2c5234'}


def rgb(hexcode):
    return [int(hexcode[i:i + 2], 16) for i in (1, 3, 5)]


@pytest.fixture
def shirt(make_template):
    """60 × 40: a grey photo, the shirt colour multiplied over its left
    half through a mask, a glare, and an artwork square that ``logo``
    shows or hides."""
    photo = np.full((40, 60, 3), 200, np.uint8)
    photo[:, :, 0] = np.linspace(120, 240, 60).astype(np.uint8)
    mask = np.zeros((40, 60, 3), np.uint8)
    mask[:, :30] = 255

    def make(shirt_color={'parameter': 'shirt'}, glare={'parameter': 'glare'},
             logo={'parameter': 'logo'}, folder='shirt'):
        return make_template(
            [{'type': 'image', 'source': 'photo.png'},
             {'type': 'color', 'color': shirt_color, 'blend': 'multiply', 'mask': 'mask.png'},
             {'type': 'color', 'color': '#ffffff', 'blend': 'screen', 'opacity': glare,
              'mask': {'source': 'mask.png', 'invert': True}},
             {'type': 'artwork', 'visible': logo, 'quad': [[40, 10], [55, 10], [55, 30], [40, 30]]}],
            images={'photo.png': photo, 'mask.png': mask}, folder=folder,
            parameters={
                'shirt': {'type': 'color', 'default': 'navy', 'label': 'Shirt colour', 'choices': CHOICES},
                'glare': {'type': 'number', 'default': 0.35, 'minimum': 0, 'maximum': 1},
                'logo': {'type': 'boolean', 'default': True},
                'name': {'type': 'text', 'default': 'Alex', 'max_length': 8},
            })
    return make


@pytest.fixture
def artwork(make_artwork):
    return make_artwork(np.full((40, 40, 3), 255, np.uint8))


def pixels(renderer, artwork, template, options=None, **kwargs):
    return pixbuf_array(renderer.render_full(artwork, template, options, None, **kwargs).get_pixbuf())


@pytest.fixture
def renderer():
    return Mockup.Renderer(format=Mockup.Format.PIXBUF)


def test_template_parameters(shirt):
    template = shirt()
    assert template.dup_parameter_names() == ['shirt', 'glare', 'logo', 'name']
    assert template.get_parameter('sleeves') is None

    colour = template.get_parameter('shirt')
    assert colour.get_name() == colour.props.name == 'shirt'
    assert colour.get_parameter_type() == colour.props.parameter_type == Mockup.ParameterType.COLOR
    assert colour.get_default_value() == colour.props.default_value == 'navy'
    assert colour.get_label() == colour.props.label == 'Shirt colour'
    assert colour.dup_choice_names() == list(CHOICES)
    assert [colour.get_choice_value(c) for c in CHOICES] == list(CHOICES.values())
    assert 'choices=navy,white,red,forest' in repr(colour)

    glare = template.get_parameter('glare')
    assert (glare.get_minimum(), glare.get_maximum()) == (glare.props.minimum, glare.props.maximum) == (0, 1)
    assert glare.get_label() is None
    name = template.get_parameter('name')
    assert name.get_max_length() == name.props.max_length == 8
    assert math.isinf(name.props.minimum)


def test_options_from_dicts():
    options = Mockup.RenderOptions.new_with(
        parameters={'shirt': 'navy', 'glare': 0.25, 'logo': False, 'count': 3},
        placement={'artwork': (0.1, 0.2, 0.5), 'back': {'left': 0, 'top': 0.5, 'width': 1, 'degrees': 90}})
    assert options.parameters == {'count': '3', 'glare': '0.25', 'logo': 'false', 'shirt': 'navy'}
    assert options.placement == {'artwork': (0.1, 0.2, 0.5, 0.0), 'back': (0.0, 0.5, 1.0, 90.0)}
    assert options.get_placement('back') == (True, 0.0, 0.5, 1.0, 90.0)
    assert options.get_placement('front')[0] is False

    copy = options.copy()
    options.set_parameter('shirt', None)
    options.clear_placement('back')
    assert options.dup_parameter_names() == ['count', 'glare', 'logo']
    assert options.dup_placement_slots() == ['artwork']
    assert copy.get_parameter('shirt') == 'navy'
    assert copy.dup_placement_slots() == ['artwork', 'back']

    plain = Mockup.RenderOptions.new()
    plain.set_placement('artwork', 0, 0, 1, 0)
    assert plain.dup_placement_slots() == ['artwork']

    with pytest.raises(ValueError):
        Mockup.RenderOptions.new_with({'glare': float('nan')})
    with pytest.raises(TypeError):
        Mockup.RenderOptions.new_with({'glare': [1]})
    with pytest.raises(TypeError):
        Mockup.RenderOptions.new_with(placement={'artwork': (1, 2)})
    with pytest.raises(TypeError):
        Mockup.RenderOptions.new_with(placement={'artwork': {'left': 0, 'top': 0, 'wide': 1}})


def test_colour_parameter_changes_only_the_colour_layer(shirt, artwork, renderer):
    template = shirt()
    defaults = pixels(renderer, artwork, template)
    for name, hexcode in list(CHOICES.items()) + [('#123456', '#123456')]:
        with_option = pixels(renderer, artwork, template, {'shirt': name})
        written = pixels(renderer, artwork, shirt(shirt_color=hexcode, folder='w' + hexcode[1:]))
        assert np.array_equal(with_option, written), name
        changed = np.any(with_option != defaults, axis=2)
        assert not changed[:, 30:].any(), name
        assert changed[:, :30].all() == (hexcode != CHOICES['navy']), name


def test_bad_values_name_the_parameter(shirt, artwork, renderer):
    template = shirt()
    for name, value in [('shirt', 'teal'), ('shirt', '#12'), ('glare', 'lots'), ('glare', 2),
                        ('logo', 'yes'), ('name', 'Maximilian'), ('sleeves', 'long')]:
        with pytest.raises(GLib.Error) as excinfo:
            renderer.render_full(artwork, template, parameters={name: value})
        assert_mockup_error(excinfo, Mockup.Error.INVALID_OPTION, '"%s"' % name)
    with pytest.raises(GLib.Error) as excinfo:
        renderer.render_full(artwork, template, placement={'artwork': (0, 0, -1)})
    assert_mockup_error(excinfo, Mockup.Error.INVALID_OPTION, '"artwork"', 'width')


def test_visible_and_opacity(shirt, artwork, renderer):
    template = shirt()
    hidden = pixels(renderer, artwork, template, parameters={'logo': False})
    shown = pixels(renderer, artwork, template)
    assert np.array_equal(hidden, pixels(renderer, artwork, shirt(logo=False, folder='hidden')))
    changed = np.any(hidden != shown, axis=2)
    assert changed.sum() == 15 * 20 and changed[10:30, 40:55].all()

    for glare in (0, 0.5, 1):
        assert np.array_equal(pixels(renderer, artwork, template, {'glare': glare}),
                              pixels(renderer, artwork, shirt(glare=glare, folder='g%s' % glare)))


def test_render_full_async(shirt, artwork, renderer):
    template = shirt()
    loop = GLib.MainLoop()
    got = []

    def done(source, res):
        got.append(source.render_full_finish(res))
        loop.quit()

    renderer.render_full_async(artwork, template, {'shirt': 'red'}, None, done)
    loop.run()
    assert got[0].get_variant() == got[0].props.variant == 0
    assert np.array_equal(pixbuf_array(got[0].get_pixbuf()),
                          pixels(renderer, artwork, template, {'shirt': 'red'}))


def test_batch_of_variants(shirt, artwork, renderer):
    template = shirt()
    other = shirt(folder='other')
    variants = [{'shirt': c} for c in CHOICES] + [None]
    results = list(renderer.render_batch_full(artwork, [template, other], None, variants))
    assert [(r.props.index, r.props.variant) for r in results] == \
        [(t * 5 + v, v) for t in range(2) for v in range(5)]
    for result in results:
        options = variants[result.get_variant()]
        assert np.array_equal(pixbuf_array(result.get_pixbuf()),
                              pixels(renderer, artwork, template, options))

    loop = GLib.MainLoop()
    started = []

    def on_started(source, res):
        started.append(source.render_batch_full_finish(res))
        loop.quit()

    renderer.render_batch_full_async(artwork, [template], None, [{'shirt': 'teal'}, {}],
                                     callback=on_started)
    loop.run()
    results = list(started[0])
    assert results[0].get_error().matches(Mockup.error_quark(), Mockup.Error.INVALID_OPTION)
    assert results[1].get_error() is None


def test_the_sample_tshirt_takes_every_colour(artwork):
    template = Mockup.Template.new_from_file(str(SOURCE_DIR / 'data' / 'templates' / 'tshirt' / 'template.json'))
    shirt = template.get_parameter('shirt')
    choices = shirt.dup_choice_names()
    assert len(choices) >= 6 and shirt.get_default_value() in choices
    renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF, max_size=160)
    batch = renderer.render_batch_full(artwork, [template], None, [{'shirt': c} for c in choices])
    images = [pixbuf_array(r.get_pixbuf()) for r in batch]
    assert len(images) == len(choices)
    # every colour gives a different shirt
    assert len({image.tobytes() for image in images}) == len(choices)
