/* mockup-batch.h: a running batch, yielding results in template order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mockup-result.h"
#include "mockup-version-macros.h"

G_BEGIN_DECLS

#define MOCKUP_TYPE_BATCH (mockup_batch_get_type ())

MOCKUP_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MockupBatch, mockup_batch, MOCKUP, BATCH, GObject)

MOCKUP_AVAILABLE_IN_1_0
MockupResult *mockup_batch_next            (MockupBatch          *self,
                                            GCancellable         *cancellable,
                                            GError              **error);
MOCKUP_AVAILABLE_IN_1_0
void          mockup_batch_next_async      (MockupBatch          *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
MOCKUP_AVAILABLE_IN_1_0
MockupResult *mockup_batch_next_finish     (MockupBatch          *self,
                                            GAsyncResult         *result,
                                            GError              **error);
MOCKUP_AVAILABLE_IN_1_0
guint         mockup_batch_get_n_items     (MockupBatch          *self);
MOCKUP_AVAILABLE_IN_1_0
guint         mockup_batch_get_n_completed (MockupBatch          *self);
MOCKUP_AVAILABLE_IN_1_0
gboolean      mockup_batch_is_finished     (MockupBatch          *self);
MOCKUP_AVAILABLE_IN_1_0
void          mockup_batch_cancel          (MockupBatch          *self);

G_END_DECLS
