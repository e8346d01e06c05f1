# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mockup-render --server: JSON jobs on stdin, JSON lines on stdout.

import json
import os
import queue
import subprocess
import threading
import time

from PIL import Image

from conftest import BLUE, RED, json_lines, write_artwork, write_template


def closing(line):
    return "done" in line or ("error" in line and "index" not in line)


def answers(stdout):
    """The output lines grouped per job: [[result…, closing line], …]."""
    groups, current = [], []
    for line in json_lines(stdout):
        current.append(line)
        if closing(line):
            groups.append(current)
            current = []
    assert current == [], "results after the last closing line"
    return groups


def jobs(*objects):
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects)


class Server:
    """A mockup-render --server kept running across jobs, as a web service
    would, its answers read as they come: stdin stays open."""

    def __init__(self, run, job):
        self.job = job
        self.process = run.popen("--server", "-q", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True)
        self.lines = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stdout],
                         daemon=True).start()

    def ask(self, job_id):
        """Sends the job under @job_id; returns its lines, closing line last."""
        self.process.stdin.write(json.dumps({**self.job, "id": job_id}) + "\n")
        self.process.stdin.flush()
        answer = []
        while not answer or not closing(answer[-1]):
            # every line is flushed as it is written
            answer.append(json.loads(self.lines.get(timeout=60)))
        return answer

    def close(self):
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0


def test_several_jobs_and_bad_lines(run, artwork, templates, tmp_path):
    red = write_artwork(tmp_path / "red.png", RED)
    out1, out2 = tmp_path / "out1", tmp_path / "out2"
    stdin = jobs(
        {"id": "job-1", "artwork": str(artwork), "templates": [str(templates)],
         "output_dir": str(out1), "format": "png", "max_size": 160},
        "this is not JSON",
        "",                                                     # blank: ignored
        {"id": 2, "artwork": str(red), "templates": [str(templates / "a"), str(templates / "c.json")],
         "output_dir": str(out2), "format": "webp", "quality": 80},
        '{"id": "job-3", "artwork": "x.png", "templates": ',    # cut short
        {"id": "job-4", "templates": [str(templates)]},         # no artwork
        {"id": "job-5", "artwork": str(artwork), "templates": [str(templates / "b")],
         "output_dir": str(out1)},
    )
    # one job at a time: answers in the order of the lines
    result = run("--server", "--jobs", "1", input=stdin)
    assert result.returncode == 0, result.stderr
    groups = answers(result.stdout)
    assert len(groups) == 6        # one closing line per non-blank line

    # job 1: three PNGs at most 160 pixels
    *results, done = groups[0]
    assert done == {**done, "job": "job-1", "done": True, "rendered": 3, "failed": 0}
    assert [r["job"] for r in results] == ["job-1"] * 3
    assert [r["id"] for r in results] == ["a", "b", "c"]
    for r in results:
        with Image.open(r["path"]) as image:
            assert image.format == "PNG"
            assert max(image.size) == 160
            assert image.size == (r["width"], r["height"])
        assert os.path.dirname(r["path"]) == str(out1)

    # a line that is not JSON: an error without a job id, and on we go
    [bad] = groups[1]
    assert bad["job"] is None and bad["line"] == 2
    assert "malformed JSON" in bad["error"] and bad["error_code"] == "invalid-job"

    # job 2: an integer id, WebP, the red artwork
    *results, done = groups[2]
    assert done["job"] == 2 and done["rendered"] == 2
    assert [os.path.basename(r["path"]) for r in results] == ["a.webp", "c.webp"]
    with Image.open(results[0]["path"]) as image:
        assert image.format == "WEBP"
        assert image.size == (320, 240)

    [bad] = groups[3]
    assert bad["job"] is None and bad["line"] == 5
    [bad] = groups[4]
    assert bad["job"] == "job-4" and "artwork" in bad["error"]

    *results, done = groups[5]
    assert done["job"] == "job-5" and done["rendered"] == 1
    with Image.open(results[0]["path"]) as image:
        assert image.format == "JPEG"      # the command line's default


def test_job_errors(run, artwork, templates, tmp_path):
    good = {"artwork": str(artwork), "templates": [str(templates / "a")], "output_dir": str(tmp_path / "o")}
    cases = [
        ('[1, 2, 3]', None, "JSON object"),
        ('{"id": [1], "artwork": "a.png"}', None, "id"),
        ({**good, "id": "t", "templates": "x"}, "t", "templates"),
        ({**good, "id": "t", "templates": []}, "t", "templates"),
        ({**good, "id": "t", "templates": [1]}, "t", "templates[0]"),
        ({"id": "t", "artwork": str(artwork)}, "t", "templates: required"),
        ({**good, "id": "t", "artwork": 5}, "t", "artwork"),
        ({**good, "id": "t", "quality": "high"}, "t", "quality"),
        ({**good, "id": "t", "quality": 0}, "t", "quality"),
        ({**good, "id": "t", "max_size": -1}, "t", "max_size"),
        ({**good, "id": "t", "format": "gif"}, "t", "format"),
        ({**good, "id": "t", "slots": ["a"]}, "t", "slots"),
        ({**good, "id": "t", "slots": {"left": 3}}, "t", "slots.left"),
        ({**good, "id": "t", "output-dir": "/tmp"}, "t", "unknown member \"output-dir\""),
        ({**good, "id": "t", "artwork": str(tmp_path / "nope.png")}, "t", "nope.png"),
    ]
    result = run("--server", "--jobs", "1", input=jobs(*(c[0] for c in cases), {**good, "id": "last"}))
    assert result.returncode == 0
    groups = answers(result.stdout)
    assert len(groups) == len(cases) + 1
    for (job, job_id, text), group, number in zip(cases, groups, range(1, 100)):
        [line] = group
        assert line["job"] == job_id, line
        assert line["line"] == number
        assert text in line["error"], line
        assert line["error_code"] in ("invalid-job", "not-found")
    # the server kept going
    assert groups[-1][-1]["done"] is True and groups[-1][-1]["rendered"] == 1


def test_bad_template_in_a_job(run, artwork, templates, tmp_path):
    (tmp_path / "broken.json").write_text("{")
    stdin = jobs({"id": "j", "artwork": str(artwork), "output_dir": str(tmp_path / "o"),
                  "templates": [str(templates / "a"), str(tmp_path / "broken.json"), str(templates / "b")]})
    result = run("--server", input=stdin)
    [group] = answers(result.stdout)
    *results, done = group
    assert [r["error_code"] for r in results] == [None, "invalid-template", None]
    assert done["rendered"] == 2 and done["failed"] == 1


def test_slots_in_a_job(run, tmp_path):
    manifest = write_template(tmp_path / "gallery", size=(400, 200), template_id="gallery", slots={
        "left": [[20, 20], [180, 20], [180, 180], [20, 180]],
        "right": [[220, 20], [380, 20], [380, 180], [220, 180]],
    })
    red = write_artwork(tmp_path / "red.png", RED)
    blue = write_artwork(tmp_path / "blue.png", BLUE)
    stdin = jobs({"id": "g", "slots": {"left": str(red), "right": str(blue)},
                  "templates": [str(manifest)], "output_dir": str(tmp_path / "o"), "format": "png"})
    result = run("--server", input=stdin)
    [[line, done]] = answers(result.stdout)
    assert done["rendered"] == 1
    with Image.open(line["path"]) as image:
        image = image.convert("RGB")
        assert all(abs(a - b) < 8 for a, b in zip(image.getpixel((100, 100)), RED))
        assert all(abs(a - b) < 8 for a, b in zip(image.getpixel((300, 100)), BLUE))


def test_slot_no_template_has(run, artwork, templates, tmp_path):
    red = write_artwork(tmp_path / "red.png", RED)
    stdin = jobs({"id": "s", "artwork": str(artwork), "slots": {"artwrok": str(red)},
                  "templates": [str(templates / "a")], "output_dir": str(tmp_path / "o")})
    result = run("--server", "-q", input=stdin)
    [[line, done]] = answers(result.stdout)
    assert done["rendered"] == 1
    assert ("[s] warning: slots.artwrok: no template has a slot “artwrok” (they have: artwork)"
            in result.stderr), result.stderr


def test_templates_are_cached(run, artwork, templates, tmp_path):
    job = {"artwork": str(artwork), "templates": [str(templates)], "output_dir": str(tmp_path / "o"),
           "max_size": 100}
    manifest = templates / "a" / "template.json"
    server = Server(run, job)
    ask = server.ask

    first = ask("first")
    assert first[-1]["cached"] == 0
    second = ask("second")
    assert second[-1]["cached"] == 3
    assert [r["name"] for r in second[:-1]] == ["Framed poster", "Phone case", "Mug"]

    # a changed manifest is loaded again, the others still come from the cache
    data = json.loads(manifest.read_text())
    data["name"] = "Renamed poster"
    manifest.write_text(json.dumps(data))
    later = time.time() + 5
    os.utime(manifest, (later, later))
    third = ask("third")
    assert third[-1]["cached"] == 2
    assert third[0]["name"] == "Renamed poster"

    server.close()


def test_cache_notices_changed_images(run, artwork, tmp_path):
    # The manifest stays as it is; the photo it names, which gives the
    # canvas its size, is replaced (a new inode), then rewritten in place.
    folder = tmp_path / "t"
    manifest = write_template(folder, size=(320, 240))
    photo = folder / "photo.jpg"
    job = {"artwork": str(artwork), "templates": [str(manifest)], "output_dir": str(tmp_path / "o"),
           "format": "png"}
    server = Server(run, job)

    def ask(job_id):
        answer = server.ask(job_id)
        assert answer[-1].get("rendered") == 1, answer
        return answer

    def corner(path):
        with Image.open(path) as image:
            return image.convert("RGB").getpixel((2, 2))

    manifest_stamp = manifest.stat()
    first = ask("first")
    assert (first[0]["width"], first[0]["height"]) == (320, 240)

    replacement = folder / "new.jpg"
    Image.new("RGB", (200, 300), RED).save(replacement, quality=92)
    os.replace(replacement, photo)
    second = ask("second")
    assert second[-1]["cached"] == 0
    assert (second[0]["width"], second[0]["height"]) == (200, 300)
    assert all(abs(a - b) < 8 for a, b in zip(corner(second[0]["path"]), RED))
    assert ask("unchanged")[-1]["cached"] == 1

    # same inode, and the old modification time put back
    stamp = photo.stat()
    with open(photo, "r+b") as f:
        Image.new("RGB", (240, 120), BLUE).save(f, format="JPEG", quality=92)
        f.truncate()
    os.utime(photo, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert photo.stat().st_ino == stamp.st_ino
    third = ask("third")
    assert third[-1]["cached"] == 0
    assert (third[0]["width"], third[0]["height"]) == (240, 120)
    assert all(abs(a - b) < 8 for a, b in zip(corner(third[0]["path"]), BLUE))

    assert manifest.stat().st_mtime_ns == manifest_stamp.st_mtime_ns
    assert manifest.stat().st_ino == manifest_stamp.st_ino
    server.close()


def test_defaults_from_the_command_line(run, artwork, templates, tmp_path):
    stdin = jobs({"id": "d", "artwork": str(artwork), "templates": [str(templates / "c.json")]})
    result = run("--server", "-o", tmp_path / "default-out", "--format", "png", "--max-size", "50",
                 input=stdin)
    [[line, done]] = answers(result.stdout)
    assert line["path"] == str(tmp_path / "default-out" / "c.png")
    assert (line["width"], line["height"]) == (50, 25)


def test_relative_paths_and_eof(run, artwork, templates, tmp_path):
    # relative to the server's folder; EOF ends the server with 0
    stdin = json.dumps({"id": "r", "artwork": "artwork.png", "templates": ["templates/b"],
                        "output_dir": "rel"}) + "\r\n"
    result = run("--server", input=stdin)
    assert result.returncode == 0
    [[line, done]] = answers(result.stdout)
    assert line["path"] == str(tmp_path / "rel" / "b.jpg")
    assert run("--server", input="").returncode == 0


def test_progress_names_the_job(run, artwork, templates, tmp_path):
    stdin = jobs({"id": "job-7", "artwork": str(artwork), "templates": [str(templates / "a")],
                  "output_dir": str(tmp_path / "o")})
    result = run("--server", input=stdin)
    assert "[job-7] Processing mockup 1/1: Framed poster" in result.stderr
    assert "[job-7] Rendered 1 of 1 mockups" in result.stderr


def test_cache_stays_within_the_memory_limit(run, artwork, tmp_path):
    # Manifests padded with a 300 kB comment are estimated at over 1 MB
    # each; with --memory-limit 64M the cache may hold 8 MB of them.
    folders = []
    for i in range(10):
        manifest = write_template(tmp_path / f"t{i}")
        data = json.loads(manifest.read_text())
        data["_padding"] = "x" * 300_000
        manifest.write_text(json.dumps(data))
        folders.append(str(manifest.parent))
    job = {"artwork": str(artwork), "output_dir": str(tmp_path / "o"), "max_size": 64}
    stdin = jobs({**job, "id": 1, "templates": folders},
                 {**job, "id": 2, "templates": folders[6:]},     # the most recent: kept
                 {**job, "id": 3, "templates": folders[:1]})     # the oldest: evicted
    result = run("--server", "-q", "--jobs", "1", "--memory-limit", "64M", input=stdin)
    assert result.returncode == 0, result.stderr
    done = [group[-1] for group in answers(result.stdout)]
    assert [d["rendered"] for d in done] == [10, 4, 1]
    assert [d["cached"] for d in done] == [0, 4, 0]
