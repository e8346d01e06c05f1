# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mockup-render --server with several jobs in flight (--jobs): lines of
# different jobs interleave, each job's stay in order and end with one
# closing line; one memory budget; decoded artworks kept between jobs; and
# the limits that keep a hostile line cheap.

import json
import os
import signal
import subprocess
import threading
import time

from PIL import Image

from conftest import BLUE, RED, json_lines, write_artwork, write_template
from test_server import Server, closing, jobs


def by_job(stdout):
    """{job id: [its lines in order]}; every job must end with its closing
    line and have nothing after it."""
    groups = {}
    for line in json_lines(stdout):
        lines = groups.setdefault(line["job"], [])
        assert not lines or not closing(lines[-1]), f"a line after the closing line: {line}"
        lines.append(line)
    for job, lines in groups.items():
        assert closing(lines[-1]), f"job {job} has no closing line"
    return groups


def many_templates(root, count, size=(320, 240)):
    for i in range(count):
        write_template(root / f"t{i:02d}", size=size, template_id=f"t{i:02d}",
                       background=(40 + 9 * i, 90, 120))
    return root


def test_jobs_in_flight_keep_their_order(run, tmp_path):
    templates = many_templates(tmp_path / "templates", 6)
    colours = [RED, BLUE, (20, 160, 40), (200, 200, 30), (120, 20, 160), (10, 10, 10), (250, 120, 0),
               (90, 90, 200)]
    artworks = [write_artwork(tmp_path / f"art{i}.png", colour, size=(600 + 10 * i, 500))
                for i, colour in enumerate(colours)]
    stdin = jobs(*({"id": f"job-{i}", "artwork": str(path), "templates": [str(templates)],
                    "output_dir": str(tmp_path / f"out{i}"), "format": "png", "max_size": 160}
                   for i, path in enumerate(artworks)))
    limit = 48 << 20
    result = run("--server", "-q", "--jobs", "4", "--threads", "2", "--memory-limit", str(limit),
                 input=stdin)
    assert result.returncode == 0, result.stderr
    groups = by_job(result.stdout)
    assert sorted(groups) == sorted(f"job-{i}" for i in range(8))

    for i, colour in enumerate(colours):
        *results, done = groups[f"job-{i}"]
        assert done["done"] is True and done["rendered"] == 6 and done["failed"] == 0
        assert done["artwork_cached"] is False
        assert [r["index"] for r in results] == list(range(6))
        assert [r["id"] for r in results] == [f"t{k:02d}" for k in range(6)]
        for r in results:
            assert os.path.dirname(r["path"]) == str(tmp_path / f"out{i}")
        # each job has its own artwork: the middle of its slot shows it
        with Image.open(results[0]["path"]) as image:
            centre = image.convert("RGB").getpixel((80, 60))
        assert all(abs(a - b) < 10 for a, b in zip(centre, colour)), (i, centre)

    # one budget for them all: the process stays near it. The margin is the
    # process itself (libraries, heaps) and the encoded results in flight.
    # (AddressSanitizer's shadow memory and quarantine are not the program's.)
    if "ASAN_OPTIONS" not in os.environ:
        peak = max(line["resident_memory"] for line in json_lines(result.stdout))
        assert peak < limit + (48 << 20), peak


def test_a_short_job_passes_a_long_one(run, tmp_path):
    # 30 large templates, then one small one: side by side, the small job is
    # done long before the large one; one at a time, it would wait for it
    large = many_templates(tmp_path / "large", 30, size=(1600, 1200))
    small = many_templates(tmp_path / "small", 1, size=(64, 48))
    art = write_artwork(tmp_path / "art.png")
    stdin = jobs({"id": "long", "artwork": str(art), "templates": [str(large)],
                  "output_dir": str(tmp_path / "o1")},
                 {"id": "short", "artwork": str(art), "templates": [str(small)],
                  "output_dir": str(tmp_path / "o2")})
    for flags, expected in ((["--jobs", "2"], ["short", "long"]), (["--jobs", "1"], ["long", "short"])):
        result = run("--server", "-q", *flags, input=stdin)
        assert result.returncode == 0, result.stderr
        ends = [line["job"] for line in json_lines(result.stdout) if closing(line)]
        assert ends == expected, (flags, ends)


def test_artwork_cache(run, tmp_path):
    templates = many_templates(tmp_path / "templates", 2)
    art = write_artwork(tmp_path / "art.png", RED, size=(800, 600))
    job = {"artwork": str(art), "templates": [str(templates)], "output_dir": str(tmp_path / "o"),
           "format": "png"}
    server = Server(run, job)

    def ask(job_id, **changes):
        server.job = {**job, **changes}
        answer = server.ask(job_id)
        assert answer[-1].get("rendered") == 2, answer
        return answer

    assert ask("full")[-1]["artwork_cached"] is False
    # a preview of the same artwork: kept, and decoded already at a larger size
    preview = ask("preview", max_size=100)
    assert preview[-1]["artwork_cached"] is True
    assert max(preview[0]["width"], preview[0]["height"]) == 100
    assert ask("again")[-1]["artwork_cached"] is True

    # rewritten in place (same inode): decoded afresh, and the new pixels show
    inode = art.stat().st_ino
    with open(art, "r+b") as f:
        Image.new("RGBA", (800, 600), BLUE + (255,)).save(f, format="PNG")
        f.truncate()
    assert art.stat().st_ino == inode
    changed = ask("changed")
    assert changed[-1]["artwork_cached"] is False
    with Image.open(changed[0]["path"]) as image:
        centre = image.convert("RGB").getpixel((160, 120))
    assert all(abs(a - b) < 10 for a, b in zip(centre, BLUE)), centre

    # replaced by another file (a new inode)
    other = write_artwork(tmp_path / "other.png", RED, size=(800, 600))
    os.replace(other, art)
    assert ask("replaced")[-1]["artwork_cached"] is False
    assert ask("kept")[-1]["artwork_cached"] is True

    # slots too: every artwork of the job must come from the cache
    server.job = {"slots": {"artwork": str(art)}, "templates": [str(templates)],
                  "output_dir": str(tmp_path / "o")}
    assert server.ask("slot")[-1]["artwork_cached"] is True
    server.close()


def test_cached_artworks_give_way_to_renders(run, tmp_path):
    # Three small artworks decode to ~5 MB each, and the cache may keep a
    # quarter of the 48M limit: two of them. Then a job whose large artwork
    # needs ~40 MB of the budget must not wait forever for what the cache
    # keeps: the cache gives it back.
    small = many_templates(tmp_path / "small", 1, size=(1600, 1200))
    large = many_templates(tmp_path / "large", 1, size=(2600, 2600))
    arts = [write_artwork(tmp_path / f"a{i}.png", RED, size=(1500, 1400)) for i in range(3)]
    big = write_artwork(tmp_path / "big.png", BLUE, size=(2600, 2600))
    job = {"output_dir": str(tmp_path / "o"), "format": "png"}
    stdin = jobs(*({**job, "id": i, "artwork": str(a), "templates": [str(small)]} for i, a in enumerate(arts)),
                 {**job, "id": "big", "artwork": str(big), "templates": [str(large)]})
    result = run("--server", "-q", "--jobs", "1", "--memory-limit", "48M", input=stdin, timeout=60)
    assert result.returncode == 0, result.stderr
    groups = by_job(result.stdout)
    assert [groups[k][-1].get("rendered") for k in (0, 1, 2, "big")] == [1, 1, 1, 1], groups


def test_duplicate_running_id(run, tmp_path):
    templates = many_templates(tmp_path / "templates", 12, size=(800, 600))
    art = write_artwork(tmp_path / "art.png")
    job = {"id": "same", "artwork": str(art), "templates": [str(templates)],
           "output_dir": str(tmp_path / "o")}
    result = run("--server", "-q", "--jobs", "2", input=jobs(job, job))
    lines = json_lines(result.stdout)
    errors = [line for line in lines if "error" in line and "index" not in line and line["error"]]
    assert len(errors) == 1 and "is running already" in errors[0]["error"], lines
    assert errors[0]["line"] == 2
    assert [line for line in lines if line.get("done")][0]["rendered"] == 12


def test_hostile_lines(run, artwork, templates, tmp_path):
    good = {"artwork": str(artwork), "templates": [str(templates / "a")], "output_dir": str(tmp_path / "o")}
    cases = [
        ("[" * 100_000 + "]" * 100_000, "nests deeper"),
        ('{"id": "deep", "templates": ' + "[" * 20 + "]" * 20 + "}", "nests deeper"),
        ('{"id": "t", "artwork": "a.png", "templates": ["' + "x" * (2 << 20) + '"]}', "longer than"),
        (json.dumps({**good, "id": "many", "templates": ["t.json"] * 1001}), "more than the 1000"),
        (json.dumps({**good, "id": "p", "artwork": "/" + "a" * 5000}), "artwork: longer than"),
        (json.dumps({**good, "id": "s", "slots": {f"s{i}": "a.png" for i in range(65)}}), "slots"),
        ('{"id": "nul", "artwork": "a\u0000.png", "templates": ["t"]}', "malformed"),
        (json.dumps({**good, "id": "m", "é" * 100: 1}), 'unknown member "' + "é" * 64 + '…"'),
        (json.dumps({**good, "id": "f", "format": "x" * 100}), '"' + "x" * 64 + '…" is not an output format'),
    ]
    stdin = jobs(*(c[0] for c in cases), {**good, "id": "last"})
    result = run("--server", "--jobs", "1", input=stdin, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = json_lines(result.stdout)
    assert len(lines) == len(cases) + 2     # an error each, then a result and its closing line
    for (text, expected), line, number in zip(cases, lines, range(1, 100)):
        assert line["line"] == number, line
        assert line["error_code"] == "invalid-job", line
        assert expected in line["error"], (expected, line["error"][:200])
    assert lines[-1]["job"] == "last" and lines[-1]["rendered"] == 1
    # a line of 2 MB is neither kept nor echoed
    assert len(result.stdout) < 20_000
    assert len(result.stderr) < 20_000
    # job-level errors on stderr start with the job's label, like its other lines
    assert "[many] line 4: templates: 1001 entries" in result.stderr, result.stderr
    assert "[line 1] malformed JSON" in result.stderr, result.stderr


def test_artworks_that_are_not_files(run, artwork, templates, tmp_path):
    # a FIFO would block an open() forever, a folder is no image: both are
    # refused at once, naming the member, and the server goes on
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.png"
    folder.mkdir()
    good = {"templates": [str(templates / "a")], "output_dir": str(tmp_path / "o")}
    stdin = jobs({**good, "id": "fifo", "artwork": str(fifo)},
                 {**good, "id": "slot", "artwork": str(artwork), "slots": {"artwork": str(fifo)}},
                 {**good, "id": "folder", "artwork": str(folder)},
                 {**good, "id": "dev", "artwork": "/dev/zero"},
                 {**good, "id": "last", "artwork": str(artwork)})
    result = run("--server", "-q", "--jobs", "1", input=stdin, timeout=30)
    assert result.returncode == 0, result.stderr
    groups = by_job(result.stdout)
    for job, member in (("fifo", "artwork"), ("slot", "slots.artwork"), ("folder", "artwork"),
                        ("dev", "artwork")):
        [line] = groups[job]
        assert line["error"].startswith(member + ": "), line
        assert "empty" not in line["error"], line
    assert "folder" in groups["folder"][0]["error"]
    assert groups["last"][-1]["rendered"] == 1


def test_reads_no_further_than_it_can_run(run, tmp_path):
    """Back-pressure: a client that writes faster than the server renders is
    held back by the pipe, not buffered in the server."""
    templates = many_templates(tmp_path / "templates", 4, size=(1200, 900))
    art = write_artwork(tmp_path / "art.png", size=(1200, 1200))
    line = (json.dumps({"artwork": str(art), "templates": [str(templates)],
                        "output_dir": str(tmp_path / "o")}) + "\n").encode()
    process = run.popen("--server", "-q", "--jobs", "1", stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    written = 0
    total = 4000 * len(line)

    def writer():
        nonlocal written
        try:
            for _ in range(4000):
                process.stdin.write(line)
                written += len(line)
        except (BrokenPipeError, ValueError):
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    first = process.stdout.readline()          # the first result of the first job
    assert json.loads(first)["index"] == 0
    time.sleep(0.5)
    # what was taken: the pipe's buffer and the reader's (a line at most,
    # read in 64 KiB chunks), far from all of it
    assert written < min(total, (1 << 20) + (2 << 20)), written
    process.send_signal(signal.SIGTERM)
    process.stdout.read()
    assert process.wait(timeout=10) == 128 + signal.SIGTERM


def test_signal_stops_running_jobs(run, tmp_path):
    templates = many_templates(tmp_path / "templates", 10, size=(1600, 1200))
    art = write_artwork(tmp_path / "art.png", size=(2000, 2000))
    process = run.popen("--server", "-q", "--jobs", "3", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE)
    for i in range(3):
        process.stdin.write((json.dumps({"id": i, "artwork": str(art), "templates": [str(templates)],
                                         "output_dir": str(tmp_path / f"o{i}")}) + "\n").encode())
    process.stdin.flush()
    # stdin stays open: only the signal can end it
    assert json.loads(process.stdout.readline())["index"] == 0
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 128 + signal.SIGTERM, err
    lines = json_lines(out.decode())
    # every job still got its one closing line; whatever was written is whole
    closings = [line for line in lines if closing(line)]
    assert sorted(line["job"] for line in closings) == [0, 1, 2]
    assert all(line.get("done") or line["error_code"] == "cancelled" for line in closings), closings
    for line in lines:
        if line.get("path"):
            with Image.open(line["path"]) as image:
                image.load()
    for i in range(3):
        assert not [p for p in os.listdir(tmp_path / f"o{i}") if not p.endswith(".jpg")]
    assert b"interrupted by SIGTERM" in err


def test_jobs_option(run):
    result = run("--jobs", "0", "--server")
    assert result.returncode == 2 and "--jobs" in result.stderr
    result = run("--jobs", "2", "a.png", "t.json")
    assert result.returncode == 2 and "--server" in result.stderr


def test_jpeg_passthrough_member(run, tmp_path):
    # a photo of quality 95: "auto" copies its blocks at the default quality
    write_template(tmp_path / "t")
    Image.effect_noise((320, 240), 30).convert("RGB").save(tmp_path / "t" / "photo.jpg", quality=95)
    artwork = write_artwork(tmp_path / "art.png")
    job = {"artwork": str(artwork), "templates": [str(tmp_path / "t")]}
    stdin = jobs({**job, "id": "auto", "output_dir": str(tmp_path / "a"), "jpeg_passthrough": "auto"},
                 {**job, "id": "never", "output_dir": str(tmp_path / "n"), "jpeg_passthrough": "never"},
                 {**job, "id": "bad", "output_dir": str(tmp_path / "b"), "jpeg_passthrough": "yes"})
    result = run("--server", "--jobs", "1", input=stdin, timeout=60)
    assert result.returncode == 0, result.stderr
    groups = by_job(result.stdout)
    assert groups["auto"][-1]["rendered"] == 1 and groups["never"][-1]["rendered"] == 1
    assert 'jpeg_passthrough: "yes" is neither' in groups["bad"][0]["error"]
    with Image.open(tmp_path / "t" / "photo.jpg") as photo, \
            Image.open(groups["auto"][0]["path"]) as auto, Image.open(groups["never"][0]["path"]) as never:
        assert auto.quantization == photo.quantization
        assert never.quantization != photo.quantization
