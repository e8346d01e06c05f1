/* mockup-worker-pool-private.h: renders of many batches on few threads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MockupWorkerPool MockupWorkerPool;
typedef struct _MockupWorkSource MockupWorkSource;

typedef void (*MockupJobFunc) (gpointer job);

/* Something with work to hand out: a running batch. */
struct _MockupWorkSource
{
  /* Returns the next job, or NULL when there is none right now (all its
   * work is handed out, its consumer is behind, or memory is short); the
   * source adds itself again once it has more. */
  gpointer (*take_job) (MockupWorkSource *source);
  MockupJobFunc run_job;
  gpointer      (*ref)   (MockupWorkSource *source);
  void          (*unref) (MockupWorkSource *source);

  /* private to the pool */
  gboolean queued;
};

MockupWorkerPool *mockup_worker_pool_new             (guint              max_running);
MockupWorkerPool *mockup_worker_pool_ref             (MockupWorkerPool  *self);
void              mockup_worker_pool_unref           (MockupWorkerPool  *self);
void              mockup_worker_pool_set_max_running (MockupWorkerPool  *self,
                                                      guint              max_running);
/* Queues @source for a worker; sources are served in turn, one job each. */
void              mockup_worker_pool_add_source      (MockupWorkerPool  *self,
                                                      MockupWorkSource  *source);

G_END_DECLS
