/* mockup-renderer-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mockup-band-renderer-private.h"
#include "mockup-memory-budget-private.h"
#include "mockup-renderer.h"
#include "mockup-worker-pool-private.h"

G_BEGIN_DECLS

void                _mockup_renderer_get_settings (MockupRenderer       *self,
                                                   MockupRenderSettings *settings);
MockupWorkerPool   *_mockup_renderer_get_pool     (MockupRenderer       *self);
MockupMemoryBudget *_mockup_renderer_get_budget   (MockupRenderer       *self);
/* What to add to a message that a render of @template needs @needed
 * bytes, more than the memory limit: the artwork or the template's image
 * whose decoding is most of it, if one is (a header of a few bytes can
 * announce any size); else "". @artwork, decoded at a cost of
 * @artwork_cost, and @template may be NULL. */
char               *_mockup_renderer_explain_memory (const MockupRenderSettings *settings,
                                                     MockupTemplate             *template,
                                                     MockupArtwork              *artwork,
                                                     guint64                     artwork_cost,
                                                     guint64                     needed);

G_END_DECLS
