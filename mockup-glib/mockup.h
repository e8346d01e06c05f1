/* mockup.h: the one header users include
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>
#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#define MOCKUP_INSIDE
# include "mockup-version.h"
# include "mockup-version-macros.h"
# include "mockup-enums.h"
# include "mockup-error.h"
# include "mockup-format.h"
# include "mockup-parameter.h"
# include "mockup-render-options.h"
# include "mockup-template.h"
# include "mockup-artwork.h"
# include "mockup-result.h"
# include "mockup-batch.h"
# include "mockup-renderer.h"
# include "mockup-memory.h"
# include "mockup-photo-maps.h"
#undef MOCKUP_INSIDE
