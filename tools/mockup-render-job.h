/* mockup-render-job.h: one artwork into a list of templates, results saved
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <mockup-glib/mockup.h>

#include "mockup-render-progress.h"
#include "mockup-render-template-cache.h"

G_BEGIN_DECLS

#define MR_TYPE_JOB (mr_job_get_type ())

G_DECLARE_FINAL_TYPE (MrJob, mr_job, MR, JOB, GObject)

MrJob    *mr_job_new                 (MockupRenderer       *renderer,
                                      MrProgress           *progress);
void      mr_job_set_server_id       (MrJob                *self,
                                      JsonNode             *id,
                                      const char           *label);
void      mr_job_set_json            (MrJob                *self,
                                      gboolean              json);
void      mr_job_set_artwork         (MrJob                *self,
                                      MockupArtwork        *artwork);
void      mr_job_set_slot_artworks   (MrJob                *self,
                                      GHashTable           *slot_artworks);
void      mr_job_set_options         (MrJob                *self,
                                      MockupRenderOptions  *options);
void      mr_job_set_output_dir      (MrJob                *self,
                                      const char           *output_dir);
void      mr_job_set_settings        (MrJob                *self,
                                      MockupFormat          format,
                                      guint                 quality,
                                      guint                 max_size);
/* With the settings: FALSE codes every block of a JPEG photo again. */
void      mr_job_set_jpeg_passthrough (MrJob               *self,
                                       gboolean             jpeg_passthrough);
void      mr_job_add_templates       (MrJob                *self,
                                      const char           *argument,
                                      MrTemplateCache      *cache);
guint     mr_job_get_n_rendered      (MrJob                *self);
guint     mr_job_get_n_failed        (MrJob                *self);
guint     mr_job_get_n_cached        (MrJob                *self);
void      mr_job_run_async           (MrJob                *self,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean  mr_job_run_finish          (MrJob                *self,
                                      GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
