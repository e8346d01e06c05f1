# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Fixtures for the mockup-render tests: the built binary (MOCKUP_RENDER, set
# by tests/cli/meson.build) and templates and artworks drawn with PIL in
# each test's tmp_path. Nothing here depends on data/.

import json
import os
import subprocess

import pytest
from PIL import Image

BINARY = os.environ.get("MOCKUP_RENDER")

# Colours the tests look for in the output.
RED = (220, 30, 30)
BLUE = (30, 40, 210)
GREY = (128, 128, 128)


@pytest.fixture(scope="session")
def binary():
    # Unset: pytest was run by hand, outside meson. Set but wrong: the build
    # is broken, which must not pass as a skip.
    if not BINARY:
        pytest.skip("MOCKUP_RENDER is not set: run these tests with meson test")
    if not os.access(BINARY, os.X_OK) or not os.path.isfile(BINARY):
        pytest.fail("MOCKUP_RENDER is %s, which is not an executable file" % BINARY)
    return BINARY


class Runner:
    def __init__(self, binary, cwd):
        self.binary = binary
        self.cwd = cwd

    def __call__(self, *args, input=None, timeout=120, cwd=None):
        return subprocess.run([self.binary, *map(str, args)],
                              input=input, capture_output=True, text=True,
                              timeout=timeout, cwd=cwd or self.cwd)

    def popen(self, *args, **kwargs):
        kwargs.setdefault("cwd", self.cwd)
        return subprocess.Popen([self.binary, *map(str, args)], **kwargs)


@pytest.fixture
def run(binary, tmp_path):
    """Runs the tool in tmp_path: run(*args, input=None) → CompletedProcess."""
    return Runner(binary, tmp_path)


def write_artwork(path, color=BLUE, size=(300, 400)):
    Image.new("RGBA", size, color + (255,)).save(path)
    return path


def write_template(folder, size=(320, 240), quad=None, slots=None,
                   template_id=None, name=None, manifest="template.json",
                   background=GREY, photo="photo.jpg"):
    """A template: a photo of one colour and one artwork slot per entry of
    slots (name → quad), or one default slot at quad."""
    folder.mkdir(parents=True, exist_ok=True)
    w, h = size
    if not (folder / photo).exists():
        Image.new("RGB", size, background).save(folder / photo, quality=92)
    layers = [{"type": "image", "source": photo}]
    if slots is None:
        quad = quad or [[w * 0.2, h * 0.1], [w * 0.8, h * 0.12],
                        [w * 0.78, h * 0.9], [w * 0.22, h * 0.88]]
        layers.append({"type": "artwork", "quad": quad})
    else:
        for slot, slot_quad in slots.items():
            layers.append({"type": "artwork", "slot": slot, "quad": slot_quad})
    data = {"format": 1, "layers": layers}
    if template_id:
        data["id"] = template_id
    if name:
        data["name"] = name
    path = folder / manifest
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def artwork(tmp_path):
    return write_artwork(tmp_path / "artwork.png")


@pytest.fixture
def templates(tmp_path):
    """A folder of three templates of different sizes: a/, b/ and c.json."""
    root = tmp_path / "templates"
    write_template(root / "a", size=(320, 240), name="Framed poster")
    write_template(root / "b", size=(200, 300), name="Phone case")
    write_template(root, size=(400, 200), manifest="c.json", name="Mug")
    return root


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]
