/* mockup-batch-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mockup-batch.h"
#include "mockup-renderer.h"

G_BEGIN_DECLS

/* Made in the thread whose main context will emit the batch's signals. */
MockupBatch *_mockup_batch_new     (MockupRenderer  *renderer,
                                    MockupArtwork   *artwork,
                                    GListModel      *templates,
                                    GHashTable      *slot_artworks,
                                    MockupRenderOptions * const *variants,
                                    guint            n_variants,
                                    GCancellable    *cancellable);
/* Loads templates given as files, decodes the artworks at the largest size
 * any template needs, and waits for room in the memory budget. May block:
 * the async path runs it in a thread. */
gboolean     _mockup_batch_prepare (MockupBatch     *self,
                                    GCancellable    *cancellable,
                                    GError         **error);
void         _mockup_batch_start   (MockupBatch     *self);
void         _mockup_batch_hand_over (MockupBatch   *self);
/* How many templates had their images decoded ahead, while the artworks
 * decoded: for tests. */
guint        _mockup_batch_get_n_preloaded (MockupBatch *self);
/* Tests: the artworks' decode waits until the workers have decoded ahead
 * all they can, so that they always do. */
void         _mockup_batch_set_wait_for_preloads (gboolean wait);

G_END_DECLS
