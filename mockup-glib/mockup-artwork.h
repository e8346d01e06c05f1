/* mockup-artwork.h: the customer's image, decoded once at the size needed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "mockup-version-macros.h"

G_BEGIN_DECLS

#define MOCKUP_TYPE_ARTWORK (mockup_artwork_get_type ())

MOCKUP_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MockupArtwork, mockup_artwork, MOCKUP, ARTWORK, GObject)

MOCKUP_AVAILABLE_IN_1_0
MockupArtwork *mockup_artwork_new_from_file   (const char     *path,
                                               GError        **error);
MOCKUP_AVAILABLE_IN_1_0
MockupArtwork *mockup_artwork_new_from_bytes  (GBytes         *bytes,
                                               GError        **error);
MOCKUP_AVAILABLE_IN_1_0
MockupArtwork *mockup_artwork_new_from_pixbuf (GdkPixbuf      *pixbuf);
MOCKUP_AVAILABLE_IN_1_0
int            mockup_artwork_get_width       (MockupArtwork  *self);
MOCKUP_AVAILABLE_IN_1_0
int            mockup_artwork_get_height      (MockupArtwork  *self);
MOCKUP_AVAILABLE_IN_1_0
const char    *mockup_artwork_get_path        (MockupArtwork  *self);
MOCKUP_AVAILABLE_IN_1_0
guint64        mockup_artwork_get_decoded_size (MockupArtwork *self);

G_END_DECLS
