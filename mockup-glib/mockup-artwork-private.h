/* mockup-artwork-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mockup-artwork.h"
#include "mockup-texture-private.h"

G_BEGIN_DECLS

/* The decoded artwork, at least @width × @height (never more than the
 * source): decoded once, area-filtered down as it streams in, mipmapped, and
 * kept for every later render that needs no more. */
MockupTexture *_mockup_artwork_get_texture     (MockupArtwork  *self,
                                                int             width,
                                                int             height,
                                                gboolean        linear,
                                                GCancellable   *cancellable,
                                                GError        **error);
/* What decoding at @width × @height costs, the texture included, or 0 if
 * a texture that large is decoded already. */
gsize          _mockup_artwork_estimate_memory (MockupArtwork  *self,
                                                int             width,
                                                int             height,
                                                gboolean        linear);
/* For a message that a render needs more than the memory limit: when
 * decoding @self, at a cost of @cost bytes, is most of the @needed, says
 * so, "; decoding the artwork FILE takes N MiB of it" (a header can
 * announce any size); else "". */
char          *_mockup_artwork_explain_memory  (MockupArtwork  *self,
                                                guint64         cost,
                                                guint64         needed);

G_END_DECLS
