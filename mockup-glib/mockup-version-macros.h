/* mockup-version-macros.h: symbol visibility and availability
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include <glib.h>

#include "mockup-version.h"

#if defined(_WIN32) && !defined(MOCKUP_STATIC)
# ifdef MOCKUP_COMPILATION
#  define _MOCKUP_EXTERN __declspec(dllexport) extern
# else
#  define _MOCKUP_EXTERN __declspec(dllimport) extern
# endif
#else
# define _MOCKUP_EXTERN __attribute__((visibility("default"))) extern
#endif

#define MOCKUP_VERSION_1_0 (G_ENCODE_VERSION (1, 0))

#define MOCKUP_AVAILABLE_IN_ALL _MOCKUP_EXTERN
#define MOCKUP_AVAILABLE_IN_1_0 _MOCKUP_EXTERN
