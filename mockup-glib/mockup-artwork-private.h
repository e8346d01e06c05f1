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

G_END_DECLS
