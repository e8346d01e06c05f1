# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mockup-render --place and a server job's "placement": where the artwork
# lands; and the print resolution: the warning line and the JSON
# "resolution" member.

import json

from PIL import Image

from conftest import GREY, RED, json_lines, write_artwork

# A 400 × 300 grey photo with a flat 200 × 200 slot from (100, 50).
SLOT = [[100, 50], [300, 50], [300, 250], [100, 250]]


def write_flat(folder, print_size=None, name="Flat"):
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (400, 300), GREY).save(folder / "photo.png")
    layer = {"type": "artwork", "quad": SLOT}
    if print_size is not None:
        layer["print"] = print_size
    (folder / "template.json").write_text(json.dumps(
        {"format": 1, "id": folder.name, "name": name,
         "layers": [{"type": "image", "source": "photo.png"}, layer]}))
    return folder


def colour(path, xy):
    with Image.open(path) as image:
        return image.convert("RGB").getpixel(xy)


def close(a, b, tolerance=12):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def test_place_positions_the_artwork(run, tmp_path):
    template = write_flat(tmp_path / "flat")
    red = write_artwork(tmp_path / "red.png", RED, size=(200, 100))
    out = tmp_path / "out"

    # fitted (cover), the slot is red all over
    result = run("--format", "png", "-o", out, red, template)
    assert result.returncode == 0, result.stderr
    assert close(colour(out / "flat.png", (110, 60)), RED)

    # half the print area's width from its centre, top at a quarter: the
    # artwork spans x 200–300 and, 2:1, y 100–150
    result = run("--format", "png", "--place", "artwork=0.5,0.25,0.5", "-o", out, red, template)
    assert result.returncode == 0, result.stderr
    assert close(colour(out / "flat.png", (110, 60)), GREY)
    assert close(colour(out / "flat.png", (205, 105)), RED)
    assert close(colour(out / "flat.png", (295, 145)), RED)
    assert close(colour(out / "flat.png", (195, 125)), GREY)
    assert close(colour(out / "flat.png", (250, 155)), GREY)

    # a quarter turn about its centre (250, 125): 50 wide, 100 high
    result = run("--format", "png", "--place", "artwork=0.5,0.25,0.5,90", "-o", out, red, template)
    assert result.returncode == 0, result.stderr
    assert close(colour(out / "flat.png", (250, 80)), RED)
    assert close(colour(out / "flat.png", (250, 170)), RED)
    assert close(colour(out / "flat.png", (215, 125)), GREY)
    assert close(colour(out / "flat.png", (285, 125)), GREY)

    # past the print area's right edge: clipped there
    result = run("--format", "png", "--place", "artwork=0.8,0.1,0.6", "-o", out, red, template)
    assert result.returncode == 0, result.stderr
    assert close(colour(out / "flat.png", (295, 80)), RED)
    assert close(colour(out / "flat.png", (305, 80)), GREY)


def test_place_refused_values(run, tmp_path):
    template = write_flat(tmp_path / "flat")
    red = write_artwork(tmp_path / "red.png", RED)
    result = run("--json", "--place", "artwork=0.1,0.1,20", "-o", tmp_path / "out", red, template)
    assert result.returncode == 1
    [line] = json_lines(result.stdout)
    assert line["error_code"] == "invalid-option"
    assert 'slot "artwork": width: 20 is out of range' in line["error"], line["error"]


def test_place_slot_no_template_has(run, tmp_path):
    template = write_flat(tmp_path / "flat")
    red = write_artwork(tmp_path / "red.png", RED)
    out = tmp_path / "out"
    result = run("-q", "--format", "png", "--place", "artwrok=0.5,0.5,0.2", "-o", out, red, template)
    assert result.returncode == 0, result.stderr
    assert ("warning: --place artwrok: no template has a slot “artwrok” (they have: artwork); "
            "the placement is not used" in result.stderr), result.stderr
    # fitted as usual
    assert close(colour(out / "flat.png", (110, 60)), RED)


def test_resolution_warning_line(run, tmp_path):
    # 300 × 400 pixels over a 10 × 10 in print, cover: 300 px across 10 in
    template = write_flat(tmp_path / "poster", {"width": 10, "height": 10, "unit": "in"},
                          name="Big poster")
    art = write_artwork(tmp_path / "small.png", RED, size=(300, 400))
    out = tmp_path / "out"

    result = run("-q", "-o", out, art, template)
    assert result.returncode == 0, result.stderr
    assert ('warning: Big poster: slot "artwork" (layers[1]): the artwork has 30 ppi in the '
            "10 × 10 in print, below 150 ppi" in result.stderr), result.stderr

    result = run("-q", "--json", "-o", out, art, template)
    [line] = json_lines(result.stdout)
    assert line["resolution"]["ppi"] == 30
    assert line["resolution"]["upscale"] == 5
    assert "below 150 ppi" in line["resolution"]["warning"]

    # placed at a tenth of the width: 300 px over 1 in
    result = run("-q", "--json", "--place", "artwork=0,0,0.1", "-o", out, art, template)
    assert result.returncode == 0, result.stderr
    [line] = json_lines(result.stdout)
    assert line["resolution"] == {"ppi": 300, "upscale": 0.5, "warning": None}
    assert "warning" not in result.stderr


def test_resolution_without_print_size(run, tmp_path):
    template = write_flat(tmp_path / "flat")
    small = write_artwork(tmp_path / "small.png", RED, size=(50, 50))
    big = write_artwork(tmp_path / "big.png", RED, size=(1000, 1000))
    out = tmp_path / "out"

    # the 200 px slot from 50 px: enlarged 4 times
    result = run("--json", "--max-size", "100", "-o", out, small, template)
    [line] = json_lines(result.stdout)
    assert line["resolution"]["ppi"] is None
    assert line["resolution"]["upscale"] == 4
    assert "enlarged 4.0 times, more than 1.5" in line["resolution"]["warning"]
    assert "enlarged 4.0 times" in result.stderr

    result = run("--json", "-o", out, big, template)
    [line] = json_lines(result.stdout)
    assert line["resolution"] == {"ppi": None, "upscale": 0.2, "warning": None}

    # a failed item has none
    result = run("--json", "--place", "artwork=0,0,-1", "-o", out, big, template)
    assert result.returncode != 0


def test_server_job_placement(run, tmp_path):
    template = write_flat(tmp_path / "flat", {"width": 20, "height": 20, "unit": "cm"})
    red = write_artwork(tmp_path / "red.png", RED, size=(200, 100))
    out = tmp_path / "out"
    job = {"id": "placed", "artwork": str(red), "templates": [str(template)],
           "output_dir": str(out), "format": "png",
           "placement": {"artwork": {"left": 0.5, "top": 0.25, "width": 0.5}}}
    turned = dict(job, id="turned", output_dir=str(tmp_path / "out2"),
                  placement={"artwork": {"left": 0.5, "top": 0.25, "width": 0.5, "degrees": 90}})
    result = run("--server", "--jobs", "1", input=json.dumps(job) + "\n" + json.dumps(turned) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [line for line in json_lines(result.stdout) if "index" in line]
    assert [line["job"] for line in lines] == ["placed", "turned"]
    assert all(line["error"] is None for line in lines), lines
    # 200 px over half of 20 cm: 50.8 ppi
    assert abs(lines[0]["resolution"]["ppi"] - 50.8) < 0.001
    assert "below 150 ppi" in lines[0]["resolution"]["warning"]

    assert close(colour(out / "flat.png", (110, 60)), GREY)
    assert close(colour(out / "flat.png", (205, 105)), RED)
    assert close(colour(out / "flat.png", (250, 155)), GREY)
    turned_png = tmp_path / "out2" / "flat.png"
    assert close(colour(turned_png, (250, 80)), RED)
    assert close(colour(turned_png, (285, 125)), GREY)


def test_server_job_placement_for_a_missing_slot(run, tmp_path):
    template = write_flat(tmp_path / "flat")
    red = write_artwork(tmp_path / "red.png", RED)
    job = {"id": "j", "artwork": str(red), "templates": [str(template)],
           "output_dir": str(tmp_path / "out"),
           "placement": {"front": {"left": 0.1, "top": 0.1, "width": 0.3}}}
    result = run("--server", input=json.dumps(job) + "\n")
    assert result.returncode == 0, result.stderr
    assert "placement.front: no template has a slot “front”" in result.stderr, result.stderr


def test_resolution_thresholds(run, tmp_path):
    template = write_flat(tmp_path / "poster", {"width": 10, "height": 10, "unit": "in"})
    art = write_artwork(tmp_path / "small.png", RED, size=(300, 400))
    out = tmp_path / "out"

    # 30 ppi passes a threshold of 25, and enlarged 5 times a limit of 6
    result = run("--json", "--min-ppi", "25", "--max-upscale", "6", "-o", out, art, template)
    assert result.returncode == 0, result.stderr
    [line] = json_lines(result.stdout)
    assert line["resolution"]["ppi"] == 30
    assert line["resolution"]["upscale"] == 0.833       # 25 / 30, to three decimals
    assert line["resolution"]["warning"] is None
    assert "warning" not in result.stderr

    # 0 turns the checks off; without the print size, enlarged 200/50 = 4 times
    plain = write_flat(tmp_path / "plain")
    tiny = write_artwork(tmp_path / "tiny.png", RED, size=(50, 50))
    result = run("--max-upscale", "0", "-o", out, tiny, plain)
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    result = run("--max-upscale", "3.5", "-o", out, tiny, plain)
    assert "enlarged 4.0 times, more than 3.5" in result.stderr, result.stderr

    for option, value in (("--min-ppi", "-1"), ("--min-ppi", "nan"), ("--max-upscale", "2000")):
        result = run(option, value, "-o", out, art, template)
        assert result.returncode == 2
        assert option in result.stderr
