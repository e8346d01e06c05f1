/* mockup-render-server.h: jobs from stdin, one JSON object a line
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <mockup-glib/mockup.h>

#include "mockup-render-progress.h"

G_BEGIN_DECLS

/* What a job gets when it does not say otherwise: the command line's
 * options. */
typedef struct
{
  const char *output_dir;
  MockupFormat format;
  guint quality;
  guint max_size;
  guint64 cache_limit;
} MrServerDefaults;

int mr_server_run (MockupRenderer         *renderer,
                   MrProgress             *progress,
                   const MrServerDefaults *defaults,
                   GCancellable           *cancellable);

G_END_DECLS
