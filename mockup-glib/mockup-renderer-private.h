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

G_END_DECLS
