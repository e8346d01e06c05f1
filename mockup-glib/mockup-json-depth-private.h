/* mockup-json-depth-private.h: refusing JSON that nests too deep before
 * json-glib's recursive parser sees it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Depends on GLib and the MockupError domain only: mockup-render compiles
 * the same source for its job lines.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Scans @length bytes of JSON text once, without parsing it, and fails
 * with MOCKUP_ERROR_INVALID_TEMPLATE, "the JSON text nests deeper than N
 * levels (at line:column L:C)", at the first '[' or '{' that opens level
 * @max_depth + 1. Brackets in strings and comments do not count, as
 * json-glib tokenizes them (see the .c file). The text need not be valid
 * JSON: errors other than the depth are left to the parser. @depth_reached, if not NULL, receives
 * the deepest level reached (at most @max_depth + 1). */
gboolean mockup_json_check_depth (const char  *data,
                                  gsize        length,
                                  guint        max_depth,
                                  guint       *depth_reached,
                                  GError     **error);

/* What JSON text from outside must pass before json-glib parses it: the
 * depth check above, and what json-glib 1.6 mishandles: text after the
 * first value (parsed, dropped and leaked), escapes that JSON does not
 * have (some leak), and a "\u" escape of half a UTF-16 surrogate pair
 * (turned into bytes that are not UTF-8). Fails with
 * MOCKUP_ERROR_INVALID_TEMPLATE, saying what and where (line:column). */
gboolean mockup_json_check_text  (const char  *data,
                                  gsize        length,
                                  guint        max_depth,
                                  GError     **error);

G_END_DECLS
