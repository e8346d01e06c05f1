# test_guides.py: every code sample in the guides runs
#
# Python, JavaScript and C blocks of doc/*.md run in a folder holding
# `templates/` (the bundled templates), `artwork.png` (the bundled
# artwork) and `psd/` (the Photoshop documents of the import-psd tests);
# C blocks are compiled against the built library first.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import pathlib
import re
import shutil
import subprocess

import pytest

SOURCE = pathlib.Path(os.environ['MOCKUP_SOURCE_DIR'])
BUILD = pathlib.Path(os.environ['MOCKUP_BUILD_DIR'])
FENCE = re.compile(r'^```(python|js|c)\n(.*?)^```', re.S | re.M)


def samples():
    for guide in sorted((SOURCE / 'doc').glob('*.md')):
        for k, match in enumerate(FENCE.finditer(guide.read_text())):
            yield pytest.param(match.group(1), match.group(2), id='%s-%d-%s' % (guide.stem, k, match.group(1)))


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / 'templates').symlink_to(SOURCE / 'data' / 'templates')
    (tmp_path / 'artwork.png').symlink_to(SOURCE / 'data' / 'artwork' / 'sample-artwork.png')
    (tmp_path / 'psd').symlink_to(SOURCE / 'tests' / 'data' / 'psd')
    shutil.copy(SOURCE / 'bindings' / 'gjs' / 'mockup.js', tmp_path / 'mockup.js')
    return tmp_path


def environment():
    env = dict(os.environ)
    env['GI_TYPELIB_PATH'] = str(BUILD / 'mockup-glib')
    env['LD_LIBRARY_PATH'] = str(BUILD / 'mockup-glib')
    env['PYTHONPATH'] = os.pathsep.join([str(SOURCE / 'bindings' / 'python'), str(SOURCE / 'tools' / 'import-psd')])
    env['PKG_CONFIG_PATH'] = str(BUILD / 'meson-uninstalled')
    return env


@pytest.mark.parametrize('language,code', list(samples()))
def test_sample_runs(workdir, language, code):
    env = environment()
    if language == 'python':
        (workdir / 'sample.py').write_text(code)
        command = ['/usr/bin/python3', 'sample.py']
    elif language == 'js':
        (workdir / 'sample.js').write_text(code)
        command = ['gjs', '-m', 'sample.js']
    else:
        (workdir / 'sample.c').write_text(code)
        flags = subprocess.run(['pkg-config', '--cflags', '--libs', 'mockup-1'], env=env,
                               capture_output=True, text=True, check=True).stdout.split()
        subprocess.run(['cc', '-o', 'sample', 'sample.c', *flags], cwd=workdir, env=env, check=True)
        command = ['./sample']
    run = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert 'CRITICAL' not in run.stderr and 'WARNING' not in run.stderr, run.stderr
