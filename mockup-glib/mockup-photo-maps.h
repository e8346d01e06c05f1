/* mockup-photo-maps.h: shading, displacement and mask images made from a
 * template's own photo
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mockup-version-macros.h"

G_BEGIN_DECLS

MOCKUP_AVAILABLE_IN_1_0
gboolean mockup_photo_maps_shading             (const char           *photo,
                                                const double         *region,
                                                gsize                 n_region,
                                                double                smoothing,
                                                const char           *output,
                                                GCancellable         *cancellable,
                                                GError              **error);
MOCKUP_AVAILABLE_IN_1_0
void     mockup_photo_maps_shading_async       (const char           *photo,
                                                const double         *region,
                                                gsize                 n_region,
                                                double                smoothing,
                                                const char           *output,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
MOCKUP_AVAILABLE_IN_1_0
gboolean mockup_photo_maps_shading_finish      (GAsyncResult         *result,
                                                GError              **error);

MOCKUP_AVAILABLE_IN_1_0
gboolean mockup_photo_maps_displacement        (const char           *photo,
                                                const double         *region,
                                                gsize                 n_region,
                                                double                smoothing,
                                                const char           *output,
                                                GCancellable         *cancellable,
                                                GError              **error);
MOCKUP_AVAILABLE_IN_1_0
void     mockup_photo_maps_displacement_async  (const char           *photo,
                                                const double         *region,
                                                gsize                 n_region,
                                                double                smoothing,
                                                const char           *output,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
MOCKUP_AVAILABLE_IN_1_0
gboolean mockup_photo_maps_displacement_finish (GAsyncResult         *result,
                                                GError              **error);

MOCKUP_AVAILABLE_IN_1_0
gboolean mockup_photo_maps_color_mask          (const char           *photo,
                                                const double         *region,
                                                gsize                 n_region,
                                                const char           *color,
                                                double                tolerance,
                                                double                softness,
                                                const char           *output,
                                                GCancellable         *cancellable,
                                                GError              **error);
MOCKUP_AVAILABLE_IN_1_0
void     mockup_photo_maps_color_mask_async    (const char           *photo,
                                                const double         *region,
                                                gsize                 n_region,
                                                const char           *color,
                                                double                tolerance,
                                                double                softness,
                                                const char           *output,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
MOCKUP_AVAILABLE_IN_1_0
gboolean mockup_photo_maps_color_mask_finish   (GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
