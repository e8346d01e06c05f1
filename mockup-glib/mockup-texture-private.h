/* mockup-texture-private.h: a decoded artwork, mipmapped, and its sampler
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "mockup-geometry-private.h"

G_BEGIN_DECLS

#define MOCKUP_TEXTURE_MAX_LEVELS 24
#define MOCKUP_TEXTURE_MAX_ANISOTROPY 16

typedef struct
{
  int width;
  int height;
  guint32 *argb;     /* premultiplied sRGB, 8 bits a channel */
  guint16 *rgba;     /* premultiplied linear light, 16 bits a channel */
} MockupTextureLevel;

/* Immutable once built: shared read-only by every render that uses it. */
typedef struct
{
  gatomicrefcount ref_count;
  int n_levels;
  MockupTextureLevel levels[MOCKUP_TEXTURE_MAX_LEVELS];
} MockupTexture;

/* The part of the texture the slot shows, in normalised texture
 * coordinates: cover crops, stretch and contain show it all. */
typedef struct
{
  float x, y, width, height;
} MockupCrop;

/* Takes @argb (premultiplied sRGB, tightly packed, from
 * mockup_buffer_alloc ()) and builds the pyramid
 * with area filtering, averaging in linear light if @linear. Returns %NULL,
 * having freed @argb, when there is no memory for the pyramid. */
MockupTexture *mockup_texture_new             (guint32              *argb,
                                               int                   width,
                                               int                   height,
                                               gboolean              linear);
MockupTexture *mockup_texture_ref             (MockupTexture        *self);
void           mockup_texture_unref           (MockupTexture        *self);
gsize          mockup_texture_estimate_memory (int                   width,
                                               int                   height,
                                               gboolean              linear);

/* Filters a linear texture under each output pixel's footprint:
 * anisotropic trilinear sampling along the footprint's long axis, so that
 * shrinking by perspective averages what a pixel covers instead of
 * aliasing. Writes premultiplied linear-light RGBA in [0, 1]. */
void           mockup_texture_sample          (const MockupTexture      *self,
                                               const MockupCrop         *crop,
                                               const MockupSurfacePoint *point,
                                               float                     rgba[4]);
/* The same filter on an 8-bit (not linear) texture in fixed point, two
 * channels to a 32-bit lane: premultiplied ARGB32 straight out, several
 * times faster than the float path and within a level of it. Samples a row
 * of pixels, where @wanted is non-zero; 0 elsewhere. */
void           mockup_texture_sample_row_argb (const MockupTexture      *self,
                                               const MockupCrop         *crop,
                                               const MockupSurfacePoint *points,
                                               const guint8             *wanted,
                                               int                       n,
                                               guint32                  *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupTexture, mockup_texture_unref)

G_END_DECLS
