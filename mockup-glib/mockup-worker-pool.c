/* mockup-worker-pool.c
 *
 * Each renderer has a pool that runs at most max-running renders at a time
 * on a process-wide set of threads. Batches do not own threads: they are
 * queued as sources and asked for one job at a time, in turn, so that a
 * long batch cannot starve a short one and a batch whose consumer has
 * stopped taking results simply stops being asked.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mockup-worker-pool-private.h"

struct _MockupWorkerPool
{
  gatomicrefcount ref_count;
  GMutex lock;
  guint max_running;
  guint n_running;
  GQueue waiting;         /* MockupWorkSource, each holding a ref */
};

typedef struct
{
  MockupWorkerPool *pool;
  MockupWorkSource *source;
  gpointer job;
} Work;

static void pump (MockupWorkerPool *self);

static void
enqueue_locked (MockupWorkerPool *self,
                MockupWorkSource *source)
{
  if (!source->queued)
    {
      source->queued = TRUE;
      g_queue_push_tail (&self->waiting, source->ref (source));
    }
}


static void
run_work (gpointer data,
          gpointer user_data)
{
  Work *work = data;
  MockupWorkerPool *self = work->pool;

  work->source->run_job (work->job);
  work->source->unref (work->source);

  g_mutex_lock (&self->lock);
  self->n_running--;
  g_mutex_unlock (&self->lock);

  pump (self);
  mockup_worker_pool_unref (self);
  g_free (work);
}

static GThreadPool *
get_threads (void)
{
  static gsize threads = 0;

  /* Shared, never freed: threads are created on demand and retire when
   * idle, and each renderer's pool bounds how many of them it uses. */
  if (g_once_init_enter (&threads))
    {
      g_autoptr(GError) error = NULL;
      GThreadPool *pool = g_thread_pool_new_full (run_work, NULL, NULL, -1, FALSE, &error);

      g_assert_no_error (error);
      g_once_init_leave (&threads, (gsize) pool);
    }
  return (GThreadPool *) threads;
}

MockupWorkerPool *
mockup_worker_pool_new (guint max_running)
{
  MockupWorkerPool *self = g_new0 (MockupWorkerPool, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);
  g_queue_init (&self->waiting);
  self->max_running = MAX (1, max_running);
  return self;
}

MockupWorkerPool *
mockup_worker_pool_ref (MockupWorkerPool *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mockup_worker_pool_unref (MockupWorkerPool *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  /* Queued sources hold a ref on the pool through their batch, so the
   * queue is empty here. */
  g_warn_if_fail (g_queue_is_empty (&self->waiting));
  g_mutex_clear (&self->lock);
  g_free (self);
}

void
mockup_worker_pool_set_max_running (MockupWorkerPool *self,
                                    guint             max_running)
{
  g_mutex_lock (&self->lock);
  self->max_running = MAX (1, max_running);
  g_mutex_unlock (&self->lock);
  pump (self);
}

static void
pump (MockupWorkerPool *self)
{
  for (;;)
    {
      MockupWorkSource *source;
      gpointer job;
      Work *work;

      g_mutex_lock (&self->lock);
      if (self->n_running >= self->max_running || g_queue_is_empty (&self->waiting))
        {
          g_mutex_unlock (&self->lock);
          return;
        }
      source = g_queue_pop_head (&self->waiting);
      source->queued = FALSE;
      self->n_running++;
      g_mutex_unlock (&self->lock);

      /* Asked without the pool's lock: the source takes its own. */
      job = source->take_job (source);
      if (job == NULL)
        {
          g_mutex_lock (&self->lock);
          self->n_running--;
          g_mutex_unlock (&self->lock);
          source->unref (source);
          continue;
        }

      work = g_new0 (Work, 1);
      work->pool = mockup_worker_pool_ref (self);
      work->source = source;   /* the queue's ref passes to the work */
      work->job = job;

      /* Back of the queue, behind the other batches. */
      g_mutex_lock (&self->lock);
      enqueue_locked (self, source);
      g_mutex_unlock (&self->lock);
      g_thread_pool_push (get_threads (), work, NULL);
    }
}

void
mockup_worker_pool_add_source (MockupWorkerPool *self,
                               MockupWorkSource *source)
{
  g_mutex_lock (&self->lock);
  enqueue_locked (self, source);
  g_mutex_unlock (&self->lock);
  pump (self);
}
