/* mockup-memory.h: the process's memory, as servers log it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include "mockup-version-macros.h"

G_BEGIN_DECLS

MOCKUP_AVAILABLE_IN_1_0
guint64 mockup_get_resident_memory      (void);
MOCKUP_AVAILABLE_IN_1_0
guint64 mockup_get_peak_resident_memory (void);

G_END_DECLS
