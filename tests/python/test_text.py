# test_text.py: text layers through the typelib, against PangoCairo
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import gi
gi.require_version('Pango', '1.0')
gi.require_version('PangoCairo', '1.0')

import cairo
import numpy as np
import pytest
from gi.repository import GLib, Mockup, Pango, PangoCairo

from conftest import SOURCE_DIR, pixbuf_array

W, H = 300, 100
FLAT = [[0, 0], [W, 0], [W, H], [0, H]]


def pango_reference(text, font, size, width, height, align='center', valign=0.5):
    """The text as the template format says a text layer draws it, black
    on white: grey antialiasing, no hinting, unrounded positions."""
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, width, height)
    cr = cairo.Context(surface)
    cr.set_source_rgb(1, 1, 1)
    cr.paint()
    layout = PangoCairo.create_layout(cr)
    context = layout.get_context()
    options = cairo.FontOptions()
    options.set_antialias(cairo.ANTIALIAS_GRAY)
    options.set_hint_style(cairo.HINT_STYLE_NONE)
    options.set_hint_metrics(cairo.HINT_METRICS_OFF)
    PangoCairo.context_set_font_options(context, options)
    context.set_round_glyph_positions(False)
    layout.context_changed()
    description = Pango.FontDescription.from_string(font)
    description.set_absolute_size(size * height * Pango.SCALE)
    layout.set_font_description(description)
    layout.set_alignment({'left': Pango.Alignment.LEFT, 'center': Pango.Alignment.CENTER,
                          'right': Pango.Alignment.RIGHT}[align])
    layout.set_text(text, -1)
    _, logical = layout.get_extents()
    x = {'left': 0, 'center': 0.5, 'right': 1}[align] * (width - logical.width / Pango.SCALE)
    x -= logical.x / Pango.SCALE
    y = valign * (height - logical.height / Pango.SCALE) - logical.y / Pango.SCALE
    cr.set_source_rgb(0, 0, 0)
    cr.move_to(x, y)
    PangoCairo.show_layout(cr, layout)
    surface.flush()
    data = np.frombuffer(surface.get_data(), np.uint8).reshape(height, surface.get_stride())
    return data[:, :width * 4].reshape(height, width, 4)[..., 1].astype(float)   # green (BGRx)


def render_grey(template, make_artwork, options=None):
    renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF)
    artwork = make_artwork(np.full((4, 4, 3), 128, np.uint8))
    result = renderer.render_full(artwork, template, options, None)
    return pixbuf_array(result.get_pixbuf())[..., 1].astype(float)


@pytest.mark.parametrize('align', ['left', 'center', 'right'])
@pytest.mark.parametrize('valign', [('top', 0), ('center', 0.5), ('bottom', 1)])
def test_flat_text_is_pangos(make_template, make_artwork, align, valign):
    template = make_template([{'type': 'text', 'text': 'Hello, Wörld', 'font': 'DejaVu Serif Italic',
                               'size': 0.35, 'align': align, 'valign': valign[0], 'quad': FLAT}],
                             size=(W, H), background='#ffffff')
    got = render_grey(template, make_artwork)
    want = pango_reference('Hello, Wörld', 'DejaVu Serif Italic', 0.35, W, H, align, valign[1])
    assert (255 - want).sum() > 255 * 500           # there is text
    assert np.abs(got - want).max() <= 2, np.abs(got - want).max()


def test_parameter_sets_the_text(make_template, make_artwork):
    layers = [{'type': 'text', 'text': {'parameter': 'name'}, 'size': 0.5, 'font': 'DejaVu Sans',
               'quad': FLAT}]
    template = make_template(layers, size=(W, H), background='#ffffff',
                             parameters={'name': {'type': 'text', 'default': 'Alex', 'max_length': 16}})
    options = Mockup.RenderOptions()
    options.set_parameter('name', 'Zoë')
    got = render_grey(template, make_artwork, options)
    want = pango_reference('Zoë', 'DejaVu Sans', 0.5, W, H)
    assert np.abs(got - want).max() <= 2
    # the default is another picture
    assert np.abs(render_grey(template, make_artwork) - want).max() > 100

    options.set_parameter('name', 'x' * 17)
    with pytest.raises(GLib.Error) as excinfo:
        render_grey(template, make_artwork, options)
    assert excinfo.value.matches(Mockup.error_quark(), Mockup.Error.INVALID_OPTION)
    assert 'name' in excinfo.value.message


@pytest.mark.parametrize('member, value, where', [
    ('font', '', 'layers[0].font'),
    ('size', 1e9, 'layers[0].size'),
    ('size', -0.1, 'layers[0].size'),
    ('wrap', 'wide', 'layers[0].wrap'),
    ('text', 'x' * 5000, 'layers[0].text'),
    ('outline', {'colour': '#000'}, 'layers[0].outline'),
    ('slot', 'elsewhere', 'layers[0]'),
])
def test_bad_members_name_file_and_member(make_template, member, value, where):
    layer = {'type': 'text', 'text': 'Alex', 'quad': FLAT, member: value}
    with pytest.raises(GLib.Error) as excinfo:
        make_template([layer], size=(W, H))
    assert excinfo.value.matches(Mockup.error_quark(), Mockup.Error.INVALID_TEMPLATE)
    assert 'template.json: ' + where in excinfo.value.message, excinfo.value.message


def test_mug_sample_names_follow_the_cylinder(make_artwork):
    template = Mockup.Template.new_from_file(str(SOURCE_DIR / 'data/templates/mug/template.json'))
    assert template.get_parameter('name').get_default_value() == 'Alex'
    renderer = Mockup.Renderer(format=Mockup.Format.PIXBUF, max_size=600)
    artwork = make_artwork(np.full((64, 64, 3), 40, np.uint8))
    alex = pixbuf_array(renderer.render_full(artwork, template, None, None).get_pixbuf())
    options = Mockup.RenderOptions()
    options.set_parameter('name', 'Samantha')
    options.set_parameter('name_color', 'gold')
    sam = pixbuf_array(renderer.render_full(artwork, template, options, None).get_pixbuf())
    changed = np.abs(alex.astype(int) - sam.astype(int)).max(axis=2) > 40
    ys, xs = np.nonzero(changed)
    assert len(xs) > 200
    # only within the print, on the mug's lower part
    assert xs.min() > 0.25 * alex.shape[1] and xs.max() < 0.75 * alex.shape[1]
    assert ys.min() > 0.5 * alex.shape[0]
