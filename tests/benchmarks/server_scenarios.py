# server_scenarios.py: the benchmark's server runs (issue 13), for tests/benchmarks/run
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Two questions, each answered by runs of the real `mockup-render --server`:
#
# 1. Does one server keep this machine's cores busy in little memory?
#    8 jobs of 1 template each, 8 different artworks (the fixture's 4096²
#    artwork turned and mirrored: the 8 symmetries of a square, each its own
#    PNG file), on one server with its default --jobs, --memory-limit 48M.
#    Targets: CPU utilisation (user+sys) / (wall × processors) >= 85 %, peak
#    RSS <= 64 MB. The same jobs with --jobs 1 are measured alongside.
#
# 2. One server process against one process per core, the other way to
#    use a machine: 2 jobs per processor, each the 10 fixture templates with
#    its own artwork. One server (default --jobs and --threads) against
#    N = processors servers with --threads 1 --jobs 1 that split the jobs
#    and run at once. Target (meant for many cores; on 2 cores it is shown,
#    not judged): the server reaches >= 85 % of their mockups/s at <= 1/4
#    of their summed peak RSS.
#
# Wall time, CPU time and peak RSS are /usr/bin/time's for each process.

import json
import os
import shutil
import subprocess
import tempfile
import time

from PIL import Image

SERVER_MEMORY_LIMIT = "48M"
N_ARTWORKS = 8
TARGETS = {
    "server_cpu_utilisation": 0.85,   # at least
    "server_rss_mb": 64,              # at most
    "server_vs_processes_rate": 0.85, # at least
    "server_vs_processes_rss": 0.25,  # at most
    "many_cores": 8,                  # processors from which target 2 is judged
}


def artworks(fixtures, say):
    """The fixture artwork's 8 symmetries, generated once beside it."""
    folder = os.path.join(fixtures, "server-artworks")
    paths = [os.path.join(folder, "artwork-%d.png" % i) for i in range(N_ARTWORKS)]
    source = os.path.join(fixtures, "artwork.png")
    if all(os.path.exists(p) and os.path.getmtime(p) >= os.path.getmtime(source) for p in paths):
        return paths
    os.makedirs(folder, exist_ok=True)
    with Image.open(source) as image:
        image.load()
        for i, path in enumerate(paths):
            variant = image.rotate(90 * (i % 4), expand=True)
            if i >= 4:
                variant = variant.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            say("server artworks: writing %s" % path)
            variant.save(path + ".tmp", format="PNG", compress_level=6)
            os.replace(path + ".tmp", path)
    return paths


def templates(fixtures):
    return sorted(os.path.join(fixtures, name) for name in os.listdir(fixtures)
                  if name.startswith("bench-"))


def job_lines(specs):
    return "".join(json.dumps(spec) + "\n" for spec in specs)


def start(cmd, stdin_text, workdir, name):
    """Starts cmd under /usr/bin/time with stdin_text as its input."""
    time_file = os.path.join(workdir, name + ".time")
    stdin_file = os.path.join(workdir, name + ".jsonl")
    with open(stdin_file, "w") as f:
        f.write(stdin_text)
    full = ["/usr/bin/time", "-f", "%e %M %U %S", "-o", time_file] + cmd
    process = subprocess.Popen(full, stdin=open(stdin_file), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    return process, time_file


def finish(process, time_file):
    out, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError("server failed (%d): %s" % (process.returncode, err[-2000:]))
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    done = [line for line in lines if "done" in line or ("error" in line and "index" not in line)]
    failed = [line for line in lines if line.get("error")]
    if failed:
        raise RuntimeError("server jobs failed: %s" % failed[:3])
    with open(time_file) as f:
        fields = f.read().split()[-4:]
    return {"wall_s": float(fields[0]), "peak_rss_mb": int(fields[1]) / 1024,
            "cpu_s": float(fields[2]) + float(fields[3]),
            "mockups": sum(line.get("rendered", 0) for line in done),
            "artworks_cached": sum(1 for line in done if line.get("artwork_cached"))}


def measure_one(cmd, stdin_text, workdir):
    return finish(*start(cmd, stdin_text, workdir, "one"))


def measure_many(cmds_and_inputs, workdir):
    """Runs the commands at once; wall is until the last one ends."""
    began = time.monotonic()
    started = [start(cmd, text, workdir, "p%d" % i) for i, (cmd, text) in enumerate(cmds_and_inputs)]
    results = [finish(p, t) for p, t in started]
    wall = time.monotonic() - began
    return {"wall_s": wall, "peak_rss_mb": sum(r["peak_rss_mb"] for r in results),
            "cpu_s": sum(r["cpu_s"] for r in results), "mockups": sum(r["mockups"] for r in results),
            "processes": len(results)}


def plan(binary, fixtures, say):
    """[(key, label, function () → report)], run alternating with the
    other scenarios by tests/benchmarks/run."""
    arts = artworks(fixtures, say)
    tmpls = templates(fixtures)
    cpus = os.cpu_count() or 1
    out_root = tempfile.mkdtemp(prefix="mockup-bench-server-")

    def workdir():
        path = tempfile.mkdtemp(dir=out_root)
        return path

    def eight_by_one(jobs):
        def run():
            w = workdir()
            specs = [{"id": i, "artwork": arts[i], "templates": [tmpls[i % len(tmpls)]],
                      "output_dir": os.path.join(w, "out")} for i in range(N_ARTWORKS)]
            cmd = [binary, "--server", "-q", "--memory-limit", SERVER_MEMORY_LIMIT]
            if jobs:
                cmd += ["--jobs", str(jobs)]
            report = measure_one(cmd, job_lines(specs), w)
            report["cpu_utilisation"] = report["cpu_s"] / (report["wall_s"] * cpus)
            shutil.rmtree(w)
            return report
        return run

    n_jobs = 2 * cpus

    def wide_specs(w):
        return [{"id": i, "artwork": arts[i % N_ARTWORKS], "templates": tmpls,
                 "output_dir": os.path.join(w, "out%d" % i)} for i in range(n_jobs)]

    def one_server():
        w = workdir()
        report = measure_one([binary, "--server", "-q"], job_lines(wide_specs(w)), w)
        report["mockups_per_s"] = report["mockups"] / report["wall_s"]
        shutil.rmtree(w)
        return report

    def per_core():
        w = workdir()
        specs = wide_specs(w)
        runs = [([binary, "--server", "-q", "--threads", "1", "--jobs", "1"],
                 job_lines(specs[i::cpus])) for i in range(cpus)]
        report = measure_many(runs, w)
        report["mockups_per_s"] = report["mockups"] / report["wall_s"]
        shutil.rmtree(w)
        return report

    return [
        ("server-8x1", "server: 8 jobs × 1 template, 8 artworks, default --jobs", eight_by_one(None)),
        ("server-8x1-jobs1", "server: the same, --jobs 1", eight_by_one(1)),
        ("server-wide", "server: %d jobs × %d templates, one process" % (n_jobs, len(tmpls)), one_server),
        ("per-core-wide", "the same jobs on %d processes, 1 thread each" % cpus, per_core),
    ]


def median(values):
    values = sorted(values)
    n = len(values)
    return (values[n // 2] + values[(n - 1) // 2]) / 2 if n else None


def summarize(runs):
    s = {}
    for key, reports in runs.items():
        if not reports:
            continue
        s[key] = {field: median([r[field] for r in reports])
                  for field in reports[0] if isinstance(reports[0][field], (int, float))}
        s[key]["n"] = len(reports)
    return s


def verdicts(s):
    v = []
    cpus = os.cpu_count() or 1

    def add(name, value, target, ok, text):
        v.append({"name": name, "value": value, "target": target, "pass": ok, "text": text,
                  "paired": None})

    if "server-8x1" in s:
        x = s["server-8x1"]
        add("server 8×1: CPU utilisation", x["cpu_utilisation"], ">= 85%",
            x["cpu_utilisation"] >= TARGETS["server_cpu_utilisation"], "%.0f%%" % (100 * x["cpu_utilisation"]))
        add("server 8×1: peak RSS", x["peak_rss_mb"], "<= 64 MB",
            x["peak_rss_mb"] <= TARGETS["server_rss_mb"], "%.1f MB" % x["peak_rss_mb"])
    if "server-wide" in s and "per-core-wide" in s:
        a, b = s["server-wide"], s["per-core-wide"]
        judged = cpus >= TARGETS["many_cores"]
        rate = a["mockups_per_s"] / b["mockups_per_s"]
        rss = a["peak_rss_mb"] / b["peak_rss_mb"]
        add("server / per-core processes: mockups/s", rate, ">= 0.85",
            rate >= TARGETS["server_vs_processes_rate"] if judged else None,
            "%.2f" % rate + ("" if judged else " (%d cores: info)" % cpus))
        add("server / per-core processes: peak RSS", rss, "<= 1/4",
            rss <= TARGETS["server_vs_processes_rss"] if judged else None,
            "%.2f" % rss + ("" if judged else " (%d cores: info)" % cpus))
    return v


def print_table(s, labels):
    print("server runs (median of %d)" % max((x["n"] for x in s.values()), default=0))
    print("%-56s %8s %7s %9s %10s %11s" % ("run", "wall s", "CPU s", "CPU use", "peak RSS", "mockups/s"))
    print("-" * 106)
    cpus = os.cpu_count() or 1
    for key, label in labels:
        if key not in s:
            continue
        x = s[key]
        print("%-56s %8.3f %7.2f %8.0f%% %7.1f MB %11.2f" % (
            label, x["wall_s"], x["cpu_s"], 100 * x["cpu_s"] / (x["wall_s"] * cpus), x["peak_rss_mb"],
            x["mockups"] / x["wall_s"]))
    print()
