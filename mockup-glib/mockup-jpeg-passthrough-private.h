/* mockup-jpeg-passthrough-private.h: JPEG out at the photo's own size,
 * with only the blocks a render changes coded again
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mockup-band-renderer-private.h"

G_BEGIN_DECLS

/* A render of a template whose bottom layer is an opaque JPEG photo, to
 * JPEG at the photo's size: the photo's DCT coefficients are read, the
 * MCUs a layer can change are marked, the band renderer composites only
 * the bands holding a marked MCU, over photo pixels decoded from those
 * coefficients, and every marked MCU whose pixels did change is coded
 * again with the photo's own quantisation tables and sampling. Every other
 * block, and the photo's markers, go to the output unchanged.
 * See doc/performance.md, "JPEG pass-through". */
typedef struct _MockupJpegPassthrough MockupJpegPassthrough;

/* Whether the path may apply, from the settings and what the template's
 * manifest check already knows; cheap: no file is read. On FALSE, @reason
 * (may be NULL) says why not. */
gboolean               mockup_jpeg_passthrough_may_apply (const MockupRenderSettings  *settings,
                                                          MockupTemplate              *template,
                                                          const char                 **reason);
/* The coefficients a pass-through holds, when it may apply; else 0. */
gsize                  mockup_jpeg_passthrough_estimate_memory (const MockupRenderSettings *settings,
                                                                MockupTemplate             *template);

/* Reads the photo's header. NULL without an error, and @reason set, when
 * the path does not apply to this photo (greyscale, CMYK, a colour
 * profile other than sRGB, a quality below the one asked for...); NULL
 * with an error naming the file when the photo cannot be read. */
MockupJpegPassthrough *mockup_jpeg_passthrough_new       (const MockupRenderSettings  *settings,
                                                          MockupTemplate              *template,
                                                          GCancellable                *cancellable,
                                                          const char                 **reason,
                                                          GError                     **error);
/* Marks the MCUs touching output pixels [x0, x1) × [y0, y1). */
void                   mockup_jpeg_passthrough_mark_rect (MockupJpegPassthrough       *self,
                                                          int                          x0,
                                                          int                          y0,
                                                          int                          x1,
                                                          int                          y1);
/* Marks the MCUs within @margin pixels (and one more, for the
 * antialiased edge) of a polygon of @n_points (x, y) output pixels. */
void                   mockup_jpeg_passthrough_mark_outline (MockupJpegPassthrough    *self,
                                                             const double             *outline,
                                                             guint                     n_points,
                                                             int                       margin);
/* Marks the MCUs layer @index of the template can change: where its
 * source's alpha and its mask are not zero (a block map made once and
 * kept with the template), everywhere for an opaque unmasked layer. */
gboolean               mockup_jpeg_passthrough_mark_layer (MockupJpegPassthrough      *self,
                                                           guint                       index,
                                                           GCancellable               *cancellable,
                                                           GError                    **error);
/* Decides: FALSE with @reason when more than 3/4 of the MCUs are marked
 * (today's path is then as fast); else reads the coefficients. */
gboolean               mockup_jpeg_passthrough_start     (MockupJpegPassthrough       *self,
                                                          const char                 **reason,
                                                          GError                     **error);
/* Whether rows [y, y + n) hold a marked MCU. Bands are BAND_ROWS (32)
 * rows, a multiple of any MCU height. */
gboolean               mockup_jpeg_passthrough_band_marked (MockupJpegPassthrough     *self,
                                                            int                        y,
                                                            int                        n);
/* Every band, marked or not, is read before it is decoded, and written
 * after it is encoded: a streamed photo holds only a band of blocks. */
gboolean               mockup_jpeg_passthrough_read_band  (MockupJpegPassthrough      *self,
                                                           int                         y,
                                                           int                         n,
                                                           GError                    **error);
gboolean               mockup_jpeg_passthrough_write_band (MockupJpegPassthrough      *self,
                                                           int                         y,
                                                           int                         n,
                                                           GError                    **error);
/* The photo's pixels of the marked MCUs of rows [y, y + n) into @band
 * (ARGB32, @stride pixels a row), decoded from its coefficients. */
void                   mockup_jpeg_passthrough_decode_band (MockupJpegPassthrough     *self,
                                                            int                        y,
                                                            int                        n,
                                                            guint32                   *band,
                                                            gsize                      stride);
/* Codes again every marked MCU of the band whose pixels differ from what
 * decode_band () gave. */
void                   mockup_jpeg_passthrough_encode_band (MockupJpegPassthrough     *self,
                                                            int                        y,
                                                            int                        n,
                                                            const guint32             *band,
                                                            gsize                      stride);
GBytes                *mockup_jpeg_passthrough_finish    (MockupJpegPassthrough       *self,
                                                          GError                     **error);
void                   mockup_jpeg_passthrough_free      (MockupJpegPassthrough       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupJpegPassthrough, mockup_jpeg_passthrough_free)

G_END_DECLS
