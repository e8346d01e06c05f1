# test_gir.py: the GIR is complete, and every part of it is exercised by
# the Python suite
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import ast
import io
import os
import pathlib
import re
import tokenize
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
    """What a caller uses, by kind: 'call' for methods, constructors and
    functions, 'property' for properties (with underscores), 'signal'."""
    api = {'call': set(), 'property': set(), 'signal': set()}
    glib = {'glib': 'http://www.gtk.org/introspection/glib/1.0'}
    ns = gir().find('gi:namespace', NS)
    for cls in ns.findall('gi:class', NS) + ns.findall('gi:enumeration', NS):
        for kind in ('gi:method', 'gi:constructor', 'gi:function'):
            for el in cls.findall(kind, NS):
                if el.get('name').endswith('_finish'):
                    continue                 # used through their _async twin
                api['call'].add(el.get('name'))
        for prop in cls.findall('gi:property', NS):
            api['property'].add(prop.get('name').replace('-', '_'))
        for sig in cls.findall('glib:signal', glib):
            api['signal'].add(sig.get('name'))
    for fn in ns.findall('gi:function', NS):
        api['call'].add(fn.get('name'))
    return api


def python_uses(source):
    """The calls, properties and signals that Python code uses, from its
    tokens, so that a name in a comment or a docstring does not count:
    `.name(` is a call; `.props.name`, a `name=` keyword argument of a
    `Mockup.Class(…)` and `get_property('name')` are properties;
    `connect('name', …)` a signal."""
    uses = {'call': set(), 'property': set(), 'signal': set()}
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE,
                                tokenize.INDENT, tokenize.DEDENT)]
    constructing = []       # per open bracket: whether it is a Mockup.Class(
    for i, token in enumerate(tokens):
        before = tokens[i - 1].string if i > 0 else ''
        after = tokens[i + 1].string if i + 1 < len(tokens) else ''
        if token.type == tokenize.OP and token.string in '([{':
            constructing.append(token.string == '(' and i > 2 and tokens[i - 3].string == 'Mockup'
                                and tokens[i - 2].string == '.' and tokens[i - 1].string[:1].isupper())
        elif token.type == tokenize.OP and token.string in ')]}':
            constructing.pop()
        elif token.type == tokenize.NAME:
            if before == '.' and after == '(':
                uses['call'].add(token.string)
            if before == '.' and i > 1 and tokens[i - 2].string == 'props':
                uses['property'].add(token.string)
            if constructing and constructing[-1] and after == '=' and before in ('(', ','):
                uses['property'].add(token.string)
        elif token.type == tokenize.STRING and before == '(' and i > 1:
            function = tokens[i - 2].string
            value = ast.literal_eval(token.string)
            if function == 'connect':
                uses['signal'].add(value.split('::')[0])
                if value.startswith('notify::'):
                    uses['property'].add(value[len('notify::'):].replace('-', '_'))
            elif function in ('get_property', 'set_property'):
                uses['property'].add(value.replace('-', '_'))
    return uses


def strip_js_comments(source):
    """JavaScript without its comments; strings and template literals kept."""
    out, i, n = [], 0, len(source)
    while i < n:
        c = source[i]
        if source.startswith('//', i):
            i = source.find('\n', i)
            i = n if i < 0 else i
        elif source.startswith('/*', i):
            i = source.find('*/', i + 2)
            i = n if i < 0 else i + 2
            out.append(' ')
        elif c in '\'"`':
            j = i + 1
            while j < n and source[j] != c:
                j += 2 if source[j] == '\\' else 1
            out.append(source[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def js_uses(source, api):
    """As python_uses, for GJS: `.name(` is a call; `.name` or `name:` in
    a constructor's object a property; `connect('name', …)` a signal."""
    code = strip_js_comments(source)
    uses = {'call': set(), 'property': set(), 'signal': set()}
    for name in api['call']:
        if re.search(r'\.%s\s*\(' % re.escape(name), code):
            uses['call'].add(name)
    for name in api['property']:
        if re.search(r'\.%s\b(?!\s*\()|[{,]\s*%s\s*:' % (re.escape(name), re.escape(name)), code):
            uses['property'].add(name)
    for match in re.finditer(r'\.connect\(\s*[\'"]([\w-]+)', code):
        uses['signal'].add(match.group(1))
    return uses


def missing_from(api, uses):
    return sorted('%s %s' % (kind, name) for kind, names in api.items()
                  for name in names - uses[kind])


def test_python_suite_covers_the_api():
    api = public_api()
    uses = {'call': set(), 'property': set(), 'signal': set()}
    for path in (SOURCE / 'tests' / 'python').glob('test_*.py'):
        for kind, names in python_uses(path.read_text()).items():
            uses[kind] |= names
    missing = missing_from(api, uses)
    assert missing == [], 'not exercised from Python: %s' % missing


def test_gjs_suite_covers_the_api():
    api = public_api()
    text = '\n'.join(p.read_text() for p in (SOURCE / 'tests' / 'gjs').glob('*.js'))
    text += (SOURCE / 'bindings' / 'gjs' / 'mockup.js').read_text()
    missing = set(missing_from(api, js_uses(text, api)))
    # the GJS suite is smaller; these are what it must at least reach
    essential = {'call new_from_file', 'call render', 'call render_async', 'call render_batch_async',
                 'call next_async', 'call get_pixbuf', 'call get_bytes', 'call get_error', 'call cancel',
                 'signal progress', 'property template_id'}
    assert not (essential & missing), sorted(essential & missing)


def test_comments_do_not_count():
    api = {'call': {'render', 'cancel'}, 'property': {'max_size', 'index'}, 'signal': {'progress'}}
    python = python_uses(
        '# renderer.render(x) and batch.cancel()\n'
        'def f(batch):\n'
        '    """batch.cancel() and props.index"""\n'
        '    batch.connect("progress", print)\n'
        '    image.save(path, index=1)\n'
        '    return Mockup.Renderer(max_size=3), render\n')
    assert missing_from(api, python) == ['call cancel', 'call render', 'property index']
    js = js_uses('// renderer.render(x)\n/* batch.cancel(); r.index */\n'
                 'const r = new Mockup.Renderer({max_size: 3});\n'
                 'batch.connect("progress", () => {}); const s = "//"; r.cancel();\n', api)
    assert missing_from(api, js) == ['call render', 'property index']
