# test_jpeg_passthrough.py: JPEG renders that code again only the blocks
# they change (Mockup.Renderer:jpeg-passthrough), through the typelib
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import io

import numpy as np
import pytest
from PIL import Image

from conftest import Mockup, decode

W, H = 480, 320
QUAD = [[150, 100], [330, 110], [320, 230], [160, 220]]
# the MCUs (16 pixels) around the quad's box, with its antialiased edge
BOX = (128, 96, 352, 240)


def photo(mode='RGB', quality=94, **save):
    y, x = np.mgrid[0:H, 0:W]
    rng = np.random.default_rng(3)
    rgb = np.stack([120 + 80 * np.sin(x * 0.03), 110 + 70 * np.cos(y * 0.025),
                    90 + 40 * np.sin((x + y) * 0.02)], axis=2)
    rgb = np.clip(rgb + rng.integers(-3, 4, rgb.shape), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgb).convert(mode).save(buf, 'JPEG', quality=quality, subsampling='4:2:0', **save)
    return buf.getvalue()


@pytest.fixture
def template(tmp_path):
    def make(data, layers=None, parameters=None):
        (tmp_path / 'photo.jpg').write_bytes(data)
        import json
        manifest = {'format': 1, 'layers': [{'type': 'image', 'source': 'photo.jpg'}] +
                    (layers if layers is not None else [{'type': 'artwork', 'quad': QUAD}])}
        if parameters is not None:
            manifest['parameters'] = parameters
        (tmp_path / 'template.json').write_text(json.dumps(manifest))
        return Mockup.Template.new_from_file(str(tmp_path / 'template.json'))
    return make


@pytest.fixture
def artwork(make_artwork):
    art = np.zeros((200, 200, 4), np.uint8)
    art[..., 0] = np.linspace(0, 255, 200)[None, :]
    art[..., 1] = 40
    art[..., 2] = np.linspace(255, 0, 200)[:, None]
    art[..., 3] = 255
    return make_artwork(art)


def render_bytes(template, artwork, **props):
    result = Mockup.Renderer(**props).render(artwork, template, None)
    return bytes(result.get_bytes().get_data())


def pixels(data):
    return np.asarray(decode(data).convert('RGB')).astype(np.float64)


def psnr(a, b):
    mse = ((a - b) ** 2).mean()
    return float('inf') if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def test_default_is_auto():
    renderer = Mockup.Renderer()
    assert renderer.props.jpeg_passthrough is True
    renderer.props.jpeg_passthrough = False
    assert renderer.get_jpeg_passthrough() is False
    renderer.set_jpeg_passthrough(True)
    assert renderer.props.jpeg_passthrough is True


def test_outside_the_print_is_the_photo(template, artwork):
    data = photo()
    tpl = template(data)
    out = render_bytes(tpl, artwork, quality=94)
    today = render_bytes(tpl, artwork, quality=94, jpeg_passthrough=False)

    # the photo's tables, so the photo's blocks
    assert decode(out).quantization == decode(data).quantization
    got, original, full = pixels(out), pixels(data), pixels(today)
    x0, y0, x1, y1 = BOX
    outside = np.ones((H, W), bool)
    # one more MCU: chroma upsampling reads the neighbouring block
    outside[y0 - 16:y1 + 16, x0 - 16:x1 + 16] = False
    assert psnr(got[outside], original[outside]) == float('inf')
    # today's path codes every pixel again
    assert psnr(full[outside], original[outside]) < float('inf')
    # inside, what today's path makes
    assert psnr(got[y0:y1, x0:x1], full[y0:y1, x0:x1]) >= 45
    # and the print is there
    assert abs(got[165, 240] - original[165, 240]).sum() > 60


def test_progressive_stays_progressive(template, artwork):
    data = photo(progressive=True)
    out = render_bytes(template(data), artwork, quality=90)
    image = decode(out)
    assert image.info.get('progressive') or image.info.get('progression')
    assert image.quantization == decode(data).quantization


@pytest.mark.parametrize('case', ['grey', 'quality-above-photo', 'never', 'scaled', 'full-frame'])
def test_fallbacks_are_todays_path(template, artwork, case):
    props = {'quality': 90}
    layers = None
    data = photo()
    if case == 'grey':
        data = photo(mode='L')
    elif case == 'quality-above-photo':
        props['quality'] = 97
    elif case == 'never':
        props['jpeg_passthrough'] = False
    elif case == 'scaled':
        props['max_size'] = 240
    elif case == 'full-frame':
        layers = [{'type': 'color', 'color': '#203040', 'opacity': 0.2}]
    tpl = template(data, layers)
    out = render_bytes(tpl, artwork, **props)
    props['jpeg_passthrough'] = False
    assert out == render_bytes(tpl, artwork, **props)
    assert decode(out).quantization != decode(data).quantization


@pytest.mark.parametrize('cut', [0.5, 0.8])
def test_truncated_photo_is_an_error(template, artwork, cut):
    data = photo()
    tpl = template(data[:int(len(data) * cut)])
    with pytest.raises(Exception) as excinfo:
        render_bytes(tpl, artwork, quality=90)
    assert 'photo.jpg' in excinfo.value.message


def test_later_renders_of_a_template_are_the_same(template, tmp_path, make_artwork):
    # the first render leaves the photo's band starts with the template;
    # later ones skip the untouched bands with them and must give what a
    # fresh template gives, whatever the artwork
    blue = np.zeros((90, 60, 4), np.uint8)
    blue[..., 2] = 230
    blue[..., 3] = 255
    orange = blue.copy()
    orange[..., 0], orange[..., 2] = 240, 30
    a = make_artwork(blue, 'blue.png')
    b = make_artwork(orange, 'orange.png')
    data = photo()
    tpl = template(data)
    first = render_bytes(tpl, a, quality=94)
    second = render_bytes(tpl, b, quality=94)
    third = render_bytes(tpl, a, quality=94)
    assert first == third
    assert second != first
    fresh = Mockup.Template.new_from_file(str(tmp_path / 'template.json'))
    assert render_bytes(fresh, b, quality=94) == second
    # still the photo outside the print
    got, original = pixels(second), pixels(data)
    x0, y0, x1, y1 = BOX
    outside = np.ones((H, W), bool)
    outside[y0 - 16:y1 + 16, x0 - 16:x1 + 16] = False
    assert psnr(got[outside], original[outside]) == float('inf')


def test_parameters_decide_which_blocks_change(template, tmp_path, artwork):
    # a badge the manifest hides and a parameter shows, and a name drawn
    # in the slot: the pass-through must code again what the *rendered*
    # layers reach, so it gives today's path's picture for every value
    badge = np.zeros((H, W, 4), np.uint8)
    badge[24:72, 380:452] = (250, 250, 250, 255)
    Image.fromarray(badge).save(tmp_path / 'badge.png')
    data = photo()
    tpl = template(data, [
        {'type': 'artwork', 'quad': QUAD},
        {'type': 'image', 'source': 'badge.png', 'visible': {'parameter': 'badge'}},
        {'type': 'text', 'slot': 'artwork', 'text': {'parameter': 'name'}, 'size': 0.3,
         'font': 'DejaVu Sans Bold', 'color': '#ffffff'},
    ], parameters={'badge': {'type': 'boolean', 'default': False},
                   'name': {'type': 'text', 'default': ''}})

    def render(passthrough, values):
        result = Mockup.Renderer(quality=94, jpeg_passthrough=passthrough).render_full(
            artwork, tpl, parameters=values)
        return pixels(bytes(result.get_bytes().get_data()))

    original = pixels(data)
    x0, y0, x1, y1 = BOX
    named, plain = render(True, {'name': 'Robin'}), render(True, {})
    assert abs(named[y0:y1, x0:x1] - plain[y0:y1, x0:x1]).max() > 100
    for values in [{}, {'badge': True}, {'name': 'Robin'}, {'badge': True, 'name': 'Robin'}]:
        got, full = render(True, values), render(False, values)
        assert psnr(got, full) >= 45, values
        shown = values.get('badge', False)
        # the badge's blocks change exactly when the parameter shows it
        assert (abs(got[30:66, 386:446] - original[30:66, 386:446]).mean() > 40) == shown, values
        # everything outside the print and the badge is the photo itself
        outside = np.ones((H, W), bool)
        outside[y0 - 16:y1 + 16, x0 - 16:x1 + 16] = False
        outside[0:96, 352:480] = False
        assert psnr(got[outside], original[outside]) == float('inf'), values
