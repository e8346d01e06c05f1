/* mockup-exif-private.h: the one EXIF tag a renderer needs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads the orientation tag (1 to 8) from a TIFF-structured EXIF block
 * (a JPEG APP1 payload after "Exif\0\0", or a PNG eXIf chunk). Anything
 * missing, out of bounds or malformed reads as 1, the identity. */
int mockup_exif_get_orientation (const guint8 *data,
                                 gsize         length);

G_END_DECLS
