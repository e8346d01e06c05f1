# __main__.py: the mockup-import-psd command
#
# SPDX-License-Identifier: LGPL-2.1-or-later

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Optional, Sequence

from .importer import DEFAULT_MEMORY_LIMIT, Options, PsdImportError, import_psd, list_layers


def _size(text: str) -> int:
    """A size in bytes: a number with an optional K, M or G (MiB if none)."""
    match = re.fullmatch(r'\s*(\d+(?:\.\d+)?)\s*([KMG]i?B?)?\s*', text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError('"%s" is not a size (e.g. 2048, 512M, 4G)' % text)
    number = float(match.group(1))
    unit = (match.group(2) or 'M')[0].upper()
    value = int(number * {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}[unit])
    if value < 16 << 20:
        raise argparse.ArgumentTypeError('at least 16M')
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='mockup-import-psd',
        description='Turn a Photoshop smart-object mockup (PSD or PSB) into a mockup-glib template folder: '
                    'template.json and its PNG images. Smart objects become artwork slots, the layers below '
                    'the lowest one the photo, the layers above it overlays.')
    parser.add_argument('psd', help='the PSD or PSB file')
    parser.add_argument('folder', nargs='?',
                        help='the template folder to write (created; must be empty); '
                             'default: the PSD\'s name without its extension')
    parser.add_argument('-l', '--list', action='store_true',
                        help='print the layer tree and what each layer becomes, and write nothing')
    parser.add_argument('--hide', action='append', default=[], metavar='LAYER',
                        help='leave out a layer as if it were hidden: its path ("Group/Layer") or name, '
                             'shell wildcards allowed; may be given several times')
    parser.add_argument('--no-contents', action='store_true',
                        help='do not write the smart objects\' own contents to contents/SLOT.png')
    parser.add_argument('--memory-limit', type=_size, default=DEFAULT_MEMORY_LIMIT, metavar='SIZE',
                        help='refuse documents that would take more memory than this to import, checked '
                             'before decoding (default: %dM; K, M, G suffixes)' % (DEFAULT_MEMORY_LIMIT >> 20))
    parser.add_argument('-q', '--quiet', action='store_true', help='print only errors')
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    options = Options(memory_limit=args.memory_limit, hide=tuple(args.hide), contents=not args.no_contents)
    try:
        if args.list:
            lines, problems = list_layers(args.psd, options)
            print('\n'.join(lines))
            if problems:
                print('\n%d problem(s) would stop the import:' % len(problems), file=sys.stderr)
                for p in problems:
                    print('%s: %s' % (args.psd, p), file=sys.stderr)
                return 1
            return 0
        folder = args.folder or os.path.splitext(args.psd)[0]
        result = import_psd(args.psd, folder, options)
    except PsdImportError as e:
        print(str(e), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    if not args.quiet:
        slots = ', '.join(result.slots)
        print('%s: wrote %s with %d layer(s); slot(s): %s'
              % (args.psd, os.path.join(folder, 'template.json'), len(result.manifest['layers']), slots))
        for note in result.notes:
            print('%s: note: %s' % (args.psd, note))
    return 0


if __name__ == '__main__':
    sys.exit(main())
