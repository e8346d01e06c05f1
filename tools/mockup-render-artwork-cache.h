/* mockup-render-artwork-cache.h: decoded artworks kept between server jobs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <mockup-glib/mockup.h>

G_BEGIN_DECLS

typedef struct _MrArtworkCache MrArtworkCache;

MrArtworkCache *mr_artwork_cache_new       (MockupRenderer  *renderer,
                                            guint64          limit);
void            mr_artwork_cache_free      (MrArtworkCache  *self);
MockupArtwork  *mr_artwork_cache_acquire   (MrArtworkCache  *self,
                                            const char      *path,
                                            gboolean        *hit,
                                            GError         **error);
void            mr_artwork_cache_release   (MrArtworkCache  *self,
                                            MockupArtwork   *artwork);
gboolean        mr_artwork_cache_reclaim   (MrArtworkCache  *self);
guint64         mr_artwork_cache_get_size  (MrArtworkCache  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MrArtworkCache, mr_artwork_cache_free)

G_END_DECLS
