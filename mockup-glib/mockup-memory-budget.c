/* mockup-memory-budget.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mockup-error.h"
#include "mockup-memory-budget-private.h"

struct _MockupMemoryBudget
{
  gatomicrefcount ref_count;
  GMutex lock;
  GCond changed;
  guint64 limit;     /* 0: none */
  guint64 in_use;
  guint64 waiting;   /* what blocked acquires wait for */
};

MockupMemoryBudget *
mockup_memory_budget_new (guint64 limit)
{
  MockupMemoryBudget *self = g_new0 (MockupMemoryBudget, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);
  g_cond_init (&self->changed);
  self->limit = limit;
  return self;
}

MockupMemoryBudget *
mockup_memory_budget_ref (MockupMemoryBudget *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mockup_memory_budget_unref (MockupMemoryBudget *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_warn_if_fail (self->in_use == 0);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->changed);
  g_free (self);
}

void
mockup_memory_budget_set_limit (MockupMemoryBudget *self,
                                guint64             limit)
{
  g_mutex_lock (&self->lock);
  self->limit = limit;
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

guint64
mockup_memory_budget_get_limit (MockupMemoryBudget *self)
{
  guint64 limit;

  g_mutex_lock (&self->lock);
  limit = self->limit;
  g_mutex_unlock (&self->lock);
  return limit;
}

guint64
mockup_memory_budget_get_in_use (MockupMemoryBudget *self)
{
  guint64 in_use;

  g_mutex_lock (&self->lock);
  in_use = self->in_use;
  g_mutex_unlock (&self->lock);
  return in_use;
}

guint64
mockup_memory_budget_get_waiting (MockupMemoryBudget *self)
{
  guint64 waiting;

  g_mutex_lock (&self->lock);
  waiting = self->waiting;
  g_mutex_unlock (&self->lock);
  return waiting;
}

static gboolean
fits (MockupMemoryBudget *self,
      guint64             size)
{
  return self->limit == 0 || self->in_use + size <= self->limit;
}

static void
wake_on_cancel (GCancellable *cancellable,
                gpointer      user_data)
{
  MockupMemoryBudget *self = user_data;

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

gboolean
mockup_memory_budget_acquire (MockupMemoryBudget  *self,
                              guint64              size,
                              GCancellable        *cancellable,
                              GError             **error)
{
  gulong handler = 0;
  gboolean ok = FALSE;
  gboolean waiting = FALSE;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_on_cancel), self, NULL);

  g_mutex_lock (&self->lock);
  for (;;)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (self->limit != 0 && size > self->limit)
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                       "the render needs %" G_GUINT64_FORMAT " MiB, more than the renderer's "
                       "memory-limit of %" G_GUINT64_FORMAT " MiB",
                       (size + (1 << 20) - 1) >> 20, self->limit >> 20);
          break;
        }
      if (fits (self, size))
        {
          self->in_use += size;
          ok = TRUE;
          break;
        }
      if (!waiting)
        {
          waiting = TRUE;
          self->waiting += size;
        }
      g_cond_wait (&self->changed, &self->lock);
    }
  if (waiting)
    self->waiting -= size;
  g_mutex_unlock (&self->lock);

  /* Outside the lock: disconnecting waits for a running handler, which
   * takes the lock. */
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  return ok;
}

gboolean
mockup_memory_budget_try_acquire (MockupMemoryBudget *self,
                                  guint64             size)
{
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = fits (self, size);
  if (ok)
    self->in_use += size;
  g_mutex_unlock (&self->lock);
  return ok;
}

void
mockup_memory_budget_charge (MockupMemoryBudget *self,
                             guint64             size)
{
  g_mutex_lock (&self->lock);
  self->in_use += size;
  g_mutex_unlock (&self->lock);
}

void
mockup_memory_budget_release (MockupMemoryBudget *self,
                              guint64             size)
{
  g_mutex_lock (&self->lock);
  g_warn_if_fail (self->in_use >= size);
  self->in_use -= MIN (size, self->in_use);
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}
