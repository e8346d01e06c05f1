/* mockup-band-renderer-private.h: one template rendered band by band
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mockup-artwork.h"
#include "mockup-format.h"
#include "mockup-result.h"
#include "mockup-template.h"

G_BEGIN_DECLS

/* The renderer's settings as a render sees them: copied when it starts. */
typedef struct
{
  MockupFormat format;
  guint quality;
  guint max_size;
  gboolean linear_light;
} MockupRenderSettings;

/* Which artwork fills which slot: @slots (slot name → MockupArtwork) first,
 * then @fallback for every other slot. */
typedef struct
{
  MockupArtwork *fallback;
  GHashTable *slots;
} MockupArtworkSet;

/* An artwork and the smallest decoded size that serves a template. */
typedef struct
{
  MockupArtwork *artwork;
  int width;
  int height;
} MockupArtworkNeed;

void          mockup_band_renderer_get_size          (const MockupRenderSettings  *settings,
                                                      MockupTemplate              *template,
                                                      int                         *width,
                                                      int                         *height);
/* Adds to @needs (an array of MockupArtworkNeed, one per artwork) the size
 * each artwork must be decoded at for @template, growing entries that are
 * there already. Fails if a slot has no artwork. */
gboolean      mockup_band_renderer_add_needs         (const MockupRenderSettings  *settings,
                                                      MockupTemplate              *template,
                                                      const MockupArtworkSet      *artworks,
                                                      GArray                      *needs,
                                                      GError                     **error);
/* The most memory a render of @template holds, the artwork textures aside. */
gsize         mockup_band_renderer_estimate_memory   (const MockupRenderSettings  *settings,
                                                      MockupTemplate              *template);
MockupResult *mockup_band_renderer_render            (const MockupRenderSettings  *settings,
                                                      MockupTemplate              *template,
                                                      const MockupArtworkSet      *artworks,
                                                      const GArray                *needs,
                                                      guint                        index,
                                                      GCancellable                *cancellable,
                                                      GError                     **error);

G_END_DECLS
