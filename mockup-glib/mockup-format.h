/* mockup-format.h: output formats
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include "mockup-version-macros.h"

G_BEGIN_DECLS

/**
 * MockupFormat:
 * @MOCKUP_FORMAT_JPEG: baseline JPEG, streamed band by band; transparent
 *   areas are flattened onto the template's background (white by default)
 * @MOCKUP_FORMAT_PNG: 8-bit RGBA PNG, streamed band by band
 * @MOCKUP_FORMAT_WEBP: lossy WebP with alpha (lossless at quality 100); the
 *   encoder needs the whole frame in memory
 * @MOCKUP_FORMAT_PIXBUF: no encoding: the result carries a [class@GdkPixbuf.Pixbuf]
 *   and [method@Mockup.Result.get_bytes] returns %NULL; the quickest choice
 *   for on-screen previews
 *
 * What a render produces. Every encoded output is tagged sRGB.
 */
typedef enum {
  MOCKUP_FORMAT_JPEG,
  MOCKUP_FORMAT_PNG,
  MOCKUP_FORMAT_WEBP,
  MOCKUP_FORMAT_PIXBUF,
} MockupFormat;

MOCKUP_AVAILABLE_IN_1_0
const char   *mockup_format_get_extension (MockupFormat format);
MOCKUP_AVAILABLE_IN_1_0
const char   *mockup_format_get_mime_type (MockupFormat format);
MOCKUP_AVAILABLE_IN_1_0
gboolean      mockup_format_from_string   (const char   *name,
                                           MockupFormat *format);

G_END_DECLS
