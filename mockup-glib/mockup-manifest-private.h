/* mockup-manifest-private.h: reading a template manifest safely and
 * parsing it into JSON with the checks json-glib does not make
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Arrays and objects a manifest may nest: the format needs 6 (a mesh
 * point in a row in a mesh in a layer in layers in the root); json-glib's
 * parser recurses once per level. */
#define MOCKUP_MAX_MANIFEST_DEPTH 64

/* Reads the manifest at @path: a regular file of at most
 * MOCKUP_MAX_MANIFEST_SIZE bytes, nul-terminated, its length without the
 * nul in @length. @label names the file in errors. */
char     *mockup_manifest_read  (const char  *path,
                                 const char  *label,
                                 gsize       *length,
                                 GError     **error);

/* Parses a manifest's text, @length bytes or up to a nul if -1, of at
 * most MOCKUP_MAX_MANIFEST_SIZE bytes. Beyond json-glib's own checks, it
 * refuses nesting deeper than MOCKUP_MAX_MANIFEST_DEPTH (before json-glib
 * sees the text), a member given twice in one object and \u0000 in a
 * string or a member name; errors name @label and the member. */
JsonNode *mockup_manifest_parse (const char  *data,
                                 gssize       length,
                                 const char  *label,
                                 GError     **error);

G_END_DECLS
