/* mockup-render-server.h: jobs from stdin, one JSON object a line
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <mockup-glib/mockup.h>

#include "mockup-render-request.h"

G_BEGIN_DECLS

/* mr_server_run ()'s status when jobs would not stop after a signal */
#define MR_SERVER_ABANDONED (-1)

int mr_server_run (MockupRenderer         *renderer,
                   gboolean                quiet,
                   const MrServerDefaults *defaults,
                   guint                   max_jobs,
                   GCancellable           *cancellable);

G_END_DECLS
