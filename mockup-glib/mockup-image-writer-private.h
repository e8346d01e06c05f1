/* mockup-image-writer-private.h: encoders fed band by band
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "mockup-format.h"

G_BEGIN_DECLS

typedef struct _MockupImageWriter MockupImageWriter;

/* @background (straight RGBA in [0, 1]) is what JPEG flattens
 * transparency onto. */
MockupImageWriter *mockup_image_writer_new             (MockupFormat        format,
                                                        int                 width,
                                                        int                 height,
                                                        guint               quality,
                                                        const double        background[4],
                                                        GError            **error);
/* Takes premultiplied ARGB32 rows, in order. */
gboolean           mockup_image_writer_write_rows      (MockupImageWriter  *self,
                                                        const guint32      *rows,
                                                        gsize               stride,
                                                        int                 n_rows,
                                                        GError            **error);
/* Completes the image: encoded bytes, or for MOCKUP_FORMAT_PIXBUF a pixbuf. */
gboolean           mockup_image_writer_finish          (MockupImageWriter  *self,
                                                        GBytes            **bytes,
                                                        GdkPixbuf         **pixbuf,
                                                        GError            **error);
void               mockup_image_writer_free            (MockupImageWriter  *self);
gsize              mockup_image_writer_estimate_memory (MockupFormat        format,
                                                        int                 width,
                                                        int                 height,
                                                        guint               quality);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupImageWriter, mockup_image_writer_free)

G_END_DECLS
