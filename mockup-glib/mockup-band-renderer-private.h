/* mockup-band-renderer-private.h: one template rendered band by band
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mockup-artwork.h"
#include "mockup-format.h"
#include "mockup-render-options.h"
#include "mockup-result.h"
#include "mockup-template.h"

G_BEGIN_DECLS

/* The renderer's settings as a render sees them: copied when it starts.
 * @options (nullable, a private copy that nobody changes) are the
 * render's choices, @variant their index among a batch's variants. */
typedef struct
{
  MockupFormat format;
  guint quality;
  guint max_size;
  gboolean linear_light;
  MockupRenderOptions *options;
  guint variant;
  double min_ppi;               /* resolution warnings; 0: no check */
  double max_upscale;
  gboolean jpeg_passthrough;    /* see mockup-jpeg-passthrough-private.h */
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
/* For a message that a render needs more than the memory limit: when
 * decoding one of @template's images is most of the @needed bytes, says
 * which, "; decoding layers[0].source (photo.jpg) takes N MiB of it";
 * else "". */
char         *mockup_band_renderer_explain_memory    (const MockupRenderSettings  *settings,
                                                      MockupTemplate              *template,
                                                      guint64                      needed);

/* A template's images (its photos, masks and maps) decoded ahead of its
 * render, at the render's size: what a batch does while its artwork is
 * still being decoded and the workers would otherwise wait. */
typedef struct _MockupPreload MockupPreload;

/* The bytes a preload of @template holds; 0 when it has no images. */
gsize          mockup_band_renderer_preload_size     (const MockupRenderSettings  *settings,
                                                      MockupTemplate              *template);
MockupPreload *mockup_band_renderer_preload          (const MockupRenderSettings  *settings,
                                                      MockupTemplate              *template,
                                                      GCancellable                *cancellable,
                                                      GError                     **error);
void           mockup_preload_free                   (MockupPreload               *preload);

/* @preload (transfer full, nullable): images of @template decoded ahead. */
MockupResult *mockup_band_renderer_render            (const MockupRenderSettings  *settings,
                                                      MockupTemplate              *template,
                                                      const MockupArtworkSet      *artworks,
                                                      const GArray                *needs,
                                                      MockupPreload               *preload,
                                                      guint                        index,
                                                      GCancellable                *cancellable,
                                                      GError                     **error);

/* Renders of one template that differ only in their options (the
 * variants of a batch), side by side: each band of each of the template's
 * images is decoded once and composited into every render. The renders
 * are independent otherwise: one that fails (a bad option, an encoder
 * error) sets its error in @errors and the others go on; a failure to
 * decode an image, or @cancellable, fails all that are left. Fills
 * @results[j] (result index @indices[j]) or @errors[j] for each of the @n.
 * @settings: one for each render, alike but for their options and
 * variant. @preload (transfer full, nullable) as for a single render. */
void          mockup_band_renderer_render_group      (const MockupRenderSettings  *settings,
                                                      MockupTemplate              *template,
                                                      const MockupArtworkSet      *artworks,
                                                      const GArray                *needs,
                                                      MockupPreload               *preload,
                                                      const guint                 *indices,
                                                      guint                        n,
                                                      GCancellable                *cancellable,
                                                      MockupResult               **results,
                                                      GError                     **errors);
/* The most memory a group of @n renders of @template holds: its images'
 * decoders and row windows once, the rest @n times. */
gsize         mockup_band_renderer_estimate_group_memory (const MockupRenderSettings *settings,
                                                          MockupTemplate             *template,
                                                          guint                       n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupPreload, mockup_preload_free)

G_END_DECLS
