/* mockup-parameter.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mockup-enums.h"
#include "mockup-error.h"
#include "mockup-parameter-private.h"

/**
 * MockupParameter:
 *
 * A choice that a template leaves to render time: the colour of a shirt,
 * the name on a mug, the strength of a glare, whether a logo shows.
 *
 * A template declares its parameters in its manifest's `parameters`
 * object, each with a type, a default and, for colours, named choices;
 * its layers refer to them. Values are given to a render with
 * [class@Mockup.RenderOptions]. Get a template's parameters with
 * [method@Mockup.Template.dup_parameter_names] and
 * [method@Mockup.Template.get_parameter], for example to offer a colour
 * picker with the template's own choices.
 *
 * Parameters are immutable and belong to their template.
 */

typedef struct
{
  char *name;
  char *value;            /* "#rrggbb" */
} Choice;

struct _MockupParameter
{
  GObject parent_instance;

  char *name;
  MockupParameterType type;
  char *label;
  char *default_text;
  MockupParameterValue default_value;
  GArray *choices;        /* Choice, in manifest order */
  double minimum;
  double maximum;
  guint max_length;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_PARAMETER_TYPE,
  PROP_DEFAULT_VALUE,
  PROP_LABEL,
  PROP_MINIMUM,
  PROP_MAXIMUM,
  PROP_MAX_LENGTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MockupParameter, mockup_parameter, G_TYPE_OBJECT)

static void
choice_clear (gpointer data)
{
  Choice *choice = data;

  g_free (choice->name);
  g_free (choice->value);
}

static void
mockup_parameter_finalize (GObject *object)
{
  MockupParameter *self = (MockupParameter *) object;

  g_free (self->name);
  g_free (self->label);
  g_free (self->default_text);
  mockup_parameter_value_clear (&self->default_value);
  g_array_unref (self->choices);

  G_OBJECT_CLASS (mockup_parameter_parent_class)->finalize (object);
}

static void
mockup_parameter_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MockupParameter *self = MOCKUP_PARAMETER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_PARAMETER_TYPE:
      g_value_set_enum (value, self->type);
      break;
    case PROP_DEFAULT_VALUE:
      g_value_set_string (value, self->default_text);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_MINIMUM:
      g_value_set_double (value, self->minimum);
      break;
    case PROP_MAXIMUM:
      g_value_set_double (value, self->maximum);
      break;
    case PROP_MAX_LENGTH:
      g_value_set_uint (value, self->max_length);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mockup_parameter_class_init (MockupParameterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mockup_parameter_finalize;
  object_class->get_property = mockup_parameter_get_property;

  /**
   * MockupParameter:name: (getter get_name)
   *
   * The parameter's name, as layers and [class@Mockup.RenderOptions]
   * refer to it: a lower-case letter, then up to 63 lower-case letters,
   * digits, `_` or `-`.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupParameter:parameter-type: (getter get_parameter_type)
   *
   * What values the parameter takes.
   */
  properties[PROP_PARAMETER_TYPE] =
    g_param_spec_enum ("parameter-type", NULL, NULL,
                       MOCKUP_TYPE_PARAMETER_TYPE, MOCKUP_PARAMETER_COLOR,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupParameter:default-value: (getter get_default_value)
   *
   * The value a render uses when its options give none, in the form
   * [method@Mockup.RenderOptions.set_parameter] takes: `#rrggbb` for a
   * colour, `0.35` for a number, `true` for a boolean.
   */
  properties[PROP_DEFAULT_VALUE] =
    g_param_spec_string ("default-value", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupParameter:label: (getter get_label)
   *
   * A label for a user interface, from the manifest's `label` member, or
   * %NULL.
   */
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupParameter:minimum: (getter get_minimum)
   *
   * The smallest value a number parameter takes; -infinity when the
   * manifest gives none.
   */
  properties[PROP_MINIMUM] =
    g_param_spec_double ("minimum", NULL, NULL, -INFINITY, INFINITY, -INFINITY,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupParameter:maximum: (getter get_maximum)
   *
   * The largest value a number parameter takes; +infinity when the
   * manifest gives none.
   */
  properties[PROP_MAXIMUM] =
    g_param_spec_double ("maximum", NULL, NULL, -INFINITY, INFINITY, INFINITY,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupParameter:max-length: (getter get_max_length)
   *
   * The most characters a text parameter takes; 0 for other types.
   */
  properties[PROP_MAX_LENGTH] =
    g_param_spec_uint ("max-length", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mockup_parameter_init (MockupParameter *self)
{
  self->choices = g_array_new (FALSE, TRUE, sizeof (Choice));
  g_array_set_clear_func (self->choices, choice_clear);
  self->minimum = -INFINITY;
  self->maximum = INFINITY;
}

MockupParameter *
_mockup_parameter_new (const char          *name,
                       MockupParameterType  type,
                       const char          *label)
{
  MockupParameter *self = g_object_new (MOCKUP_TYPE_PARAMETER, NULL);

  self->name = g_strdup (name);
  self->type = type;
  self->label = g_strdup (label);
  if (type == MOCKUP_PARAMETER_TEXT)
    self->max_length = MOCKUP_DEFAULT_MAX_LENGTH;
  return self;
}

void
_mockup_parameter_add_choice (MockupParameter *self,
                              const char      *name,
                              const char      *value)
{
  Choice choice;
  double rgba[4];

  /* stored normalised, so that get_choice_value is always "#rrggbb" */
  g_return_if_fail (mockup_parse_hex_color (value, rgba));
  choice.name = g_strdup (name);
  choice.value = g_strdup_printf ("#%02x%02x%02x", (guint) lrint (rgba[0] * 255),
                                  (guint) lrint (rgba[1] * 255), (guint) lrint (rgba[2] * 255));
  g_array_append_val (self->choices, choice);
}

void
_mockup_parameter_set_range (MockupParameter *self,
                             double           minimum,
                             double           maximum)
{
  self->minimum = minimum;
  self->maximum = maximum;
}

void
_mockup_parameter_set_max_length (MockupParameter *self,
                                  guint            max_length)
{
  self->max_length = max_length;
}

void
_mockup_parameter_set_default (MockupParameter *self,
                               const char      *value)
{
  MockupParameterValue parsed = { 0, };

  if (!_mockup_parameter_parse (self, value, &parsed, NULL))
    g_return_if_reached ();
  mockup_parameter_value_clear (&self->default_value);
  self->default_value = parsed;
  g_free (self->default_text);
  self->default_text = g_strdup (value);
}

const MockupParameterValue *
_mockup_parameter_get_default (MockupParameter *self)
{
  return &self->default_value;
}

void
mockup_parameter_value_clear (MockupParameterValue *value)
{
  g_clear_pointer (&value->text, g_free);
}

gboolean
mockup_parameter_name_is_valid (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 64 || !g_ascii_islower (name[0]))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_islower (name[i]) && !g_ascii_isdigit (name[i]) && name[i] != '_' && name[i] != '-')
      return FALSE;
  return TRUE;
}

gboolean
mockup_parse_hex_color (const char *text,
                        double      rgba[4])
{
  gsize len;
  guint v[6];

  if (text == NULL || text[0] != '#')
    return FALSE;
  len = strlen (text + 1);
  if (len != 3 && len != 6)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      int d = g_ascii_xdigit_value (text[1 + i]);

      if (d < 0)
        return FALSE;
      v[i] = (guint) d;
    }
  for (int c = 0; c < 3; c++)
    rgba[c] = (len == 3 ? v[c] * 17 : v[2 * c] * 16 + v[2 * c + 1]) / 255.0;
  rgba[3] = 1.0;
  return TRUE;
}

char *
mockup_quote_for_message (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  /* whole characters, so that a message stays valid UTF-8 */
  if (g_utf8_strlen (valid, -1) > 64)
    {
      g_autofree char *cut = g_utf8_substring (valid, 0, 64);

      return g_strdup_printf ("\"%s…\"", cut);
    }
  return g_strdup_printf ("\"%s\"", valid);
}

gboolean
_mockup_parameter_parse (MockupParameter      *self,
                         const char           *text,
                         MockupParameterValue *value,
                         GError              **error)
{
  g_autofree char *quoted = mockup_quote_for_message (text);

  memset (value, 0, sizeof *value);
  value->type = self->type;

  switch (self->type)
    {
    case MOCKUP_PARAMETER_COLOR:
      {
        const char *choice = mockup_parameter_get_choice_value (self, text);

        if (mockup_parse_hex_color (choice != NULL ? choice : text, value->color))
          return TRUE;
        if (self->choices->len > 0)
          {
            g_autoptr(GString) names = g_string_new (NULL);

            for (guint i = 0; i < self->choices->len && i < 16; i++)
              g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                                      g_array_index (self->choices, Choice, i).name);
            if (self->choices->len > 16)
              g_string_append (names, ", …");
            g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                         "expected #rrggbb, #rgb or one of %s, got %s", names->str, quoted);
          }
        else
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                       "expected a colour #rrggbb or #rgb, got %s", quoted);
        return FALSE;
      }

    case MOCKUP_PARAMETER_TEXT:
      if (!g_utf8_validate (text, -1, NULL))
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                       "the text is not valid UTF-8");
          return FALSE;
        }
      if (g_utf8_strlen (text, -1) > self->max_length)
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                       "the text has %ld characters, more than the maximum of %u",
                       g_utf8_strlen (text, -1), self->max_length);
          return FALSE;
        }
      value->text = g_strdup (text);
      return TRUE;

    case MOCKUP_PARAMETER_NUMBER:
      {
        char *end = NULL;
        double number;

        /* g_ascii_strtod: "0.5" whatever the locale */
        number = *text != '\0' && !g_ascii_isspace (*text) ? g_ascii_strtod (text, &end) : NAN;
        if (end == NULL || *end != '\0' || !isfinite (number))
          {
            g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                         "expected a number, got %s", quoted);
            return FALSE;
          }
        if (number < self->minimum || number > self->maximum)
          {
            g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                         "%g is out of range [%g, %g]", number, self->minimum, self->maximum);
            return FALSE;
          }
        value->number = number;
        return TRUE;
      }

    case MOCKUP_PARAMETER_BOOLEAN:
    default:
      if (g_strcmp0 (text, "true") == 0 || g_strcmp0 (text, "false") == 0)
        {
          value->boolean = text[0] == 't';
          return TRUE;
        }
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                   "expected true or false, got %s", quoted);
      return FALSE;
    }
}

/**
 * mockup_parameter_get_name: (get-property name)
 * @self: a parameter
 *
 * Gets [property@Mockup.Parameter:name].
 *
 * Returns: the parameter's name
 */
const char *
mockup_parameter_get_name (MockupParameter *self)
{
  g_return_val_if_fail (MOCKUP_IS_PARAMETER (self), NULL);
  return self->name;
}

/**
 * mockup_parameter_get_parameter_type: (get-property parameter-type)
 * @self: a parameter
 *
 * Gets [property@Mockup.Parameter:parameter-type].
 *
 * Returns: what values the parameter takes
 */
MockupParameterType
mockup_parameter_get_parameter_type (MockupParameter *self)
{
  g_return_val_if_fail (MOCKUP_IS_PARAMETER (self), MOCKUP_PARAMETER_COLOR);
  return self->type;
}

/**
 * mockup_parameter_get_default_value: (get-property default-value)
 * @self: a parameter
 *
 * Gets [property@Mockup.Parameter:default-value].
 *
 * Returns: the default, as a string
 */
const char *
mockup_parameter_get_default_value (MockupParameter *self)
{
  g_return_val_if_fail (MOCKUP_IS_PARAMETER (self), NULL);
  return self->default_text;
}

/**
 * mockup_parameter_get_label: (get-property label)
 * @self: a parameter
 *
 * Gets [property@Mockup.Parameter:label].
 *
 * Returns: (nullable): a label for a user interface
 */
const char *
mockup_parameter_get_label (MockupParameter *self)
{
  g_return_val_if_fail (MOCKUP_IS_PARAMETER (self), NULL);
  return self->label;
}

/**
 * mockup_parameter_dup_choice_names:
 * @self: a parameter
 *
 * The names of a colour parameter's choices, in the manifest's order,
 * such as `navy` and `white`. Each is a value that
 * [method@Mockup.RenderOptions.set_parameter] accepts.
 *
 * Returns: (transfer full) (array zero-terminated=1): the names; empty
 *   when the parameter has no choices
 */
char **
mockup_parameter_dup_choice_names (MockupParameter *self)
{
  char **names;

  g_return_val_if_fail (MOCKUP_IS_PARAMETER (self), NULL);

  names = g_new0 (char *, self->choices->len + 1);
  for (guint i = 0; i < self->choices->len; i++)
    names[i] = g_strdup (g_array_index (self->choices, Choice, i).name);
  return names;
}

/**
 * mockup_parameter_get_choice_value:
 * @self: a parameter
 * @name: a choice's name
 *
 * The colour that a named choice stands for.
 *
 * Returns: (nullable): the colour as `#rrggbb`, or %NULL if the
 *   parameter has no such choice
 */
const char *
mockup_parameter_get_choice_value (MockupParameter *self,
                                   const char      *name)
{
  g_return_val_if_fail (MOCKUP_IS_PARAMETER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->choices->len; i++)
    {
      const Choice *choice = &g_array_index (self->choices, Choice, i);

      if (g_str_equal (choice->name, name))
        return choice->value;
    }
  return NULL;
}

/**
 * mockup_parameter_get_minimum: (get-property minimum)
 * @self: a parameter
 *
 * Gets [property@Mockup.Parameter:minimum].
 *
 * Returns: the smallest value, or -infinity
 */
double
mockup_parameter_get_minimum (MockupParameter *self)
{
  g_return_val_if_fail (MOCKUP_IS_PARAMETER (self), -INFINITY);
  return self->minimum;
}

/**
 * mockup_parameter_get_maximum: (get-property maximum)
 * @self: a parameter
 *
 * Gets [property@Mockup.Parameter:maximum].
 *
 * Returns: the largest value, or +infinity
 */
double
mockup_parameter_get_maximum (MockupParameter *self)
{
  g_return_val_if_fail (MOCKUP_IS_PARAMETER (self), INFINITY);
  return self->maximum;
}

/**
 * mockup_parameter_get_max_length: (get-property max-length)
 * @self: a parameter
 *
 * Gets [property@Mockup.Parameter:max-length].
 *
 * Returns: the most characters a text parameter takes, or 0
 */
guint
mockup_parameter_get_max_length (MockupParameter *self)
{
  g_return_val_if_fail (MOCKUP_IS_PARAMETER (self), 0);
  return self->max_length;
}
