# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Outputs are written atomically: a run killed in the middle of a batch
# leaves no half-written file under a final name.

import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest
from PIL import Image

from conftest import write_artwork, write_template

N_TEMPLATES = 24
SIZE = (2400, 1800)
TEMPORARY = re.compile(r"^.+\.png\.[0-9a-f]{8}~$")


@pytest.fixture(scope="module")
def big_batch(tmp_path_factory):
    """Many copies of a large, noisy template: PNG output of each takes a
    good part of a second, so the batch runs long enough to be killed."""
    root = tmp_path_factory.mktemp("big")
    Image.effect_noise(SIZE, 64).convert("RGB").save(root / "photo.jpg", quality=90)
    art = write_artwork(root / "artwork.png")
    folders = []
    for i in range(N_TEMPLATES):
        folder = root / f"t{i:02d}"
        folder.mkdir()
        try:
            os.link(root / "photo.jpg", folder / "photo.jpg")
        except OSError:
            shutil.copy(root / "photo.jpg", folder / "photo.jpg")
        write_template(folder, size=SIZE)
        folders.append(folder)
    return art, folders


def start(binary, out, art, folders):
    return subprocess.Popen([binary, "-q", "--format", "png", "--threads", "2", "-o", out, art, *folders],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def check_outputs(out):
    """Every file, under whatever name, is a whole image: results are
    written into an unnamed file (O_TMPFILE) that gets a name only once it
    is complete. Returns the final names and any temporary names (only
    possible in the instant between that link and the rename)."""
    names = sorted(os.listdir(out)) if out.exists() else []
    finals = [n for n in names if n.endswith(".png")]
    others = [n for n in names if not n.endswith(".png")]
    for name in finals + others:
        assert name in finals or TEMPORARY.match(name), f"unexpected file {name}"
        with Image.open(out / name) as image:
            image.load()                    # raises on a truncated file
            assert image.size == SIZE
    return finals, others


def wait_for(predicate, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if predicate():
            return True
        time.sleep(0.002)
    return False


def test_sigkill_mid_batch(binary, big_batch, tmp_path):
    art, folders = big_batch
    out = tmp_path / "out"
    process = start(binary, out, art, folders)
    assert wait_for(lambda: out.exists() and any(n.endswith(".png") for n in os.listdir(out)), process)
    time.sleep(0.3)
    assert process.poll() is None, "the batch ended before it could be killed"
    process.kill()
    process.wait()
    finals, temporary = check_outputs(out)
    assert 1 <= len(finals) < N_TEMPLATES
    assert len(temporary) <= 1


def test_sigkill_at_any_moment(binary, big_batch, tmp_path):
    """Killed at a dozen different moments of a batch, saves included:
    never a partial file, under any name."""
    art, folders = big_batch
    for attempt in range(12):
        out = tmp_path / f"out{attempt}"
        process = start(binary, out, art, folders)
        assert wait_for(lambda: out.exists(), process)
        time.sleep(0.05 + 0.07 * attempt)
        process.kill()
        process.wait()
        finals, temporary = check_outputs(out)
        assert len(finals) < N_TEMPLATES
        assert len(temporary) <= 1


def test_sigterm_stops_cleanly(binary, big_batch, tmp_path):
    art, folders = big_batch
    out = tmp_path / "out"
    process = start(binary, out, art, folders)
    assert wait_for(lambda: out.exists() and any(n.endswith(".png") for n in os.listdir(out)), process)
    process.terminate()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert b"interrupted" in stderr
    finals, temporary = check_outputs(out)
    # saves finish before the signal is handled: nothing is left over
    assert temporary == []
    assert 1 <= len(finals) < N_TEMPLATES


def test_sigterm_stops_the_server(binary, big_batch, tmp_path):
    art, folders = big_batch
    out = tmp_path / "out"
    job = {"id": "big", "artwork": str(art), "templates": [str(f) for f in folders],
           "output_dir": str(out), "format": "png"}
    process = subprocess.Popen([binary, "--server", "-q", "--threads", "2"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write((json.dumps(job) + "\n").encode())
    process.stdin.flush()
    assert wait_for(lambda: out.exists() and any(n.endswith(".png") for n in os.listdir(out)), process)
    process.terminate()
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    lines = [json.loads(line) for line in stdout.decode().splitlines()]
    assert lines[-1]["job"] == "big" and lines[-1]["error_code"] == "cancelled"
    assert all(line["error"] is None for line in lines[:-1])
    finals, temporary = check_outputs(out)
    assert temporary == []
