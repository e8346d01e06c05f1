/* mockup-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mockup-error.h"

G_DEFINE_QUARK (mockup-error-quark, mockup_error)
