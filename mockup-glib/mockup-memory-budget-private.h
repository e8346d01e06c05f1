/* mockup-memory-budget-private.h: one memory limit, shared by all renders
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _MockupMemoryBudget MockupMemoryBudget;

MockupMemoryBudget *mockup_memory_budget_new         (guint64              limit);
MockupMemoryBudget *mockup_memory_budget_ref         (MockupMemoryBudget  *self);
void                mockup_memory_budget_unref       (MockupMemoryBudget  *self);
void                mockup_memory_budget_set_limit   (MockupMemoryBudget  *self,
                                                      guint64              limit);
guint64             mockup_memory_budget_get_limit   (MockupMemoryBudget  *self);
guint64             mockup_memory_budget_get_in_use  (MockupMemoryBudget  *self);
/* What acquires that wait for room ask for, together. */
guint64             mockup_memory_budget_get_waiting (MockupMemoryBudget  *self);
/* Waits until @size fits. Fails at once if it never could, or when
 * @cancellable is cancelled. */
gboolean            mockup_memory_budget_acquire     (MockupMemoryBudget  *self,
                                                      guint64              size,
                                                      GCancellable        *cancellable,
                                                      GError             **error);
gboolean            mockup_memory_budget_try_acquire (MockupMemoryBudget  *self,
                                                      guint64              size);
/* Counts @size at once, over the limit if need be: for memory that is held
 * already (a finished result waiting to be taken). Never waits, so it can
 * never be part of a deadlock; it only makes others wait longer. */
void                mockup_memory_budget_charge      (MockupMemoryBudget  *self,
                                                      guint64              size);
void                mockup_memory_budget_release     (MockupMemoryBudget  *self,
                                                      guint64              size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupMemoryBudget, mockup_memory_budget_unref)

G_END_DECLS
