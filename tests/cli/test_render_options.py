# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mockup-render's render-time choices: --set NAME=VALUE and
# --place SLOT=LEFT,TOP,WIDTH[,DEGREES], and a server job's "parameters"
# and "placement" members, hostile ones included.

import json

from PIL import Image

from conftest import json_lines, write_artwork
from test_server import answers, jobs


def write_colour_template(folder):
    """A 120 × 80 grey photo with a colour layer (the "colour" parameter)
    over its left half, and an artwork slot on the right."""
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (120, 80), (128, 128, 128)).save(folder / "photo.png")
    mask = Image.new("L", (120, 80), 0)
    mask.paste(255, (0, 0, 60, 80))
    mask.save(folder / "mask.png")
    manifest = {
        "format": 1, "id": "shirt",
        "parameters": {
            "colour": {"type": "color", "default": "#000080",
                       "choices": {"red": "#dc1e1e", "green": "#1edc1e"}},
            "glare": {"type": "number", "default": 0, "minimum": 0, "maximum": 1},
            "logo": {"type": "boolean", "default": True},
        },
        "layers": [
            {"type": "image", "source": "photo.png"},
            {"type": "color", "color": {"parameter": "colour"}, "mask": "mask.png"},
            {"type": "color", "color": "#ffffff", "opacity": {"parameter": "glare"}},
            {"type": "artwork", "visible": {"parameter": "logo"},
             "quad": [[70, 10], [110, 10], [110, 70], [70, 70]]},
        ],
    }
    (folder / "template.json").write_text(json.dumps(manifest))
    return folder


def near(pixel, expected, tolerance=6):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected))


def render_png(run, tmp_path, *args):
    template = write_colour_template(tmp_path / "shirt")
    artwork = write_artwork(tmp_path / "art.png")
    out = tmp_path / "out"
    result = run("--format", "png", "-q", "-o", out, *args, artwork, template)
    return result, out / "shirt.png"


def test_set_colour_by_choice_and_hex(run, tmp_path):
    result, path = render_png(run, tmp_path, "--set", "colour=red")
    assert result.returncode == 0, result.stderr
    with Image.open(path) as image:
        assert near(image.convert("RGB").getpixel((20, 40)), (0xdc, 0x1e, 0x1e))
        assert near(image.convert("RGB").getpixel((90, 40)), (30, 40, 210))   # the artwork

    result, path = render_png(run, tmp_path, "--set", "colour=#00ff00", "--set", "logo=false",
                              "--set", "glare=0")
    assert result.returncode == 0, result.stderr
    with Image.open(path) as image:
        assert near(image.convert("RGB").getpixel((20, 40)), (0, 255, 0))
        assert near(image.convert("RGB").getpixel((90, 40)), (128, 128, 128))   # hidden


def test_bad_values_fail_the_template_naming_the_parameter(run, tmp_path):
    template = write_colour_template(tmp_path / "shirt")
    artwork = write_artwork(tmp_path / "art.png")
    for setting, words in [("colour=teal", ['parameter "colour"', "red, green", '"teal"']),
                           ("glare=2", ['parameter "glare"', "out of range"]),
                           ("logo=maybe", ['parameter "logo"', "true or false"]),
                           ("sleeves=long", ['parameter "sleeves"', "no such parameter"])]:
        result = run("--json", "-q", "-o", tmp_path / "out", "--set", setting, artwork, template)
        assert result.returncode == 1, (setting, result.stderr)
        [line] = json_lines(result.stdout)
        assert line["error_code"] == "invalid-option", line
        for word in words:
            assert word in line["error"], (word, line["error"])
        assert line["path"] is None


def test_place_is_accepted(run, tmp_path):
    result, path = render_png(run, tmp_path, "--place", "artwork=0.1,0.1,0.5",
                              "--place", "other=0,0,1,45")
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_syntax_errors_are_usage_errors(run, tmp_path):
    template = write_colour_template(tmp_path / "shirt")
    artwork = write_artwork(tmp_path / "art.png")
    for args, words in [
        (["--set", "colour"], "is not NAME=VALUE"),
        (["--set", "=red"], "is not NAME=VALUE"),
        (["--set", "colour=red", "--set", "colour=green"], "given twice"),
        (["--place", "artwork"], "SLOT=LEFT,TOP,WIDTH"),
        (["--place", "artwork=0.1,0.2"], "LEFT,TOP,WIDTH[,DEGREES]"),
        (["--place", "artwork=0.1,0.2,0.3,4,5"], "LEFT,TOP,WIDTH[,DEGREES]"),
        (["--place", "artwork=a,b,c"], "LEFT,TOP,WIDTH[,DEGREES]"),
        (["--place", "artwork=0,0,nan"], "LEFT,TOP,WIDTH[,DEGREES]"),
        (["--place", "artwork=0,0,1e999"], "LEFT,TOP,WIDTH[,DEGREES]"),
        (["--place", "artwork=0,0,0"], "width must be positive"),
        (["--place", "artwork=0,0,1", "--place", "artwork=0,0,2"], "given twice"),
    ]:
        result = run("-q", "-o", tmp_path / "out", *args, artwork, template)
        assert result.returncode == 2, (args, result.stderr)
        assert words in result.stderr, (args, result.stderr)
        assert not (tmp_path / "out").exists()

    result = run("--server", "--set", "colour=red", input="")
    assert result.returncode == 2 and "--set and --place are not used with --server" in result.stderr


def test_server_job_parameters(run, tmp_path):
    template = write_colour_template(tmp_path / "shirt")
    artwork = write_artwork(tmp_path / "art.png")
    base = {"artwork": str(artwork), "templates": [str(template)], "format": "png"}
    stdin = jobs({**base, "id": 1, "output_dir": str(tmp_path / "one"),
                  "parameters": {"colour": "green", "glare": 0, "logo": False},
                  "placement": {"artwork": {"left": 0.1, "top": 0.2, "width": 0.5, "degrees": 30}}},
                 {**base, "id": 2, "output_dir": str(tmp_path / "two"), "parameters": {"colour": 5}})
    result = run("--server", "-q", input=stdin)
    assert result.returncode == 0, result.stderr
    # jobs run side by side: their answers may come in either order
    one, two = sorted(answers(result.stdout), key=lambda group: group[0]["job"])
    assert one[0]["error"] is None, one
    with Image.open(one[0]["path"]) as image:
        assert near(image.convert("RGB").getpixel((20, 40)), (0x1e, 0xdc, 0x1e))
        assert near(image.convert("RGB").getpixel((90, 40)), (128, 128, 128))
    assert two[0]["error_code"] == "invalid-option" and '"5"' in two[0]["error"], two


def test_hostile_job_members_give_clean_errors(run, tmp_path):
    template = write_colour_template(tmp_path / "shirt")
    artwork = write_artwork(tmp_path / "art.png")
    base = {"artwork": str(artwork), "templates": [str(template)], "output_dir": str(tmp_path / "out")}
    cases = [
        ({"parameters": ["colour", "red"]}, "parameters: expected an object"),
        ({"parameters": {"colour": {"hex": "#fff"}}}, "parameters.colour: expected a string, a number or a boolean"),
        ({"parameters": {"colour": None}}, "parameters.colour: expected a string, a number or a boolean"),
        ({"parameters": {"x" * 300: "1"}}, "is not a parameter name"),
        ({"parameters": {"": "1"}}, "is not a parameter name"),
        ({"parameters": {"colour": "y" * 5000}}, "parameters.colour: longer than 4096 bytes"),
        ({"parameters": {f"p{i}": "1" for i in range(65)}}, "65 parameters, more than the 64"),
        ({"placement": "artwork"}, "placement: expected an object"),
        ({"placement": {"artwork": [0, 0, 1]}}, "placement.artwork: expected {"),
        ({"placement": {"artwork": {"left": 0, "top": 0}}}, "placement.artwork.width: required member is missing"),
        ({"placement": {"artwork": {"left": 0, "top": 0, "width": 0}}}, "width must be positive"),
        ({"placement": {"artwork": {"left": "0", "top": 0, "width": 1}}}, "placement.artwork.left: expected a number"),
        ({"placement": {"artwork": {"left": 1e300, "top": 0, "width": 1}}}, "placement.artwork.left: out of range"),
        ({"placement": {"artwork": {"left": 0, "top": 0, "width": 1, "scale": 2}}}, 'unknown member "scale"'),
        ({"placement": {f"s{i}": {"left": 0, "top": 0, "width": 1} for i in range(65)}}, "more than the 64"),
    ]
    stdin = "".join(jobs({**base, "id": i, **members}) for i, (members, _) in enumerate(cases))
    stdin += '{"id": "huge", "artwork": "a", "templates": ["t"], "placement": {"a": {"left": 1e999, "top": 0, "width": 1}}}\n'
    stdin += jobs({**base, "id": "last", "parameters": {"colour": "red"}})
    result = run("--server", "-q", input=stdin)
    assert result.returncode == 0, result.stderr
    lines = json_lines(result.stdout)
    by_id = {}
    for line in lines:
        by_id.setdefault(line["job"], []).append(line)
    for i, (_, words) in enumerate(cases):
        [line] = by_id[i]
        assert line["error_code"] == "invalid-job", line
        assert words in line["error"], (words, line["error"])
    [huge] = by_id["huge"]
    assert huge["error_code"] == "invalid-job", huge
    # the server goes on with the next job
    assert by_id["last"][0]["error"] is None, by_id["last"]
