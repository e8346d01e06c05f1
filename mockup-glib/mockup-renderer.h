/* mockup-renderer.h: render settings, a memory budget and the render calls
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mockup-artwork.h"
#include "mockup-batch.h"
#include "mockup-format.h"
#include "mockup-render-options.h"
#include "mockup-result.h"
#include "mockup-template.h"
#include "mockup-version-macros.h"

G_BEGIN_DECLS

#define MOCKUP_TYPE_RENDERER (mockup_renderer_get_type ())

MOCKUP_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MockupRenderer, mockup_renderer, MOCKUP, RENDERER, GObject)

MOCKUP_AVAILABLE_IN_1_0
MockupRenderer *mockup_renderer_new                (void);

MOCKUP_AVAILABLE_IN_1_0
MockupFormat    mockup_renderer_get_format         (MockupRenderer       *self);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_set_format         (MockupRenderer       *self,
                                                    MockupFormat          format);
MOCKUP_AVAILABLE_IN_1_0
guint           mockup_renderer_get_quality        (MockupRenderer       *self);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_set_quality        (MockupRenderer       *self,
                                                    guint                 quality);
MOCKUP_AVAILABLE_IN_1_0
guint           mockup_renderer_get_max_size       (MockupRenderer       *self);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_set_max_size       (MockupRenderer       *self,
                                                    guint                 max_size);
MOCKUP_AVAILABLE_IN_1_0
guint           mockup_renderer_get_threads        (MockupRenderer       *self);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_set_threads        (MockupRenderer       *self,
                                                    guint                 threads);
MOCKUP_AVAILABLE_IN_1_0
guint64         mockup_renderer_get_memory_limit   (MockupRenderer       *self);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_set_memory_limit   (MockupRenderer       *self,
                                                    guint64               memory_limit);
MOCKUP_AVAILABLE_IN_1_0
gboolean        mockup_renderer_get_linear_light   (MockupRenderer       *self);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_set_linear_light   (MockupRenderer       *self,
                                                    gboolean              linear_light);
MOCKUP_AVAILABLE_IN_1_0
double          mockup_renderer_get_min_ppi        (MockupRenderer       *self);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_set_min_ppi        (MockupRenderer       *self,
                                                    double                min_ppi);
MOCKUP_AVAILABLE_IN_1_0
double          mockup_renderer_get_max_upscale    (MockupRenderer       *self);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_set_max_upscale    (MockupRenderer       *self,
                                                    double                max_upscale);
MOCKUP_AVAILABLE_IN_1_0
gboolean        mockup_renderer_get_jpeg_passthrough (MockupRenderer     *self);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_set_jpeg_passthrough (MockupRenderer     *self,
                                                      gboolean            jpeg_passthrough);
MOCKUP_AVAILABLE_IN_1_0
guint64         mockup_renderer_get_memory_in_use  (MockupRenderer       *self);
MOCKUP_AVAILABLE_IN_1_0
guint64         mockup_renderer_get_memory_pending (MockupRenderer       *self);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_charge_memory      (MockupRenderer       *self,
                                                    guint64               size);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_release_memory     (MockupRenderer       *self,
                                                    guint64               size);

MOCKUP_AVAILABLE_IN_1_0
MockupResult   *mockup_renderer_render             (MockupRenderer       *self,
                                                    MockupArtwork        *artwork,
                                                    MockupTemplate       *template,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_render_async       (MockupRenderer       *self,
                                                    MockupArtwork        *artwork,
                                                    MockupTemplate       *template,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
MOCKUP_AVAILABLE_IN_1_0
MockupResult   *mockup_renderer_render_finish      (MockupRenderer       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

MOCKUP_AVAILABLE_IN_1_0
MockupResult   *mockup_renderer_render_full        (MockupRenderer       *self,
                                                    MockupArtwork        *artwork,
                                                    MockupTemplate       *template,
                                                    MockupRenderOptions  *options,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_render_full_async  (MockupRenderer       *self,
                                                    MockupArtwork        *artwork,
                                                    MockupTemplate       *template,
                                                    MockupRenderOptions  *options,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
MOCKUP_AVAILABLE_IN_1_0
MockupResult   *mockup_renderer_render_full_finish (MockupRenderer       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

MOCKUP_AVAILABLE_IN_1_0
MockupBatch    *mockup_renderer_render_batch       (MockupRenderer       *self,
                                                    MockupArtwork        *artwork,
                                                    GListModel           *templates,
                                                    GHashTable           *slot_artworks,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_render_batch_async (MockupRenderer       *self,
                                                    MockupArtwork        *artwork,
                                                    GListModel           *templates,
                                                    GHashTable           *slot_artworks,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
MOCKUP_AVAILABLE_IN_1_0
MockupBatch    *mockup_renderer_render_batch_finish (MockupRenderer      *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

MOCKUP_AVAILABLE_IN_1_0
MockupBatch    *mockup_renderer_render_batch_full  (MockupRenderer              *self,
                                                    MockupArtwork               *artwork,
                                                    GListModel                  *templates,
                                                    GHashTable                  *slot_artworks,
                                                    MockupRenderOptions * const *variants,
                                                    guint                        n_variants,
                                                    GCancellable                *cancellable,
                                                    GError                     **error);
MOCKUP_AVAILABLE_IN_1_0
void            mockup_renderer_render_batch_full_async (MockupRenderer              *self,
                                                         MockupArtwork               *artwork,
                                                         GListModel                  *templates,
                                                         GHashTable                  *slot_artworks,
                                                         MockupRenderOptions * const *variants,
                                                         guint                        n_variants,
                                                         GCancellable                *cancellable,
                                                         GAsyncReadyCallback          callback,
                                                         gpointer                     user_data);
MOCKUP_AVAILABLE_IN_1_0
MockupBatch    *mockup_renderer_render_batch_full_finish (MockupRenderer  *self,
                                                          GAsyncResult    *result,
                                                          GError         **error);

G_END_DECLS
