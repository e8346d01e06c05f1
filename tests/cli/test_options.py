# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mockup-render's command line: every option, the outputs and the exit
# statuses (0 all rendered, 1 some not, 2 usage).

import json
import os
import shutil

import pytest
from PIL import Image

from conftest import BLUE, RED, json_lines, write_artwork, write_template

OPTIONS = ["--output-dir", "--format", "--quality", "--max-size", "--slot",
           "--memory-limit", "--threads", "--json", "--quiet", "--server",
           "--version", "--help"]


def test_help(run):
    result = run("--help")
    assert result.returncode == 0
    for option in OPTIONS:
        assert option in result.stdout
    assert "ARTWORK TEMPLATE.json|TEMPLATE_DIR" in result.stdout
    assert "Exit status" in result.stdout


def test_version(run):
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("mockup-render 1.")


@pytest.mark.parametrize("args", [
    ["--bogus"],
    ["--format", "gif"],
    ["--format", "pixbuf"],
    ["--quality", "0"],
    ["--quality", "101"],
    ["--quality", "high"],
    ["--max-size", "-5"],
    ["--max-size", "-1"],
    ["--max-size", "big"],
    ["--threads", "-1"],
    ["--threads", "5000"],
    ["--memory-limit", "12Q"],
    ["--memory-limit", ""],
    ["--memory-limit", "-1"],
    ["--slot", "left"],
    ["--slot", "=x.png"],
    ["--slot", "left="],
    ["--slot", "left=artwork.png", "--slot", "left=artwork.png"],
])
def test_bad_option_values(run, artwork, templates, tmp_path, args):
    result = run(*args, "-o", tmp_path / "out", artwork, templates)
    assert result.returncode == 2, result.stderr
    assert "mockup-render:" in result.stderr
    assert "--help" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [
    [],                              # nothing at all
    ["artwork.png"],                 # no template
    ["templates"],                   # a template first, and no --slot
    ["templates/c.json"],
])
def test_missing_arguments(run, artwork, templates, tmp_path, args):
    result = run(*args)
    assert result.returncode == 2
    assert "missing" in result.stderr


def test_server_takes_no_arguments(run, artwork, templates):
    assert run("--server", artwork, templates).returncode == 2
    assert run("--server", "--slot", f"left={artwork}").returncode == 2


def test_missing_artwork(run, templates, tmp_path):
    # A file problem, not a usage error: nothing could be rendered.
    result = run("-o", tmp_path / "out", "--json", tmp_path / "nope.png", templates)
    assert result.returncode == 1
    assert "nope.png" in result.stderr
    [line] = json_lines(result.stdout)
    assert line["error_code"] == "not-found" and "nope.png" in line["error"]
    assert not (tmp_path / "out").exists()


def test_artwork_not_an_image(run, templates, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"this is not a PNG")
    result = run("-o", tmp_path / "out", bad, templates)
    assert result.returncode == 1
    assert "bad.png" in result.stderr


def test_render_into_current_folder(run, artwork, templates, tmp_path):
    result = run(artwork, templates)
    assert result.returncode == 0, result.stderr
    written = result.stdout.split()
    assert written == [str(tmp_path / f"{i}.jpg") for i in ("a", "b", "c")]
    for path, size in zip(written, [(320, 240), (200, 300), (400, 200)]):
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert image.size == size


def test_output_dir_is_made(run, artwork, templates, tmp_path):
    out = tmp_path / "deep" / "er" / "out"
    result = run("--output-dir", out, artwork, templates / "a")
    assert result.returncode == 0, result.stderr
    assert (out / "a.jpg").exists()
    result = run("-o", out, artwork, templates / "b")
    assert result.returncode == 0
    assert sorted(os.listdir(out)) == ["a.jpg", "b.jpg"]


def test_output_dir_cannot_be_made(run, artwork, templates, tmp_path):
    (tmp_path / "file").write_text("in the way")
    result = run("-o", tmp_path / "file" / "out", "--json", artwork, templates)
    assert result.returncode == 1
    assert "output folder" in result.stderr
    [line] = json_lines(result.stdout)
    assert "output folder" in line["error"]


def test_json_results(run, artwork, templates, tmp_path):
    result = run("--json", "-o", tmp_path / "out", artwork, templates)
    assert result.returncode == 0, result.stderr
    lines = json_lines(result.stdout)
    assert [line["index"] for line in lines] == [0, 1, 2]
    assert [line["id"] for line in lines] == ["a", "b", "c"]
    assert [line["name"] for line in lines] == ["Framed poster", "Phone case", "Mug"]
    for line in lines:
        assert set(line) >= {"index", "id", "name", "path", "width", "height", "bytes",
                             "milliseconds", "resident_memory", "error", "error_code"}
        assert line["error"] is None and line["error_code"] is None
        assert os.path.isabs(line["path"])
        assert line["bytes"] == os.path.getsize(line["path"])
        assert line["milliseconds"] > 0
        assert line["resident_memory"] > 1 << 20
        with Image.open(line["path"]) as image:
            assert image.size == (line["width"], line["height"])


def test_bad_template_among_good(run, artwork, templates, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "template.json").write_text('{"format": 1, "layers": [')
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"format": 1, "layers": [
        {"type": "image", "source": "../etc/passwd"}]}))
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("--json", "-o", tmp_path / "out", artwork, templates / "a", broken,
                 tmp_path / "missing.json", empty, outside, templates / "c.json")
    assert result.returncode == 1
    lines = json_lines(result.stdout)
    assert [line["index"] for line in lines] == list(range(6))
    assert [line["id"] for line in lines] == ["a", "broken", "missing", "empty", "outside", "c"]
    assert [line["error_code"] for line in lines] == [
        None, "invalid-template", "not-found", "not-found", "path-outside", None]
    for line in lines[1:5]:
        assert line["path"] is None and line["bytes"] == 0
        assert line["error"]
    assert "template.json" in lines[1]["error"]
    # the rest is written, complete
    assert sorted(os.listdir(tmp_path / "out")) == ["a.jpg", "c.jpg"]
    assert "Failed mockup 2/6: broken" in result.stderr


@pytest.mark.parametrize("fmt,ext,pil", [
    ("jpeg", "jpg", "JPEG"), ("jpg", "jpg", "JPEG"), ("png", "png", "PNG"),
    ("webp", "webp", "WEBP"), ("PNG", "png", "PNG"),
])
def test_formats(run, artwork, templates, tmp_path, fmt, ext, pil):
    result = run("--format", fmt, "--json", "-o", tmp_path / "out", artwork, templates)
    assert result.returncode == 0, result.stderr
    for line, size in zip(json_lines(result.stdout), [(320, 240), (200, 300), (400, 200)]):
        assert line["path"].endswith("." + ext)
        with Image.open(line["path"]) as image:
            image.load()
            assert image.format == pil
            assert image.size == size


def test_quality(run, tmp_path):
    # noise, so that quality shows in the size
    Image.effect_noise((300, 300), 80).convert("RGB").save(tmp_path / "noise.png")
    write_template(tmp_path / "t")
    sizes = {}
    for quality in (20, 95):
        out = tmp_path / f"q{quality}"
        result = run("--quality", quality, "--json", "-o", out, tmp_path / "noise.png", tmp_path / "t")
        assert result.returncode == 0
        sizes[quality] = json_lines(result.stdout)[0]["bytes"]
    assert sizes[20] < sizes[95]


@pytest.mark.parametrize("max_size,expected", [
    (100, [(100, 75), (67, 100), (100, 50)]),
    (300, [(300, 225), (200, 300), (300, 150)]),
    (5000, [(320, 240), (200, 300), (400, 200)]),   # never scaled up
    (0, [(320, 240), (200, 300), (400, 200)]),
])
def test_max_size(run, artwork, templates, tmp_path, max_size, expected):
    result = run("--max-size", max_size, "--json", "-o", tmp_path / "out", artwork, templates)
    assert result.returncode == 0, result.stderr
    for line, size in zip(json_lines(result.stdout), expected):
        with Image.open(line["path"]) as image:
            assert abs(image.size[0] - size[0]) <= 1 and abs(image.size[1] - size[1]) <= 1
            assert image.size == (line["width"], line["height"])


def gallery(tmp_path):
    return write_template(tmp_path / "gallery", size=(400, 200), template_id="gallery", slots={
        "left": [[20, 20], [180, 20], [180, 180], [20, 180]],
        "right": [[220, 20], [380, 20], [380, 180], [220, 180]],
    })


def colour_at(path, xy):
    with Image.open(path) as image:
        return image.convert("RGB").getpixel(xy)


def close(a, b, tolerance=12):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def test_slots(run, tmp_path):
    manifest = gallery(tmp_path)
    red = write_artwork(tmp_path / "red.png", RED)
    blue = write_artwork(tmp_path / "blue.png", BLUE)
    out = tmp_path / "out"

    # every slot by name, no default artwork: the first argument is a template
    result = run("--slot", f"left={red}", "--slot", f"right={blue}", "-o", out, manifest)
    assert result.returncode == 0, result.stderr
    assert close(colour_at(out / "gallery.jpg", (100, 100)), RED)
    assert close(colour_at(out / "gallery.jpg", (300, 100)), BLUE)

    # the positional artwork fills the slots --slot does not
    result = run("--slot", f"right={red}", "-o", out, blue, manifest.parent)
    assert result.returncode == 0, result.stderr
    assert close(colour_at(out / "gallery.jpg", (100, 100)), BLUE)
    assert close(colour_at(out / "gallery.jpg", (300, 100)), RED)


def test_slot_missing(run, tmp_path):
    manifest = gallery(tmp_path)
    red = write_artwork(tmp_path / "red.png", RED)
    result = run("--json", "--slot", f"left={red}", "-o", tmp_path / "out", manifest)
    assert result.returncode == 1
    [line] = json_lines(result.stdout)
    assert line["error_code"] == "missing-slot"
    assert "right" in line["error"]


def test_slot_no_template_has(run, tmp_path):
    # a misspelt slot would leave its artwork unused and the default
    # artwork in the slot meant: warned about, even with -q; still rendered
    manifest = gallery(tmp_path)
    red = write_artwork(tmp_path / "red.png", RED)
    blue = write_artwork(tmp_path / "blue.png", BLUE)
    out = tmp_path / "out"
    result = run("-q", "--slot", f"lfet={red}", "--slot", f"right={red}", "-o", out, blue, manifest)
    assert result.returncode == 0, result.stderr
    assert ("warning: --slot lfet: no template has a slot “lfet” (they have: left, right)"
            in result.stderr), result.stderr
    assert result.stderr.count("warning") == 1, result.stderr
    assert close(colour_at(out / "gallery.jpg", (100, 100)), BLUE)

    # a slot that only some templates have is what --slot is for
    write_template(tmp_path / "single" / "plain")
    shutil.copytree(manifest.parent, tmp_path / "single" / "gallery")
    result = run("--slot", f"left={red}", "-o", out, blue, tmp_path / "single")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr

    # and a template that does not load might have had the slot: no warning
    (tmp_path / "single" / "broken.json").write_text("{")
    result = run("--slot", f"lfet={red}", "-o", out, blue, tmp_path / "single")
    assert result.returncode == 1
    assert "warning" not in result.stderr


def test_slot_artwork_missing(run, tmp_path):
    manifest = gallery(tmp_path)
    result = run("--slot", f"left={tmp_path / 'nope.png'}", "--slot", f"right={tmp_path / 'nope.png'}",
                 "-o", tmp_path / "out", manifest)
    assert result.returncode == 1
    assert "nope.png" in result.stderr


@pytest.mark.parametrize("limit", ["1K", "100000", "1M"])
def test_memory_limit_too_small(run, artwork, templates, tmp_path, limit):
    result = run("--memory-limit", limit, "--json", "-o", tmp_path / "out", artwork, templates)
    assert result.returncode == 1
    lines = json_lines(result.stdout)
    assert lines and all(line["error_code"] == "too-large" for line in lines)
    assert "memory-limit" in result.stderr
    assert not (tmp_path / "out").exists() or not os.listdir(tmp_path / "out")


@pytest.mark.parametrize("limit", ["64M", "1G", "0", "268435456", "512MiB"])
def test_memory_limit(run, artwork, templates, tmp_path, limit):
    result = run("--memory-limit", limit, "-q", "-o", tmp_path / "out", artwork, templates)
    assert result.returncode == 0, result.stderr
    assert len(os.listdir(tmp_path / "out")) == 3


def test_threads_give_the_same_images(run, artwork, templates, tmp_path):
    # Pixels, not bytes: the embedded sRGB profile carries the time it was
    # made (a library issue), so files of two runs differ in its header.
    outputs = []
    for threads in (1, 3, 0):
        out = tmp_path / f"t{threads}"
        result = run("--threads", threads, "-q", "--format", "png", "-o", out, artwork, templates)
        assert result.returncode == 0, result.stderr
        images = []
        for i in "abc":
            with Image.open(out / f"{i}.png") as image:
                images.append(image.tobytes())
        outputs.append(images)
    assert outputs[0] == outputs[1] == outputs[2]


def test_quiet(run, artwork, templates, tmp_path):
    result = run("-q", "-o", tmp_path / "out", artwork, templates)
    assert result.returncode == 0
    assert result.stderr == ""
    # errors are still shown
    result = run("--quiet", "-o", tmp_path / "out", artwork, templates, tmp_path / "missing.json")
    assert result.returncode == 1
    assert "Processing" not in result.stderr
    assert "missing.json" in result.stderr


def test_progress_lines(run, artwork, templates, tmp_path):
    # stderr is a pipe here: plain lines
    result = run("-o", tmp_path / "out", artwork, templates)
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert "\r" not in result.stderr
    for i, name in enumerate(["Framed poster", "Phone case", "Mug"], 1):
        assert f"Processing mockup {i}/3: {name}" in lines
        done = [line for line in lines if line.startswith(f"Rendered mockup {i}/3: {name} in ")]
        assert len(done) == 1 and done[0].endswith(" MB")
    assert lines[-1].startswith("Rendered 3 of 3 mockups in ")
    assert "resident memory" in lines[-1]


def test_progress_bar_on_a_terminal(binary, artwork, templates, tmp_path):
    import pty
    import subprocess
    leader, follower = pty.openpty()
    result = subprocess.run([binary, "-o", tmp_path / "out", artwork, templates],
                            stderr=follower, stdout=subprocess.PIPE, timeout=60)
    os.close(follower)
    data = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    os.close(leader)
    text = data.decode()
    assert result.returncode == 0
    assert "\r" in text and "[" in text and "3/3" in text
    assert "Processing mockup" not in text
    assert "Rendered 3 of 3 mockups" in text


def test_same_id_twice(run, artwork, tmp_path):
    write_template(tmp_path / "one", template_id="poster")
    write_template(tmp_path / "two", template_id="poster")
    result = run("--json", "-o", tmp_path / "out", artwork, tmp_path / "one", tmp_path / "two")
    assert result.returncode == 0
    paths = [os.path.basename(line["path"]) for line in json_lines(result.stdout)]
    assert paths == ["poster.jpg", "poster-2.jpg"]


def test_rerun_replaces_outputs(run, artwork, templates, tmp_path):
    out = tmp_path / "out"
    assert run("-q", "-o", out, artwork, templates).returncode == 0
    first = os.stat(out / "a.jpg").st_ino
    assert run("-q", "--format", "jpeg", "-o", out, artwork, templates).returncode == 0
    # replaced by a rename, not rewritten in place
    assert os.stat(out / "a.jpg").st_ino != first
    # no temporary file is left beside the outputs
    assert sorted(os.listdir(out)) == ["a.jpg", "b.jpg", "c.jpg"]


def test_jpeg_passthrough(run, tmp_path):
    # a photo of quality 95: at --quality 90 its blocks are copied
    write_template(tmp_path / "t")
    Image.effect_noise((320, 240), 30).convert("RGB").save(tmp_path / "t" / "photo.jpg", quality=95)
    write_artwork(tmp_path / "art.png")
    outputs = {}
    for mode in ("auto", "never"):
        out = tmp_path / mode
        result = run(f"--jpeg-passthrough={mode}", "--json", "-o", out, tmp_path / "art.png", tmp_path / "t")
        assert result.returncode == 0, result.stderr
        outputs[mode] = json_lines(result.stdout)[0]["path"]
    with Image.open(tmp_path / "t" / "photo.jpg") as photo, \
            Image.open(outputs["auto"]) as auto, Image.open(outputs["never"]) as never:
        assert auto.quantization == photo.quantization
        assert never.quantization != photo.quantization
        # the top left corner, far from the print, is the photo's own
        assert auto.crop((0, 0, 32, 16)).tobytes() == photo.crop((0, 0, 32, 16)).tobytes()

    result = run("--jpeg-passthrough=sometimes", tmp_path / "art.png", tmp_path / "t")
    assert result.returncode == 2
    assert "--jpeg-passthrough" in result.stderr
