/* mockup-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mockup-error.h"

/**
 * mockup_error_quark:
 *
 * The error domain of mockup-glib, [error@Mockup.Error].
 *
 * Returns: the quark
 */
/* Not G_DEFINE_QUARK: its unlocked check-then-set is a (benign) data race
 * that ThreadSanitizer rightly reports. */
GQuark
mockup_error_quark (void)
{
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("mockup-error-quark"));
  return (GQuark) quark;
}
