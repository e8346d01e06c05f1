/* mockup-parameter-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mockup-parameter.h"

G_BEGIN_DECLS

#define MOCKUP_MAX_PARAMETERS 64
#define MOCKUP_MAX_CHOICES 256
#define MOCKUP_DEFAULT_MAX_LENGTH 256
#define MOCKUP_MAX_TEXT_LENGTH 4096

/* A parameter's value, checked and converted. */
typedef struct
{
  MockupParameterType type;
  double color[4];        /* straight RGBA in [0, 1] */
  double number;
  gboolean boolean;
  char *text;             /* owned */
} MockupParameterValue;

/* The parser builds a parameter and then adds its choices. */
MockupParameter *_mockup_parameter_new        (const char           *name,
                                               MockupParameterType   type,
                                               const char           *label);
void             _mockup_parameter_add_choice (MockupParameter      *self,
                                               const char           *name,
                                               const char           *value);
void             _mockup_parameter_set_range  (MockupParameter      *self,
                                               double                minimum,
                                               double                maximum);
void             _mockup_parameter_set_max_length (MockupParameter  *self,
                                                   guint             max_length);
/* The default must parse: the parser checks it with _mockup_parameter_parse. */
void             _mockup_parameter_set_default (MockupParameter     *self,
                                                const char          *value);
const MockupParameterValue *_mockup_parameter_get_default (MockupParameter *self);

/* Checks @text against the parameter and converts it; the error message
 * is a phrase without a prefix, such as "expected true or false, got
 * \"maybe\"". */
gboolean         _mockup_parameter_parse      (MockupParameter      *self,
                                               const char           *text,
                                               MockupParameterValue *value,
                                               GError              **error);
void             mockup_parameter_value_clear (MockupParameterValue *value);

/* "#rrggbb" or "#rgb" (case-insensitive) into straight RGBA. */
gboolean         mockup_parse_hex_color       (const char           *text,
                                               double                rgba[4]);
/* @text in quotes for an error message: valid UTF-8, at most 64
 * characters. */
char            *mockup_quote_for_message     (const char           *text);
/* Names of parameters, as in the manifest: [a-z][a-z0-9_-]{0,63}. */
gboolean         mockup_parameter_name_is_valid (const char         *name);

G_END_DECLS
