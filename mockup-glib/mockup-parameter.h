/* mockup-parameter.h: a template's render-time choice
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include <glib-object.h>

#include "mockup-version-macros.h"

G_BEGIN_DECLS

/**
 * MockupParameterType:
 * @MOCKUP_PARAMETER_COLOR: a colour, `#rrggbb`, `#rgb` or the name of one
 *   of the parameter's choices
 * @MOCKUP_PARAMETER_TEXT: any UTF-8 text, up to the parameter's maximum
 *   length
 * @MOCKUP_PARAMETER_NUMBER: a number, within the parameter's minimum and
 *   maximum
 * @MOCKUP_PARAMETER_BOOLEAN: `true` or `false`
 *
 * What values a [class@Mockup.Parameter] takes.
 */
typedef enum {
  MOCKUP_PARAMETER_COLOR,
  MOCKUP_PARAMETER_TEXT,
  MOCKUP_PARAMETER_NUMBER,
  MOCKUP_PARAMETER_BOOLEAN,
} MockupParameterType;

#define MOCKUP_TYPE_PARAMETER (mockup_parameter_get_type ())

MOCKUP_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MockupParameter, mockup_parameter, MOCKUP, PARAMETER, GObject)

MOCKUP_AVAILABLE_IN_1_0
const char          *mockup_parameter_get_name           (MockupParameter *self);
MOCKUP_AVAILABLE_IN_1_0
MockupParameterType  mockup_parameter_get_parameter_type (MockupParameter *self);
MOCKUP_AVAILABLE_IN_1_0
const char          *mockup_parameter_get_default_value  (MockupParameter *self);
MOCKUP_AVAILABLE_IN_1_0
const char          *mockup_parameter_get_label          (MockupParameter *self);
MOCKUP_AVAILABLE_IN_1_0
char               **mockup_parameter_dup_choice_names   (MockupParameter *self);
MOCKUP_AVAILABLE_IN_1_0
const char          *mockup_parameter_get_choice_value   (MockupParameter *self,
                                                          const char      *name);
MOCKUP_AVAILABLE_IN_1_0
double               mockup_parameter_get_minimum        (MockupParameter *self);
MOCKUP_AVAILABLE_IN_1_0
double               mockup_parameter_get_maximum        (MockupParameter *self);
MOCKUP_AVAILABLE_IN_1_0
guint                mockup_parameter_get_max_length     (MockupParameter *self);

G_END_DECLS
