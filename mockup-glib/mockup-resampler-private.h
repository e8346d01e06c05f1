/* mockup-resampler-private.h: streaming separable area resampling
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Resizes premultiplied ARGB32 rows as they stream past: source rows go in
 * top to bottom, destination rows come out top to bottom, and only as many
 * rows as one output row's filter spans are kept. Shrinking averages the
 * covered area (a box filter, which is what "decode at a smaller size" must
 * do to avoid aliasing); enlarging interpolates linearly. */
typedef struct _MockupResampler MockupResampler;

MockupResampler *mockup_resampler_new             (int                src_width,
                                                   int                src_height,
                                                   int                dst_width,
                                                   int                dst_height,
                                                   gboolean           linear_light);
void             mockup_resampler_free            (MockupResampler   *self);
/* Whether another source row must be pushed before the next output row. */
gboolean         mockup_resampler_needs_input     (MockupResampler   *self);
void             mockup_resampler_push_row        (MockupResampler   *self,
                                                   const guint32     *row);
void             mockup_resampler_pull_row        (MockupResampler   *self,
                                                   guint32           *row);
gsize            mockup_resampler_estimate_memory (int                src_width,
                                                   int                src_height,
                                                   int                dst_width,
                                                   int                dst_height);

/* Resizes a whole image with the same filter. */
void             mockup_resample_image            (const guint32     *src,
                                                   int                src_width,
                                                   int                src_height,
                                                   gsize              src_stride,
                                                   guint32           *dst,
                                                   int                dst_width,
                                                   int                dst_height,
                                                   gsize              dst_stride,
                                                   gboolean           linear_light);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupResampler, mockup_resampler_free)

G_END_DECLS
