# mockup_import_psd: Photoshop smart-object mockups as mockup-glib templates
#
# SPDX-License-Identifier: LGPL-2.1-or-later

"""Turns a PSD or PSB mockup into a template folder (template.json and its
PNG images) that mockup-glib renders. See doc/import-psd.md.

    from mockup_import_psd import import_psd
    result = import_psd('mug.psd', 'templates/mug')
    print(result.manifest['layers'])
"""

from .importer import (DEFAULT_MEMORY_LIMIT, Options, PsdImportError, Result, import_psd, list_layers,
                       slot_names)

__all__ = ['DEFAULT_MEMORY_LIMIT', 'Options', 'PsdImportError', 'Result', 'import_psd', 'list_layers',
           'slot_names']
