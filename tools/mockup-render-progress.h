/* mockup-render-progress.h: what mockup-render tells the person watching
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MrProgress MrProgress;

MrProgress *mr_progress_new      (gboolean     quiet,
                                  gboolean     plain);
void        mr_progress_free     (MrProgress  *self);
void        mr_progress_set_job  (MrProgress  *self,
                                  const char  *job);
void        mr_progress_begin    (MrProgress  *self,
                                  const char  *job,
                                  guint        n_items);
void        mr_progress_started  (MrProgress  *self,
                                  guint        position,
                                  const char  *name);
void        mr_progress_done     (MrProgress  *self,
                                  guint        position,
                                  const char  *name,
                                  guint64      render_time,
                                  guint64      resident_memory,
                                  const char  *error_message);
void        mr_progress_end      (MrProgress  *self,
                                  guint        n_rendered,
                                  guint        n_failed);
void        mr_progress_stop     (MrProgress  *self);
void        mr_progress_error    (MrProgress  *self,
                                  const char  *format,
                                  ...) G_GNUC_PRINTF (2, 3);
void        mr_progress_warning  (MrProgress  *self,
                                  const char  *format,
                                  ...) G_GNUC_PRINTF (2, 3);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MrProgress, mr_progress_free)

G_END_DECLS
