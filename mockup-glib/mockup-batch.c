/* mockup-batch.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "mockup-artwork-private.h"
#include "mockup-band-renderer-private.h"
#include "mockup-batch-private.h"
#include "mockup-error.h"
#include "mockup-memory.h"
#include "mockup-render-options-private.h"
#include "mockup-renderer-private.h"
#include "mockup-result-private.h"
#include "mockup-template-private.h"
#include "mockup-texture-private.h"

/**
 * MockupBatch:
 *
 * A running batch: one artwork rendered into many templates, the results
 * handed over one at a time, in template order, as soon as each is ready.
 *
 * A batch is started by [method@Mockup.Renderer.render_batch_async] (or
 * [method@Mockup.Renderer.render_batch]). Its renders run in parallel on
 * the renderer's workers while the caller takes results with
 * [method@Mockup.Batch.next_async] or, in scripts, the blocking
 * [method@Mockup.Batch.next], much like reading a [class@Gio.FileEnumerator].
 * When every result has been taken, `next` returns %NULL.
 *
 * Memory stays small whatever the batch's length: only a few results
 * (twice the renderer's [property@Mockup.Renderer:threads], at least four)
 * may be ready and not yet taken; a consumer that stops taking results stops
 * the workers. Renders also wait for room in the renderer's memory budget,
 * shared with every other batch of the renderer.
 *
 * A template that fails gives a result carrying its error; the others still
 * render. [method@Mockup.Batch.cancel], or cancelling the cancellable given
 * when the batch was started, stops every render within one band of rows
 * and frees what they held; after that, `next` fails with
 * `G_IO_ERROR_CANCELLED`.
 *
 * Signals are emitted in the thread-default main context of the thread that
 * started the batch, and only while that context runs: a loop over the
 * blocking [method@Mockup.Batch.next] with no main loop running gets no
 * [signal@Mockup.Batch::progress] and no notification of
 * [property@Mockup.Batch:n-completed]. Such a loop knows its progress from
 * each result's [property@Mockup.Result:index] and
 * [property@Mockup.Batch:n-items]. (The Python overrides' iterator runs the
 * context between results when no main loop does, so that handlers fire
 * in a plain `for result in batch` loop too.)
 */

#define END_OF_BATCH ((gpointer) &end_marker)
#define WAKE_UP ((gpointer) &wake_marker)
static const char end_marker = 0;
static const char wake_marker = 0;

typedef enum {
  EVENT_STARTED,
  EVENT_COMPLETED,
} EventKind;

typedef struct
{
  EventKind kind;
  guint index;
  char *name;
} Event;

typedef struct _BatchCore BatchCore;

typedef struct
{
  BatchCore *core;
  guint index;
  guint n_items;          /* items index… rendered together: variants of one template */
  gboolean preload;       /* decode the template's images ahead, not render */
  guint64 reservation;    /* 0: the batch's base reservation */
  guint64 extra;          /* what a group holds beyond that */
  gint64 queued_at;
  MockupPreload *images;  /* a render's images, decoded ahead */
  guint64 images_charge;
} Job;

/* Images decoded ahead take a template's output size in memory, whole:
 * worth it for previews, not for full-size photos, which stream. */
#define PRELOAD_MAX_BYTES (8 << 20)

/* Consecutive items of one template (its variants) render as one group
 * that decodes the template's images once: at most this many, and no more
 * than the memory budget has room for. */
#define GROUP_MAX_ITEMS 16

struct _BatchCore
{
  MockupWorkSource source;
  gatomicrefcount ref_count;

  MockupWorkerPool *pool;
  MockupMemoryBudget *budget;
  MockupRenderSettings settings;
  MockupArtworkSet artworks;

  /* Items are templates × variants, template-major: item i renders
   * template i / n_variants in variant i % n_variants. */
  guint n_items;
  guint n_templates;
  guint n_variants;             /* at least 1 */
  MockupRenderOptions **variants; /* private copies, or NULL: the defaults */
  GPtrArray *items;             /* what the caller gave, one a template: MockupTemplate or GFile */
  GPtrArray *templates;         /* MockupTemplate, or NULL where it failed */
  GPtrArray *errors;            /* GError, or NULL; set at preparation */
  char **ids;
  char **names;
  guint64 *estimates;
  GArray *needs;                /* MockupArtworkNeed */
  GPtrArray *textures;          /* keeps the decoded artworks alive */
  guint64 base_reservation;
  gint64 started_at;

  GMutex lock;                  /* guards everything below */
  gboolean started;
  gboolean handed_over;         /* the caller has the batch: signals may go out */
  gboolean cancelled;
  gboolean base_held;
  gboolean base_in_use;
  guint window;
  guint threads;
  guint next_start;
  guint next_deliver;           /* jumps to n_items when cancelled */
  guint n_completed;            /* results delivered in order, never cancelled ones */
  guint n_taken;
  guint n_running;
  MockupResult **done;          /* finished, waiting for their turn */
  guint64 *charged;             /* what each result not yet taken counts in the budget */
  GTask *pending_next;
  GCancellable *pending_cancellable;
  gulong pending_handler;
  GQueue events;

  /* While the artworks decode, the workers decode the first templates'
   * images (when small: previews), so that the renders after it need not
   * wait for their photos. */
  gboolean preloading;
  guint next_preload;
  MockupPreload **preloads;     /* ready for their render */
  guint64 *preload_charged;     /* what each holds in the budget */
  gboolean *preload_busy;       /* being decoded */
  guint n_preloading;
  guint n_preloaded;            /* in all: for tests */
  GCond preload_done;           /* for tests */

  GAsyncQueue *queue;           /* results in order, then END_OF_BATCH */
  GCancellable *cancellable;    /* the batch's own: cancels every render */
  GCancellable *user_cancellable;
  gulong user_cancel_handler;
  GSource *event_source;
  GWeakRef batch;
};

struct _MockupBatch
{
  GObject parent_instance;
  BatchCore *core;
};

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_N_COMPLETED,
  N_PROPS
};

enum {
  PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MockupBatch, mockup_batch, G_TYPE_OBJECT)

static void
clear_object (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
clear_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static void
event_free (Event *event)
{
  g_free (event->name);
  g_free (event);
}

static guint64
result_memory (MockupResult *result)
{
  GBytes *bytes = mockup_result_get_bytes (result);
  GdkPixbuf *pixbuf;

  if (bytes != NULL)
    return g_bytes_get_size (bytes);
  if (mockup_result_get_error (result) == NULL &&
      (pixbuf = mockup_result_get_pixbuf (result)) != NULL)
    return (guint64) gdk_pixbuf_get_rowstride (pixbuf) * gdk_pixbuf_get_height (pixbuf);
  return 0;
}

/* A result leaves the library's hands: it no longer counts. */
static void
uncharge_locked (BatchCore    *core,
                 MockupResult *result)
{
  guint i = mockup_result_get_index (result);

  if (core->charged != NULL && core->charged[i] != 0)
    {
      mockup_memory_budget_release (core->budget, core->charged[i]);
      core->charged[i] = 0;
    }
}

static BatchCore *
core_ref (BatchCore *core)
{
  g_atomic_ref_count_inc (&core->ref_count);
  return core;
}

static void
release_base_locked (BatchCore *core)
{
  if (core->base_held)
    {
      mockup_memory_budget_release (core->budget, core->base_reservation);
      core->base_held = FALSE;
    }
  /* The decoded artworks go with the base reservation that counted them. */
  if (core->textures != NULL)
    g_ptr_array_set_size (core->textures, 0);
}

static void
drop_preloads_locked (BatchCore *core)
{
  for (guint i = 0; core->preloads != NULL && i < core->n_items; i++)
    {
      g_clear_pointer (&core->preloads[i], mockup_preload_free);
      if (core->preload_charged[i] != 0)
        mockup_memory_budget_release (core->budget, core->preload_charged[i]);
      core->preload_charged[i] = 0;
    }
}

static void
core_unref (BatchCore *core)
{
  gpointer item;

  if (!g_atomic_ref_count_dec (&core->ref_count))
    return;

  g_assert (core->n_running == 0);
  release_base_locked (core);

  while ((item = g_async_queue_try_pop (core->queue)) != NULL)
    if (item != END_OF_BATCH && item != WAKE_UP)
      g_object_unref (item);
  g_async_queue_unref (core->queue);

  if (core->done != NULL)
    for (guint i = 0; i < core->n_items; i++)
      g_clear_object (&core->done[i]);
  g_free (core->done);
  if (core->charged != NULL)
    for (guint i = 0; i < core->n_items; i++)
      if (core->charged[i] != 0)
        mockup_memory_budget_release (core->budget, core->charged[i]);
  g_free (core->charged);
  drop_preloads_locked (core);
  g_free (core->preloads);
  g_free (core->preload_charged);
  g_free (core->preload_busy);

  g_clear_object (&core->user_cancellable);
  g_clear_object (&core->pending_cancellable);
  g_clear_object (&core->cancellable);
  g_queue_clear_full (&core->events, (GDestroyNotify) event_free);
  g_weak_ref_clear (&core->batch);

  g_clear_pointer (&core->items, g_ptr_array_unref);
  for (guint v = 0; core->variants != NULL && v < core->n_variants; v++)
    g_clear_object (&core->variants[v]);
  g_free (core->variants);
  g_clear_pointer (&core->templates, g_ptr_array_unref);
  g_clear_pointer (&core->errors, g_ptr_array_unref);
  g_strfreev (core->ids);
  g_strfreev (core->names);
  g_free (core->estimates);
  g_clear_pointer (&core->needs, g_array_unref);
  g_clear_pointer (&core->textures, g_ptr_array_unref);
  g_clear_object (&core->artworks.fallback);
  g_clear_pointer (&core->artworks.slots, g_hash_table_unref);
  mockup_memory_budget_unref (core->budget);
  mockup_worker_pool_unref (core->pool);
  g_cond_clear (&core->preload_done);
  g_mutex_clear (&core->lock);
  g_free (core);
}

static gpointer
source_ref (MockupWorkSource *source)
{
  return core_ref ((BatchCore *) source);
}

static void
source_unref (MockupWorkSource *source)
{
  core_unref ((BatchCore *) source);
}

/* Events are queued by workers and emitted as signals by one source in
 * the batch's main context. */
typedef struct
{
  GSource parent;
  BatchCore *core;
} EventSource;

static gboolean
event_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  BatchCore *core = ((EventSource *) source)->core;
  g_autoptr(MockupBatch) batch = g_weak_ref_get (&core->batch);
  GQueue events = G_QUEUE_INIT;
  Event *event;

  g_source_set_ready_time (source, -1);

  g_mutex_lock (&core->lock);
  events = core->events;
  g_queue_init (&core->events);
  g_mutex_unlock (&core->lock);

  while ((event = g_queue_pop_head (&events)) != NULL)
    {
      if (batch != NULL)
        {
          if (event->kind == EVENT_STARTED)
            g_signal_emit (batch, signals[PROGRESS], 0, event->index, core->n_items, event->name);
          else
            g_object_notify_by_pspec (G_OBJECT (batch), properties[PROP_N_COMPLETED]);
        }
      event_free (event);
    }

  return G_SOURCE_CONTINUE;
}

static void
event_source_finalize (GSource *source)
{
  core_unref (((EventSource *) source)->core);
}

static GSourceFuncs event_source_funcs = {
  .dispatch = event_source_dispatch,
  .finalize = event_source_finalize,
};

static void
push_event_locked (BatchCore  *core,
                   EventKind   kind,
                   guint       index)
{
  Event *event;

  if (core->event_source == NULL)
    return;
  event = g_new0 (Event, 1);
  event->kind = kind;
  event->index = index;
  event->name = g_strdup (core->names[index]);
  g_queue_push_tail (&core->events, event);
  if (core->handed_over)
    g_source_set_ready_time (core->event_source, 0);
}

/* The next template whose images can be decoded ahead, within the window
 * and the budget. */
static Job *
take_preload_job_locked (BatchCore *core)
{
  while (core->next_preload < MIN (core->n_items, core->window))
    {
      guint i = core->next_preload;
      MockupTemplate *template = core->templates->pdata[i];
      guint64 size;
      Job *job;

      size = template != NULL ? mockup_band_renderer_preload_size (&core->settings, template) : 0;
      /* the variants after a template's first item render in its group,
       * which reads the images once */
      if (i > 0 && core->templates->pdata[i - 1] == template)
        size = 0;
      if (size == 0 || size > PRELOAD_MAX_BYTES)
        {
          core->next_preload++;
          continue;
        }
      /* the decoders need the render's estimate for a while, the images
       * their size until the render is done */
      if (!mockup_memory_budget_try_acquire (core->budget, size + core->estimates[i]))
        return NULL;
      core->preload_charged[i] = size;
      core->preload_busy[i] = TRUE;
      core->n_preloading++;
      core->next_preload++;

      job = g_new0 (Job, 1);
      job->core = core_ref (core);
      job->index = i;
      job->preload = TRUE;
      job->reservation = core->estimates[i];
      return job;
    }
  return NULL;
}

/* How many items from @i render as one group: the variants of its
 * template that follow it, at most GROUP_MAX_ITEMS. When they are the
 * batch's last work, they are split evenly between the workers, which
 * would otherwise wait: each group decodes the images once. */
static guint
group_size_locked (BatchCore *core,
                   guint      i)
{
  MockupTemplate *template = core->templates->pdata[i];
  guint start = i, end = i + 1, n;

  if (template == NULL)
    return 1;
  while (start > 0 && core->templates->pdata[start - 1] == template)
    start--;
  while (end < core->n_items && core->templates->pdata[end] == template)
    end++;

  n = end - i;
  if (end == core->n_items && core->threads > 1)
    n = MIN (n, (end - start + core->threads - 1) / core->threads);
  n = MIN (n, GROUP_MAX_ITEMS);
  for (guint j = i + 1; j < i + n; j++)
    if (core->preload_busy[j])
      return j - i;
  return n;
}

static gpointer
core_take_job (MockupWorkSource *source)
{
  BatchCore *core = (BatchCore *) source;
  Job *job;
  guint64 reservation = 0, extra = 0;
  guint i, n;

  g_mutex_lock (&core->lock);
  i = core->next_start;

  if (!core->started && core->preloading && !core->cancelled)
    {
      job = take_preload_job_locked (core);
      g_mutex_unlock (&core->lock);
      return job;
    }

  if (!core->started || core->cancelled || i >= core->n_items ||
      i >= core->n_taken + core->window)
    goto none;

  /* its images are still being decoded ahead: that job adds the batch
   * back when it is done */
  if (core->preload_busy[i])
    goto none;

  /* One render at a time always fits the batch's base reservation; more
   * run side by side only while the budget has room for them. A group
   * shrinks until it fits. */
  n = group_size_locked (core, i);
  if (core->templates->pdata[i] == NULL)
    reservation = 0;
  else if (!core->base_in_use)
    {
      core->base_in_use = TRUE;
      for (; n > 1; n--)
        {
          guint64 size = mockup_band_renderer_estimate_group_memory (&core->settings,
                                                                     core->templates->pdata[i], n);

          extra = size > core->estimates[i] ? size - core->estimates[i] : 0;
          if (mockup_memory_budget_try_acquire (core->budget, extra))
            break;
        }
      if (n == 1)
        extra = 0;
    }
  else
    {
      for (; n > 0; n--)
        {
          reservation = mockup_band_renderer_estimate_group_memory (&core->settings,
                                                                    core->templates->pdata[i], n);
          if (mockup_memory_budget_try_acquire (core->budget, reservation))
            break;
        }
      if (n == 0)
        goto none;
    }

  job = g_new0 (Job, 1);
  job->core = core_ref (core);
  job->index = i;
  job->n_items = n;
  job->reservation = core->templates->pdata[i] == NULL ? G_MAXUINT64 : reservation;
  job->extra = extra;
  job->queued_at = g_get_monotonic_time ();
  job->images = g_steal_pointer (&core->preloads[i]);
  job->images_charge = core->preload_charged[i];
  core->preload_charged[i] = 0;
  for (guint j = i + 1; j < i + n; j++)
    {
      /* the group reads the images itself */
      g_clear_pointer (&core->preloads[j], mockup_preload_free);
      job->images_charge += core->preload_charged[j];
      core->preload_charged[j] = 0;
    }
  core->next_start += n;
  core->n_running++;
  for (guint j = i; j < i + n; j++)
    push_event_locked (core, EVENT_STARTED, j);
  g_mutex_unlock (&core->lock);
  return job;

none:
  g_mutex_unlock (&core->lock);
  return NULL;
}

/* A next_async that can be answered now. */
typedef struct
{
  GTask *task;
  gpointer item;          /* a result, END_OF_BATCH, or NULL: cancelled */
  GCancellable *cancellable;
  gulong handler;
} Answer;

/* Takes the oldest result for a waiting next_async, if there is one to
 * take; the answer is given once the lock is dropped. */
static gboolean
answer_pending_locked (BatchCore *core,
                       Answer    *answer)
{
  gpointer item;

  memset (answer, 0, sizeof *answer);
  if (core->pending_next == NULL)
    return FALSE;

  if (core->cancelled)
    item = NULL;
  else
    {
      do
        item = g_async_queue_try_pop (core->queue);
      while (item == WAKE_UP);
      if (item == NULL)
        return FALSE;
    }

  if (item == END_OF_BATCH)
    g_async_queue_push_front (core->queue, END_OF_BATCH);
  else if (item != NULL)
    {
      core->n_taken++;
      uncharge_locked (core, item);
    }

  answer->task = g_steal_pointer (&core->pending_next);
  answer->item = item;
  answer->cancellable = g_steal_pointer (&core->pending_cancellable);
  answer->handler = core->pending_handler;
  core->pending_handler = 0;
  return TRUE;
}

static void
give_answer (Answer *answer)
{
  if (answer->task == NULL)
    return;
  /* Not g_cancellable_disconnect (): this may run inside that very
   * cancellable's emission (one cancellable for the batch and the wait),
   * where it would wait for itself. The handler holds a core ref, so it is
   * harmless if it is running in another thread. */
  if (answer->handler != 0)
    g_signal_handler_disconnect (answer->cancellable, answer->handler);
  g_clear_object (&answer->cancellable);

  if (answer->item == NULL)
    g_task_return_new_error (answer->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The batch was cancelled");
  else if (answer->item == END_OF_BATCH)
    g_task_return_pointer (answer->task, NULL, NULL);
  else
    g_task_return_pointer (answer->task, answer->item, g_object_unref);
  g_clear_object (&answer->task);
}

static void
core_run_preload_job (Job *job)
{
  BatchCore *core = job->core;
  guint i = job->index;
  g_autoptr(GError) error = NULL;
  MockupPreload *preload;

  /* A failure is left for the render, which meets it again and reports it
   * in the template's result. */
  preload = mockup_band_renderer_preload (&core->settings, core->templates->pdata[i],
                                          core->cancellable, &error);

  g_mutex_lock (&core->lock);
  mockup_memory_budget_release (core->budget, job->reservation);
  core->preload_busy[i] = FALSE;
  core->n_preloading--;
  g_cond_broadcast (&core->preload_done);
  if (preload != NULL && !core->cancelled)
    {
      core->preloads[i] = preload;
      core->n_preloaded++;
    }
  else
    {
      g_clear_pointer (&preload, mockup_preload_free);
      mockup_memory_budget_release (core->budget, core->preload_charged[i]);
      core->preload_charged[i] = 0;
    }
  g_mutex_unlock (&core->lock);

  mockup_worker_pool_add_source (core->pool, &core->source);
  core_unref (core);
  g_free (job);
}

/* The batch's settings with the options of item @i's variant. */
static void
get_item_settings (BatchCore            *core,
                   guint                 i,
                   MockupRenderSettings *settings)
{
  *settings = core->settings;
  settings->variant = i % core->n_variants;
  settings->options = core->variants[settings->variant];
}

static void
core_run_job (gpointer data)
{
  Job *job = data;
  BatchCore *core = job->core;
  guint i = job->index, n = job->n_items;
  MockupTemplate *template = core->templates->pdata[i];
  g_autofree MockupResult **results = NULL;
  g_autofree GError **errors = NULL;
  g_autofree guint *indices = NULL;
  g_autofree MockupRenderSettings *settings = NULL;
  gint64 started = g_get_monotonic_time ();
  guint64 elapsed;
  Answer answer;

  if (job->preload)
    {
      core_run_preload_job (job);
      return;
    }

  results = g_new0 (MockupResult *, n);
  errors = g_new0 (GError *, n);
  settings = g_new (MockupRenderSettings, n);
  for (guint j = 0; j < n; j++)
    get_item_settings (core, i + j, &settings[j]);
  if (template == NULL)
    errors[0] = g_error_copy (core->errors->pdata[i]);
  else if (n == 1)
    results[0] = mockup_band_renderer_render (&settings[0], template, &core->artworks,
                                              core->needs, g_steal_pointer (&job->images), i,
                                              core->cancellable, &errors[0]);
  else
    {
      indices = g_new (guint, n);
      for (guint j = 0; j < n; j++)
        indices[j] = i + j;
      mockup_band_renderer_render_group (settings, template, &core->artworks, core->needs,
                                         g_steal_pointer (&job->images), indices, n,
                                         core->cancellable, results, errors);
    }
  g_clear_pointer (&job->images, mockup_preload_free);

  /* a group's render time is shared equally by its results */
  elapsed = (guint64) (g_get_monotonic_time () - started) / n;
  for (guint j = 0; j < n; j++)
    {
      if (results[j] == NULL)
        {
          results[j] = _mockup_result_new_for_error (i + j, core->ids[i + j], core->names[i + j],
                                                     core->settings.format, errors[j]);
          _mockup_result_set_variant (results[j], settings[j].variant);
        }
      g_clear_error (&errors[j]);
      _mockup_result_set_timing (results[j], (guint64) (started - core->started_at), elapsed,
                                 mockup_get_resident_memory ());
    }

  g_mutex_lock (&core->lock);

  if (job->reservation == 0)
    core->base_in_use = FALSE;
  else if (job->reservation != G_MAXUINT64)
    mockup_memory_budget_release (core->budget, job->reservation);
  if (job->extra != 0)
    mockup_memory_budget_release (core->budget, job->extra);
  if (job->images_charge != 0)
    mockup_memory_budget_release (core->budget, job->images_charge);
  core->n_running--;

  /* the render's estimate is given back; the results it left count until
   * they are taken, unless nobody will take them */
  if (core->cancelled)
    {
      for (guint j = 0; j < n; j++)
        g_clear_object (&results[j]);
      core->next_deliver = core->n_items;
    }
  else
    for (guint j = 0; j < n; j++)
      {
        core->charged[i + j] = result_memory (results[j]);
        mockup_memory_budget_charge (core->budget, core->charged[i + j]);
        core->done[i + j] = results[j];
      }
  while (!core->cancelled && core->next_deliver < core->n_items && core->done[core->next_deliver] != NULL)
    {
      g_async_queue_push (core->queue, g_steal_pointer (&core->done[core->next_deliver]));
      push_event_locked (core, EVENT_COMPLETED, core->next_deliver);
      core->next_deliver++;
      core->n_completed++;
    }
  if (core->cancelled)
    {
      if (core->n_running == 0)
        release_base_locked (core);
    }
  else if (core->next_deliver == core->n_items)
    {
      g_async_queue_push (core->queue, END_OF_BATCH);
      release_base_locked (core);
    }

  answer_pending_locked (core, &answer);
  g_mutex_unlock (&core->lock);

  give_answer (&answer);
  mockup_worker_pool_add_source (core->pool, &core->source);

  core_unref (core);
  g_free (job);
}

static void
core_cancel (BatchCore *core)
{
  Answer answer;
  gpointer item;

  g_cancellable_cancel (core->cancellable);

  g_mutex_lock (&core->lock);
  core->cancelled = TRUE;
  if (core->n_running == 0)
    release_base_locked (core);
  drop_preloads_locked (core);

  /* results nobody will take: freed now, and no longer counted */
  while ((item = g_async_queue_try_pop (core->queue)) != NULL)
    {
      if (item == END_OF_BATCH || item == WAKE_UP)
        continue;
      uncharge_locked (core, item);
      g_object_unref (item);
    }
  if (core->done != NULL)
    for (guint i = 0; i < core->n_items; i++)
      if (core->done[i] != NULL)
        {
          uncharge_locked (core, core->done[i]);
          g_clear_object (&core->done[i]);
        }
  answer_pending_locked (core, &answer);
  g_mutex_unlock (&core->lock);

  /* wakes a blocking next () */
  g_async_queue_push (core->queue, WAKE_UP);
  give_answer (&answer);
}

static void
user_cancelled (GCancellable *cancellable,
                gpointer      user_data)
{
  /* the handler holds a core ref */
  core_cancel (user_data);
}

static void
mockup_batch_dispose (GObject *object)
{
  MockupBatch *self = (MockupBatch *) object;

  /* Nobody can take the results any more: stop the renders. */
  if (self->core != NULL)
    {
      GSource *events;

      core_cancel (self->core);

      /* without waiting for a handler that may be running: it holds a
       * ref, and dispose may itself run inside the emission */
      if (self->core->user_cancel_handler != 0)
        {
          g_signal_handler_disconnect (self->core->user_cancellable, self->core->user_cancel_handler);
          self->core->user_cancel_handler = 0;
        }

      /* workers read event_source under the lock */
      g_mutex_lock (&self->core->lock);
      events = g_steal_pointer (&self->core->event_source);
      g_mutex_unlock (&self->core->lock);
      if (events != NULL)
        {
          g_source_destroy (events);
          g_source_unref (events);
        }
    }

  G_OBJECT_CLASS (mockup_batch_parent_class)->dispose (object);
}

static void
mockup_batch_finalize (GObject *object)
{
  MockupBatch *self = (MockupBatch *) object;

  g_clear_pointer (&self->core, core_unref);

  G_OBJECT_CLASS (mockup_batch_parent_class)->finalize (object);
}

static void
mockup_batch_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MockupBatch *self = MOCKUP_BATCH (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, mockup_batch_get_n_items (self));
      break;
    case PROP_N_COMPLETED:
      g_value_set_uint (value, mockup_batch_get_n_completed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mockup_batch_class_init (MockupBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mockup_batch_dispose;
  object_class->finalize = mockup_batch_finalize;
  object_class->get_property = mockup_batch_get_property;

  /**
   * MockupBatch:n-items: (getter get_n_items)
   *
   * How many renders the batch makes, and so how many results it
   * yields: the templates, times the variants for a batch started with
   * [method@Mockup.Renderer.render_batch_full].
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupBatch:n-completed: (getter get_n_completed)
   *
   * How many results, from the first, are done: rendered or failed, and
   * taken or ready to be taken. Results are done in template order, so
   * this is also the index of the next result to come.
   *
   * Renders stopped by [method@Mockup.Batch.cancel] are not done and never
   * count: after a cancel, it keeps the number of results that were done
   * before (taken or dropped), below [property@Mockup.Batch:n-items]
   * unless every result was done.
   *
   * Notified in the batch's main context as each one is done, so only
   * while that context runs (see [signal@Mockup.Batch::progress]).
   */
  properties[PROP_N_COMPLETED] =
    g_param_spec_uint ("n-completed", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MockupBatch::progress:
   * @self: the batch
   * @index: the position of the template that started rendering, from 0
   * @n_items: how many templates the batch has
   * @name: the template's name
   *
   * Emitted when a template starts rendering, for logs such as
   * "Processing mockup 3/10: Framed poster". Results may start out of
   * order, since several render at once; they are delivered in order.
   *
   * Emitted in the main context of the thread that started the batch, when
   * that context runs (see [class@Mockup.Batch]).
   */
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
}

static void
mockup_batch_init (MockupBatch *self)
{
}

static char *
id_for_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  char *id;

  if (g_strcmp0 (basename, "template.json") == 0)
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);

      if (parent != NULL)
        return g_file_get_basename (parent);
    }
  id = g_strdup (basename != NULL ? basename : "template");
  if (g_str_has_suffix (id, ".json"))
    id[strlen (id) - strlen (".json")] = '\0';
  return id;
}

MockupBatch *
_mockup_batch_new (MockupRenderer *renderer,
                   MockupArtwork  *artwork,
                   GListModel     *templates,
                   GHashTable     *slot_artworks,
                   MockupRenderOptions * const *variants,
                   guint           n_variants,
                   GCancellable   *cancellable)
{
  MockupBatch *self = g_object_new (MOCKUP_TYPE_BATCH, NULL);
  BatchCore *core = g_new0 (BatchCore, 1);
  EventSource *events;
  guint threads;

  g_atomic_ref_count_init (&core->ref_count);
  g_mutex_init (&core->lock);
  g_cond_init (&core->preload_done);
  g_queue_init (&core->events);
  g_weak_ref_init (&core->batch, self);
  core->source.take_job = core_take_job;
  core->source.run_job = core_run_job;
  core->source.ref = source_ref;
  core->source.unref = source_unref;

  core->pool = mockup_worker_pool_ref (_mockup_renderer_get_pool (renderer));
  core->budget = mockup_memory_budget_ref (_mockup_renderer_get_budget (renderer));
  _mockup_renderer_get_settings (renderer, &core->settings);
  threads = mockup_renderer_get_threads (renderer);
  core->threads = threads ? threads : g_get_num_processors ();
  core->window = MAX (4, 2 * core->threads);

  core->artworks.fallback = artwork != NULL ? g_object_ref (artwork) : NULL;
  if (slot_artworks != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      /* a private copy: the caller may change theirs */
      core->artworks.slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      g_hash_table_iter_init (&iter, slot_artworks);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (core->artworks.slots, g_strdup (key), g_object_ref (value));
    }

  core->n_templates = g_list_model_get_n_items (templates);
  core->items = g_ptr_array_new_full (core->n_templates, g_object_unref);
  for (guint i = 0; i < core->n_templates; i++)
    g_ptr_array_add (core->items, g_list_model_get_item (templates, i));

  /* copies, so that the caller may change theirs from now on */
  core->n_variants = MAX (n_variants, 1);
  core->variants = g_new0 (MockupRenderOptions *, core->n_variants);
  for (guint v = 0; v < n_variants; v++)
    if (variants[v] != NULL)
      core->variants[v] = mockup_render_options_copy (variants[v]);
  core->n_items = core->n_templates * core->n_variants;

  core->queue = g_async_queue_new ();
  core->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      core->user_cancellable = g_object_ref (cancellable);
      core->user_cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (user_cancelled),
                                                         core_ref (core), (GDestroyNotify) core_unref);
    }

  events = (EventSource *) g_source_new (&event_source_funcs, sizeof (EventSource));
  events->core = core_ref (core);
  g_source_set_static_name (&events->parent, "[mockup-glib] batch events");
  g_source_attach (&events->parent, g_main_context_get_thread_default ());
  core->event_source = &events->parent;

  self->core = core;
  return self;
}

static gint wait_for_preloads;   /* atomic: set by a test, read by a preparing thread */

void
_mockup_batch_set_wait_for_preloads (gboolean wait)
{
  g_atomic_int_set (&wait_for_preloads, wait);
}

/* Tests: until the workers have decoded ahead all they can. */
static void
wait_for_preloads_to_finish (BatchCore *core)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&core->lock);
  while (core->next_preload < MIN (core->n_items, core->window) || core->n_preloading > 0)
    if (!g_cond_wait_until (&core->preload_done, &core->lock, deadline))
      break;
  g_mutex_unlock (&core->lock);
}

gboolean
_mockup_batch_prepare (MockupBatch   *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  BatchCore *core = self->core;
  guint64 textures = 0, readers = 0, largest = 0;
  guint64 limit = mockup_memory_budget_get_limit (core->budget);
  gboolean decoding = FALSE;
  MockupArtwork *costliest = NULL;
  guint64 costliest_reader = 0;
  GError *local_error = NULL;

  core->templates = g_ptr_array_new_full (core->n_items, clear_object);
  g_ptr_array_set_size (core->templates, core->n_items);
  core->errors = g_ptr_array_new_full (core->n_items, clear_error);
  g_ptr_array_set_size (core->errors, core->n_items);
  core->ids = g_new0 (char *, core->n_items + 1);
  core->names = g_new0 (char *, core->n_items + 1);
  core->estimates = g_new0 (guint64, core->n_items);
  core->needs = g_array_new (FALSE, FALSE, sizeof (MockupArtworkNeed));
  core->done = g_new0 (MockupResult *, core->n_items);
  core->charged = g_new0 (guint64, core->n_items);
  core->preloads = g_new0 (MockupPreload *, core->n_items);
  core->preload_charged = g_new0 (guint64, core->n_items);
  core->preload_busy = g_new0 (gboolean, core->n_items);

  for (guint t = 0; t < core->n_templates; t++)
    {
      gpointer item = core->items->pdata[t];
      g_autoptr(MockupTemplate) template = NULL;
      g_autoptr(GError) load_error = NULL;
      g_autofree char *id = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (MOCKUP_IS_TEMPLATE (item))
        template = g_object_ref (item);
      else if (G_IS_FILE (item))
        {
          g_autofree char *path = g_file_get_path (item);

          id = id_for_file (item);
          if (path == NULL)
            {
              g_autofree char *uri = g_file_get_uri (item);

              g_set_error (&load_error, MOCKUP_ERROR, MOCKUP_ERROR_NOT_FOUND,
                           "%s: (root): templates must be local files", uri);
            }
          else
            template = mockup_template_new_from_file (path, &load_error);
        }
      else
        g_set_error (&load_error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED,
                     "item %u of the template list is a %s, neither a MockupTemplate nor a GFile",
                     t, G_OBJECT_TYPE_NAME (item));

      /* each template is loaded once, for all its variants */
      for (guint v = 0; v < core->n_variants; v++)
        {
          guint i = t * core->n_variants + v;
          GError *item_error = NULL;
          MockupRenderSettings settings;

          get_item_settings (core, i, &settings);
          if (template != NULL)
            {
              core->ids[i] = g_strdup (mockup_template_get_id (template));
              core->names[i] = g_strdup (mockup_template_get_name (template));
              core->estimates[i] = mockup_band_renderer_estimate_memory (&settings, template);

              if (mockup_render_options_validate (settings.options, template, &item_error) &&
                  mockup_band_renderer_add_needs (&settings, template, &core->artworks,
                                                  core->needs, &item_error))
                core->templates->pdata[i] = g_object_ref (template);
            }
          else
            {
              core->ids[i] = g_strdup (id);
              item_error = g_error_copy (load_error);
            }
          if (core->ids[i] == NULL)
            core->ids[i] = g_strdup_printf ("item-%u", t);
          if (core->names[i] == NULL)
            core->names[i] = g_strdup (core->ids[i]);
          core->errors->pdata[i] = item_error;
        }
    }

  for (guint i = 0; i < core->needs->len; i++)
    {
      const MockupArtworkNeed *need = &g_array_index (core->needs, MockupArtworkNeed, i);
      gsize texture, decoding_cost, reader;

      texture = mockup_texture_estimate_memory (need->width, need->height,
                                                core->settings.linear_light);
      textures += texture;
      /* decoding needs the reader beside the texture, until the artworks
       * are decoded: a few rows for most files, but the whole image for
       * some (an interlaced PNG, a progressive JPEG's coefficients), which
       * a header of a few bytes can make as large as it likes */
      decoding_cost = _mockup_artwork_estimate_memory (need->artwork, need->width, need->height,
                                                       core->settings.linear_light);
      reader = decoding_cost > texture ? decoding_cost - texture : 0;
      readers += reader;
      if (reader > costliest_reader)
        {
          costliest_reader = reader;
          costliest = need->artwork;
        }
      decoding |= decoding_cost != 0;
    }

  /* A template too large for the budget on its own fails alone. */
  for (guint i = 0; i < core->n_items; i++)
    {
      guint64 needed = textures + readers + core->estimates[i];

      if (core->templates->pdata[i] == NULL)
        continue;
      if (limit != 0 && needed > limit)
        {
          g_autofree char *why = _mockup_renderer_explain_memory (&core->settings,
                                                                  core->templates->pdata[i],
                                                                  costliest, costliest_reader,
                                                                  needed);

          g_set_error ((GError **) &core->errors->pdata[i], MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                       "%s: the render needs %" G_GUINT64_FORMAT " MiB, more than the renderer's "
                       "memory-limit of %" G_GUINT64_FORMAT " MiB%s",
                       _mockup_template_get_label (core->templates->pdata[i]),
                       needed >> 20, limit >> 20, why);
          g_clear_object ((MockupTemplate **) &core->templates->pdata[i]);
          continue;
        }
      largest = MAX (largest, core->estimates[i]);
    }

  /* Admission: wait until the artworks, their decoding and one render
   * fit; from then on the batch always makes progress. */
  core->base_reservation = textures + readers + largest;
  if (!mockup_memory_budget_acquire (core->budget, core->base_reservation, cancellable, &local_error))
    {
      if (g_error_matches (local_error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE))
        {
          g_autofree char *why = _mockup_renderer_explain_memory (&core->settings, NULL,
                                                                  costliest, costliest_reader,
                                                                  core->base_reservation);
          char *message = g_strconcat (local_error->message, why, NULL);

          g_free (local_error->message);
          local_error->message = message;
        }
      g_propagate_error (error, local_error);
      return FALSE;
    }
  core->base_held = TRUE;

  /* The artworks decode here, mostly on one core: the workers meanwhile
   * decode what they can of the first templates. */
  if (decoding)
    {
      g_mutex_lock (&core->lock);
      core->preloading = TRUE;
      g_mutex_unlock (&core->lock);
      mockup_worker_pool_add_source (core->pool, &core->source);
      if (g_atomic_int_get (&wait_for_preloads))
        wait_for_preloads_to_finish (core);
    }

  core->textures = g_ptr_array_new_with_free_func ((GDestroyNotify) mockup_texture_unref);
  for (guint i = 0; i < core->needs->len; i++)
    {
      const MockupArtworkNeed *need = &g_array_index (core->needs, MockupArtworkNeed, i);
      MockupTexture *texture = _mockup_artwork_get_texture (need->artwork, need->width, need->height,
                                                            core->settings.linear_light,
                                                            cancellable, error);

      if (texture == NULL)
        {
          g_mutex_lock (&core->lock);
          core->preloading = FALSE;
          release_base_locked (core);
          g_mutex_unlock (&core->lock);
          return FALSE;
        }
      g_ptr_array_add (core->textures, texture);
    }

  /* the readers are done with */
  g_mutex_lock (&core->lock);
  core->preloading = FALSE;
  if (core->base_held && readers > 0)
    {
      core->base_reservation -= readers;
      mockup_memory_budget_release (core->budget, readers);
    }
  g_mutex_unlock (&core->lock);
  return TRUE;
}

guint
_mockup_batch_get_n_preloaded (MockupBatch *self)
{
  BatchCore *core = self->core;
  guint n;

  g_mutex_lock (&core->lock);
  n = core->n_preloaded;
  g_mutex_unlock (&core->lock);
  return n;
}

void
_mockup_batch_start (MockupBatch *self)
{
  BatchCore *core = self->core;

  g_mutex_lock (&core->lock);
  core->started = TRUE;
  core->started_at = g_get_monotonic_time ();
  if (core->n_items == 0)
    {
      g_async_queue_push (core->queue, END_OF_BATCH);
      release_base_locked (core);
    }
  g_mutex_unlock (&core->lock);

  mockup_worker_pool_add_source (core->pool, &core->source);
}

/* Called once the caller holds the batch (render_batch () returned, or
 * render_batch_finish () was called): only from then on can it have
 * connected to the signals, so events queued before wait until now. */
void
_mockup_batch_hand_over (MockupBatch *self)
{
  BatchCore *core = self->core;

  g_mutex_lock (&core->lock);
  core->handed_over = TRUE;
  if (core->event_source != NULL && !g_queue_is_empty (&core->events))
    g_source_set_ready_time (core->event_source, 0);
  g_mutex_unlock (&core->lock);
}

static void
took_result (BatchCore    *core,
             MockupResult *result)
{
  g_mutex_lock (&core->lock);
  core->n_taken++;
  uncharge_locked (core, result);
  g_mutex_unlock (&core->lock);
  /* the window moved: maybe more work to hand out */
  mockup_worker_pool_add_source (core->pool, &core->source);
}

static void
wake_queue (GCancellable *cancellable,
            gpointer      user_data)
{
  g_async_queue_push (user_data, WAKE_UP);
}

/**
 * mockup_batch_next:
 * @self: a batch
 * @cancellable: (nullable): cancels this wait, not the batch
 * @error: return location for an error
 *
 * Waits for the next result, in template order, and returns it. For
 * scripts and worker threads; in a main loop use
 * [method@Mockup.Batch.next_async].
 *
 * A template that failed gives a result carrying its error
 * ([method@Mockup.Result.get_error]), not an error here. This call fails
 * only when the batch was cancelled, or @cancellable was.
 *
 * Returns: (transfer full) (nullable): the next result, or %NULL without
 *   an error when every result has been taken
 */
MockupResult *
mockup_batch_next (MockupBatch   *self,
                   GCancellable  *cancellable,
                   GError       **error)
{
  BatchCore *core;
  gulong handler = 0;
  gpointer item = NULL;

  g_return_val_if_fail (MOCKUP_IS_BATCH (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  core = self->core;
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_queue),
                                     g_async_queue_ref (core->queue),
                                     (GDestroyNotify) g_async_queue_unref);

  for (;;)
    {
      gboolean cancelled;

      g_mutex_lock (&core->lock);
      cancelled = core->cancelled;
      g_mutex_unlock (&core->lock);

      if (cancelled)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The batch was cancelled");
          item = NULL;
          break;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          item = NULL;
          break;
        }

      item = g_async_queue_pop (core->queue);
      if (item == WAKE_UP)
        continue;
      if (item == END_OF_BATCH)
        {
          /* leave it for the next caller */
          g_async_queue_push_front (core->queue, END_OF_BATCH);
          item = NULL;
        }
      else
        took_result (core, item);
      break;
    }

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  return item;
}

static void
next_cancelled (GCancellable *cancellable,
                gpointer      user_data)
{
  BatchCore *core = user_data;
  GTask *task = NULL;

  g_mutex_lock (&core->lock);
  /* Only the wait this cancellable belongs to; the handler stays
   * connected (it must not disconnect itself) and holds a core ref. */
  if (core->pending_cancellable == cancellable)
    {
      task = g_steal_pointer (&core->pending_next);
      g_clear_object (&core->pending_cancellable);
      core->pending_handler = 0;
    }
  g_mutex_unlock (&core->lock);

  if (task != NULL)
    {
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);
    }
}

/**
 * mockup_batch_next_async:
 * @self: a batch
 * @cancellable: (nullable): cancels this wait, not the batch
 * @callback: (scope async): called when the next result is ready
 * @user_data: (closure callback): data for @callback
 *
 * Waits, without blocking, for the next result in template order. Only one
 * call may be pending at a time: start the next one from @callback, as one
 * reads a [class@Gio.FileEnumerator].
 */
void
mockup_batch_next_async (MockupBatch         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  BatchCore *core;
  Answer answer;
  gulong handler = 0;

  g_return_if_fail (MOCKUP_IS_BATCH (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  core = self->core;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mockup_batch_next_async);
  g_task_set_check_cancellable (task, FALSE);

  if (g_task_return_error_if_cancelled (task))
    return;

  g_mutex_lock (&core->lock);
  if (core->pending_next != NULL)
    {
      g_mutex_unlock (&core->lock);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "A call to mockup_batch_next_async() is pending already");
      return;
    }
  core->pending_next = g_object_ref (task);
  if (answer_pending_locked (core, &answer))
    {
      g_mutex_unlock (&core->lock);
      give_answer (&answer);
      mockup_worker_pool_add_source (core->pool, &core->source);
      return;
    }
  g_mutex_unlock (&core->lock);

  if (cancellable == NULL)
    return;

  /* Connected outside the lock: the handler runs at once if the
   * cancellable is cancelled already, and takes the lock. */
  g_mutex_lock (&core->lock);
  core->pending_cancellable = g_object_ref (cancellable);
  g_mutex_unlock (&core->lock);
  handler = g_cancellable_connect (cancellable, G_CALLBACK (next_cancelled),
                                   core_ref (core), (GDestroyNotify) core_unref);
  g_mutex_lock (&core->lock);
  if (core->pending_cancellable == cancellable)
    core->pending_handler = handler;
  g_mutex_unlock (&core->lock);
}

/**
 * mockup_batch_next_finish:
 * @self: a batch
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Completes [method@Mockup.Batch.next_async].
 *
 * Returns: (transfer full) (nullable): the next result, or %NULL without
 *   an error when every result has been taken
 */
MockupResult *
mockup_batch_next_finish (MockupBatch   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (MOCKUP_IS_BATCH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mockup_batch_next_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mockup_batch_get_n_items: (get-property n-items)
 * @self: a batch
 *
 * Gets [property@Mockup.Batch:n-items].
 *
 * Returns: how many results the batch yields
 */
guint
mockup_batch_get_n_items (MockupBatch *self)
{
  g_return_val_if_fail (MOCKUP_IS_BATCH (self), 0);
  return self->core->n_items;
}

/**
 * mockup_batch_get_n_completed: (get-property n-completed)
 * @self: a batch
 *
 * Gets [property@Mockup.Batch:n-completed].
 *
 * Returns: how many results, from the first, were rendered or failed;
 *   renders stopped by a cancel do not count
 */
guint
mockup_batch_get_n_completed (MockupBatch *self)
{
  guint n;

  g_return_val_if_fail (MOCKUP_IS_BATCH (self), 0);

  g_mutex_lock (&self->core->lock);
  n = self->core->n_completed;
  g_mutex_unlock (&self->core->lock);
  return n;
}

/**
 * mockup_batch_is_finished:
 * @self: a batch
 *
 * Whether the batch has nothing more to give: every result was taken, or
 * it was cancelled.
 *
 * Returns: %TRUE when the batch is over
 */
gboolean
mockup_batch_is_finished (MockupBatch *self)
{
  gboolean finished;

  g_return_val_if_fail (MOCKUP_IS_BATCH (self), TRUE);

  g_mutex_lock (&self->core->lock);
  finished = self->core->cancelled || self->core->n_taken == self->core->n_items;
  g_mutex_unlock (&self->core->lock);
  return finished;
}

/**
 * mockup_batch_cancel:
 * @self: a batch
 *
 * Stops the batch: renders in progress stop within one band of rows, none
 * starts, and what they held is freed. Results not yet taken are dropped;
 * a pending or later `next` fails with `G_IO_ERROR_CANCELLED`.
 */
void
mockup_batch_cancel (MockupBatch *self)
{
  g_return_if_fail (MOCKUP_IS_BATCH (self));
  core_cancel (self->core);
}
