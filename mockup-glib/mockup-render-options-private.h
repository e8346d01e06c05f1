/* mockup-render-options-private.h: what the engine reads of the options
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mockup-render-options.h"
#include "mockup-template.h"

G_BEGIN_DECLS

/* Where a slot's artwork goes instead of being fitted: fractions of the
 * slot's print area (its unit square), turned by @degrees clockwise about
 * the artwork's centre. */
typedef struct
{
  double left;
  double top;
  double width;
  double degrees;
} MockupPlacement;

/* The placement of @slot, or NULL where the slot is fitted. @self may be
 * NULL (no options). The pointer lives as long as @self and its placement
 * of @slot. */
const MockupPlacement *mockup_render_options_lookup_placement (MockupRenderOptions *self,
                                                               const char          *slot);
/* The raw value given for parameter @name, or NULL; @self may be NULL. */
const char            *mockup_render_options_lookup_parameter (MockupRenderOptions *self,
                                                               const char          *name);
/* Checks @self against @template before a render: every parameter exists
 * and its value is valid, every placement is finite with a positive width.
 * Errors are MOCKUP_ERROR_INVALID_OPTION, naming the template, the
 * parameter or slot, and the problem. @self may be NULL. */
gboolean               mockup_render_options_validate         (MockupRenderOptions *self,
                                                               MockupTemplate      *template,
                                                               GError             **error);

G_END_DECLS
