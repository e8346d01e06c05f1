# test_hostile_images.py: degenerate geometry and hostile image files
# through the public API
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import numpy as np
import pytest

from conftest import Mockup, render_rgba

# A 2 × 6 mesh the parser accepts, one point moved until the cell beside it
# is a sliver: it inverts to derivatives of 1e10 (tests/c/test-sampling.c).
SLIVER_MESH = [
    [[50, 50], [90, 97.999106232076883], [250, 50], [350, 50], [450, 50], [550, 50]],
    [[50, 150], [150, 150], [250, 150], [350, 150], [450, 150], [550, 150]],
]


@pytest.mark.parametrize('linear_light', [False, True])
def test_sliver_mesh_renders(make_template, make_artwork, linear_light):
    colour = np.zeros((200, 300, 3), np.uint8)
    colour[...] = (0x33, 0x66, 0x99)
    template = make_template([{'type': 'color', 'color': '#ffffff'},
                              {'type': 'artwork', 'fit': 'stretch', 'mesh': SLIVER_MESH}],
                             size=(700, 250))
    rgba = render_rgba(template, make_artwork(colour), linear_light=linear_light)
    assert np.all(np.isfinite(rgba))
    # a cell of the untouched part shows the artwork's colour, around it white
    assert np.allclose(rgba[100, 400, :3] * 255, (0x33, 0x66, 0x99), atol=1.5)
    assert np.allclose(rgba[220, 650], 1.0)
