# test_gir.py: the GIR is complete, and every part of it is exercised by
# the Python suite
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import pathlib
import re
import xml.etree.ElementTree as ET

BUILD = pathlib.Path(os.environ['MOCKUP_BUILD_DIR'])
SOURCE = pathlib.Path(os.environ['MOCKUP_SOURCE_DIR'])
NS = {'gi': 'http://www.gtk.org/introspection/core/1.0',
      'c': 'http://www.gtk.org/introspection/c/1.0'}


def gir():
    return ET.parse(BUILD / 'mockup-glib' / 'Mockup-1.gir').getroot()


def test_nothing_is_left_out():
    """Every symbol is introspectable: no varargs, no callback without
    scope and user data, no foreign struct."""
    bad = [el.get('name') or el.get('{%s}identifier' % NS['c'])
           for el in gir().iter() if el.get('introspectable') == '0']
    assert bad == [], 'not introspectable: %s' % bad


def test_every_symbol_is_documented():
    undocumented = []
    for el in gir().iter():
        tag = el.tag.split('}')[1]
        if tag in ('class', 'method', 'constructor', 'function', 'enumeration',
                   'property', 'glib:signal', 'signal', 'member', 'constant'):
            if el.find('gi:doc', NS) is None:
                undocumented.append('%s %s' % (tag, el.get('name')))
    assert undocumented == [], undocumented


def public_api():
    """Names a Python caller uses: methods, constructors, functions,
    properties (as props.name_with_underscores) and signals."""
    names = set()
    ns = gir().find('gi:namespace', NS)
    for cls in ns.findall('gi:class', NS) + ns.findall('gi:enumeration', NS):
        for kind in ('gi:method', 'gi:constructor', 'gi:function'):
            for el in cls.findall(kind, NS):
                if el.get('name').endswith('_finish'):
                    continue                 # used through their _async twin
                names.add(el.get('name'))
        for prop in cls.findall('gi:property', NS):
            names.add(prop.get('name').replace('-', '_'))
        for sig in cls.findall('glib:signal', {'glib': 'http://www.gtk.org/introspection/glib/1.0'}):
            names.add(sig.get('name'))
    for fn in ns.findall('gi:function', NS):
        names.add(fn.get('name'))
    return names


def test_python_suite_covers_the_api():
    text = '\n'.join(p.read_text() for p in (SOURCE / 'tests' / 'python').glob('test_*.py'))
    missing = sorted(n for n in public_api() if not re.search(r'\b%s\b' % re.escape(n), text))
    assert missing == [], 'not exercised from Python: %s' % missing


def test_gjs_suite_covers_the_api():
    text = '\n'.join(p.read_text() for p in (SOURCE / 'tests' / 'gjs').glob('*.js'))
    text += (SOURCE / 'bindings' / 'gjs' / 'mockup.js').read_text()
    missing = sorted(n for n in public_api() if not re.search(r'\b%s\b' % re.escape(n), text))
    # the GJS suite is smaller; these are what it must at least reach
    essential = {'new_from_file', 'render', 'render_async', 'render_batch_async', 'next_async',
                 'get_pixbuf', 'get_bytes', 'get_error', 'cancel', 'progress', 'template_id'}
    assert not (essential & set(missing)), sorted(essential & set(missing))
