/* mockup-template-parser.c: template manifests, format 1
 *
 * Strict by design: an unknown member is an error (a misspelt "opactiy"
 * would otherwise be silently ignored), every number is checked for range,
 * and every error names the file, the member and what is wrong with it.
 * Members whose names start with "_" are free for comments.
 *
 * Every problem is collected, not only the first: a template author fixes
 * them all in one round. Members that do not depend on each other are all
 * checked; one that others depend on (a layer's "type", a "format" this
 * library does not read) stops the checks below it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mockup-error.h"
#include "mockup-template-private.h"

/* Problems listed in the one error; the rest are counted. */
#define MAX_REPORTED_PROBLEMS 20

typedef struct
{
  const char *label;
  const char *base_dir;
  char *real_base_dir;
  GPtrArray *problems;  /* "label: member: problem", the first ones */
  guint n_problems;
  int code;             /* the first problem's */
  GPtrArray *parameters; /* MockupParameter, read before the layers */
} Parser;

static const char * const blend_names[] = {
  "normal", "multiply", "screen", "overlay", "darken", "lighten",
  "color-dodge", "color-burn", "hard-light", "soft-light", "difference",
  "exclusion", "hue", "saturation", "color", "luminosity",
  "linear-burn", "linear-dodge", "darker-color", "lighter-color",
  "vivid-light", "linear-light", "pin-light", "hard-mix", "subtract", "divide",
};
G_STATIC_ASSERT (G_N_ELEMENTS (blend_names) == MOCKUP_BLEND_DIVIDE + 1);

const char *
mockup_blend_mode_to_string (MockupBlendMode mode)
{
  return blend_names[mode];
}

/* Records a problem and returns FALSE, so that a check can end with
 * "return fail (…)"; the caller decides whether to go on. */
G_GNUC_PRINTF (4, 5)
static gboolean
fail (Parser     *parser,
      int         code,
      const char *member,
      const char *format,
      ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  if (parser->n_problems++ == 0)
    parser->code = code;
  if (parser->problems->len >= MAX_REPORTED_PROBLEMS)
    return FALSE;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (parser->problems, g_strdup_printf ("%s: %s: %s", parser->label, member, problem));
  return FALSE;
}

/* One problem a line, the first first, as many as MAX_REPORTED_PROBLEMS. */
static void
report_problems (Parser  *parser,
                 GError **error)
{
  g_autoptr(GString) message = g_string_new (NULL);

  for (guint i = 0; i < parser->problems->len; i++)
    g_string_append_printf (message, "%s%s", i > 0 ? "\n" : "",
                            (const char *) g_ptr_array_index (parser->problems, i));
  if (parser->n_problems > parser->problems->len)
    {
      guint more = parser->n_problems - parser->problems->len;

      g_string_append_printf (message, "\n%s: and %u more problem%s", parser->label,
                              more, more == 1 ? "" : "s");
    }
  g_set_error_literal (error, MOCKUP_ERROR, parser->code, message->str);
}

static const char *
node_type_name (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_STRING:
      return "a string";
    default:
      return "a number";
    }
}

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

/* Reports every unknown member of @object, in the manifest's order. */
static gboolean
check_members (Parser             *parser,
               JsonObject         *object,
               const char         *member,
               const char * const *allowed)
{
  g_autoptr(GList) names = json_object_get_members (object);
  g_autofree char *list = NULL;
  gboolean ok = TRUE;

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (name[0] == '_' || g_strv_contains (allowed, name))
        continue;
      if (list == NULL)
        list = g_strjoinv (", ", (char **) allowed);
      ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "unknown member \"%s\" (allowed: %s; names starting with \"_\" are free for comments)",
                 name, list);
    }
  return ok;
}

static gboolean
read_number (Parser     *parser,
             JsonNode   *node,
             const char *member,
             double      min,
             double      max,
             double     *out)
{
  double value;

  if (!is_number (node))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "expected a number, got %s", node_type_name (node));

  value = json_node_get_double (node);
  if (!isfinite (value))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member, "the number is not finite");
  if (value < min || value > max)
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "%g is out of range (%g to %g)", value, min, max);
  *out = value;
  return TRUE;
}

static gboolean
read_optional_number (Parser     *parser,
                      JsonObject *object,
                      const char *parent,
                      const char *name,
                      double      min,
                      double      max,
                      double     *out)
{
  g_autofree char *member = g_strdup_printf ("%s.%s", parent, name);
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return TRUE;
  return read_number (parser, node, member, min, max, out);
}

static gboolean
read_required_number (Parser     *parser,
                      JsonObject *object,
                      const char *parent,
                      const char *name,
                      double      min,
                      double      max,
                      double     *out)
{
  g_autofree char *member = g_strdup_printf ("%s.%s", parent, name);

  if (!json_object_has_member (object, name))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member, "required member is missing");
  return read_number (parser, json_object_get_member (object, name), member, min, max, out);
}

static gboolean
read_string (Parser      *parser,
             JsonNode    *node,
             const char  *member,
             const char **out)
{
  if (!is_string (node))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "expected a string, got %s", node_type_name (node));
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_enum (Parser             *parser,
           JsonNode           *node,
           const char         *member,
           const char * const *names,
           guint               n_names,
           guint              *out)
{
  const char *value;
  g_autoptr(GString) list = g_string_new (NULL);

  if (!read_string (parser, node, member, &value))
    return FALSE;
  for (guint i = 0; i < n_names; i++)
    {
      if (g_str_equal (value, names[i]))
        {
          *out = i;
          return TRUE;
        }
      g_string_append_printf (list, "%s%s", i ? ", " : "", names[i]);
    }
  return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
               "unknown value \"%s\" (expected one of: %s)", value, list->str);
}

static gboolean
read_point (Parser     *parser,
            JsonNode   *node,
            const char *member,
            double      point[2])
{
  gboolean ok = TRUE;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "expected a point [x, y], got %s", node_type_name (node));
  array = json_node_get_array (node);
  if (json_array_get_length (array) != 2)
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "expected a point [x, y] of 2 numbers, got %u", json_array_get_length (array));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *item = g_strdup_printf ("%s[%u]", member, i);

      ok &= read_number (parser, json_array_get_element (array, i), item,
                         -MOCKUP_MAX_COORDINATE, MOCKUP_MAX_COORDINATE, &point[i]);
    }
  return ok;
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_color (Parser     *parser,
            JsonNode   *node,
            const char *member,
            double      rgba[4])
{
  const char *text;
  gsize len;
  int digits[8];

  if (!read_string (parser, node, member, &text))
    return FALSE;

  len = strlen (text);
  if (text[0] != '#' || (len != 4 && len != 5 && len != 7 && len != 9))
    goto bad;
  for (gsize i = 1; i < len; i++)
    if ((digits[i - 1] = hex_digit (text[i])) < 0)
      goto bad;

  rgba[3] = 1.0;
  if (len <= 5)
    for (gsize i = 0; i < len - 1; i++)
      rgba[i] = digits[i] * 17 / 255.0;
  else
    for (gsize i = 0; i < (len - 1) / 2; i++)
      rgba[i] = (digits[2 * i] * 16 + digits[2 * i + 1]) / 255.0;
  return TRUE;

bad:
  return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
               "\"%s\" is not a colour (expected #rgb, #rgba, #rrggbb or #rrggbbaa)", text);
}

static const char * const parameter_types[] = { "color", "text", "number", "boolean" };

static MockupParameter *
find_parameter (Parser     *parser,
                const char *name)
{
  for (guint i = 0; parser->parameters != NULL && i < parser->parameters->len; i++)
    if (g_str_equal (mockup_parameter_get_name (parser->parameters->pdata[i]), name))
      return parser->parameters->pdata[i];
  return NULL;
}

/* Whether @node is a reference {"parameter": NAME} rather than a literal. */
static gboolean
is_parameter_ref (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node);
}

/* Reads a reference {"parameter": NAME} to a parameter of @type, for a
 * layer member that may take one in place of its literal. */
static gboolean
read_parameter_ref (Parser               *parser,
                    JsonNode             *node,
                    const char           *member,
                    MockupParameterType   type,
                    char                **name)
{
  static const char * const allowed[] = { "parameter", NULL };
  JsonObject *object = json_node_get_object (node);
  g_autofree char *name_member = g_strdup_printf ("%s.parameter", member);
  MockupParameter *parameter;
  const char *value;

  if (!check_members (parser, object, member, allowed))
    return FALSE;
  if (!json_object_has_member (object, "parameter"))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, name_member,
                 "required member is missing (the name of one of the template's parameters)");
  if (!read_string (parser, json_object_get_member (object, "parameter"), name_member, &value))
    return FALSE;
  parameter = find_parameter (parser, value);
  if (parameter == NULL)
    {
      g_autofree char *quoted = mockup_quote_for_message (value);

      return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, name_member,
                   "the template has no parameter %s (declare it in \"parameters\")", quoted);
    }
  if (mockup_parameter_get_parameter_type (parameter) != type)
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, name_member,
                 "parameter \"%s\" is a %s parameter; this member needs a %s one", value,
                 parameter_types[mockup_parameter_get_parameter_type (parameter)],
                 parameter_types[type]);
  *name = g_strdup (value);
  return TRUE;
}

/* The string form of a number that reads back as the same double. */
static char *
format_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buffer, sizeof buffer, "%.15g", value);
  if (g_ascii_strtod (buffer, NULL) != value)
    g_ascii_formatd (buffer, sizeof buffer, "%.17g", value);
  return g_strdup (buffer);
}

/* parameters.NAME: {"type": …, "default": …, "label": …, and by type
 * "choices", "minimum"/"maximum" or "max_length"} */
static MockupParameter *
read_parameter (Parser     *parser,
                const char *name,
                JsonNode   *node)
{
  static const char * const color_members[] = { "type", "default", "label", "choices", NULL };
  static const char * const text_members[] = { "type", "default", "label", "max_length", NULL };
  static const char * const number_members[] = { "type", "default", "label", "minimum", "maximum", NULL };
  static const char * const boolean_members[] = { "type", "default", "label", NULL };
  static const char * const * const members[] = { color_members, text_members, number_members, boolean_members };
  g_autofree char *member = g_strdup_printf ("parameters.%s", name);
  g_autofree char *type_member = g_strdup_printf ("%s.type", member);
  g_autofree char *default_member = g_strdup_printf ("%s.default", member);
  g_autoptr(MockupParameter) parameter = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *default_text = NULL;
  MockupParameterValue value;
  const char *label = NULL;
  JsonObject *object;
  JsonNode *child;
  gboolean ok = TRUE;
  guint type;

  if (!mockup_parameter_name_is_valid (name))
    {
      g_autofree char *quoted = mockup_quote_for_message (name);

      fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, "parameters",
            "%s is not a parameter name (a lower-case letter, then up to 63 lower-case "
            "letters, digits, \"_\" and \"-\")", quoted);
      return NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
            "expected a parameter object, got %s", node_type_name (node));
      return NULL;
    }
  object = json_node_get_object (node);
  if (!json_object_has_member (object, "type"))
    {
      fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, type_member,
            "required member is missing (color, text, number or boolean)");
      return NULL;
    }
  if (!read_enum (parser, json_object_get_member (object, "type"), type_member,
                  parameter_types, G_N_ELEMENTS (parameter_types), &type))
    return NULL;
  ok &= check_members (parser, object, member, members[type]);

  if ((child = json_object_get_member (object, "label")) != NULL)
    {
      g_autofree char *label_member = g_strdup_printf ("%s.label", member);

      ok &= read_string (parser, child, label_member, &label);
    }
  parameter = _mockup_parameter_new (name, (MockupParameterType) type, label);

  switch (type)
    {
    case MOCKUP_PARAMETER_COLOR:
      if ((child = json_object_get_member (object, "choices")) != NULL)
        {
          g_autofree char *choices_member = g_strdup_printf ("%s.choices", member);
          g_autoptr(GList) names = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (child))
            {
              ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, choices_member,
                         "expected an object of named colours, got %s", node_type_name (child));
              break;
            }
          names = json_object_get_members (json_node_get_object (child));
          if (g_list_length (names) > MOCKUP_MAX_CHOICES)
            {
              ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, choices_member,
                         "%u choices are more than the %d allowed", g_list_length (names),
                         MOCKUP_MAX_CHOICES);
              break;
            }
          for (GList *l = names; l != NULL; l = l->next)
            {
              const char *choice = l->data;
              g_autofree char *choice_member = NULL;
              const char *text;
              double rgba[4];

              if (choice[0] == '\0' || choice[0] == '#' || g_utf8_strlen (choice, -1) > 64)
                {
                  g_autofree char *quoted = mockup_quote_for_message (choice);

                  ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, choices_member,
                             "%s is not a choice name (1 to 64 characters, not starting with \"#\")",
                             quoted);
                  continue;
                }
              choice_member = g_strdup_printf ("%s.%s", choices_member, choice);
              if (!read_string (parser, json_object_get_member (json_node_get_object (child), choice),
                                choice_member, &text))
                ok = FALSE;
              else if (!mockup_parse_hex_color (text, rgba))
                {
                  g_autofree char *quoted = mockup_quote_for_message (text);

                  ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, choice_member,
                             "%s is not a colour (expected #rrggbb or #rgb)", quoted);
                }
              else
                _mockup_parameter_add_choice (parameter, choice, text);
            }
        }
      break;

    case MOCKUP_PARAMETER_TEXT:
      {
        double max_length = MOCKUP_DEFAULT_MAX_LENGTH;

        if (read_optional_number (parser, object, member, "max_length", 1, MOCKUP_MAX_TEXT_LENGTH,
                                  &max_length) && max_length != floor (max_length))
          {
            g_autofree char *max_member = g_strdup_printf ("%s.max_length", member);

            ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, max_member,
                       "expected a whole number of characters, got %g", max_length);
          }
        _mockup_parameter_set_max_length (parameter, (guint) max_length);
      }
      break;

    case MOCKUP_PARAMETER_NUMBER:
      {
        double minimum = -INFINITY, maximum = INFINITY;

        ok &= read_optional_number (parser, object, member, "minimum", -G_MAXDOUBLE, G_MAXDOUBLE, &minimum);
        ok &= read_optional_number (parser, object, member, "maximum", -G_MAXDOUBLE, G_MAXDOUBLE, &maximum);
        if (minimum > maximum)
          ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                     "the minimum %g is more than the maximum %g", minimum, maximum);
        _mockup_parameter_set_range (parameter, minimum, maximum);
      }
      break;

    default:
      break;
    }

  /* the default, in the string form that options give values in */
  if (!json_object_has_member (object, "default"))
    {
      fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, default_member, "required member is missing");
      return NULL;
    }
  child = json_object_get_member (object, "default");
  switch (type)
    {
    case MOCKUP_PARAMETER_NUMBER:
      if (is_number (child) && isfinite (json_node_get_double (child)))
        default_text = format_number (json_node_get_double (child));
      break;
    case MOCKUP_PARAMETER_BOOLEAN:
      if (child != NULL && JSON_NODE_HOLDS_VALUE (child) &&
          json_node_get_value_type (child) == G_TYPE_BOOLEAN)
        default_text = g_strdup (json_node_get_boolean (child) ? "true" : "false");
      break;
    default:
      if (is_string (child))
        default_text = g_strdup (json_node_get_string (child));
      break;
    }
  if (default_text == NULL)
    {
      fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, default_member,
            "expected %s, got %s",
            type == MOCKUP_PARAMETER_NUMBER ? "a number" : type == MOCKUP_PARAMETER_BOOLEAN ? "true or false"
            : "a string", node_type_name (child));
      return NULL;
    }
  if (!ok)
    return NULL;
  if (!_mockup_parameter_parse (parameter, default_text, &value, &local_error))
    {
      fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, default_member, "%s", local_error->message);
      return NULL;
    }
  mockup_parameter_value_clear (&value);
  _mockup_parameter_set_default (parameter, default_text);
  return g_steal_pointer (&parameter);
}

static void
read_parameters (Parser   *parser,
                 JsonNode *node)
{
  g_autoptr(GList) names = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, "parameters",
            "expected an object of named parameters, got %s", node_type_name (node));
      return;
    }
  names = json_object_get_members (json_node_get_object (node));
  if (g_list_length (names) > MOCKUP_MAX_PARAMETERS)
    {
      fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, "parameters",
            "%u parameters are more than the %d allowed", g_list_length (names), MOCKUP_MAX_PARAMETERS);
      return;
    }
  for (GList *l = names; l != NULL; l = l->next)
    {
      MockupParameter *parameter = read_parameter (parser, l->data,
                                                   json_object_get_member (json_node_get_object (node),
                                                                           l->data));

      if (parameter != NULL)
        g_ptr_array_add (parser->parameters, parameter);
    }
}

/* Resolves @relative against the template's folder and refuses anything
 * that leaves it, through ".." or through a symbolic link. */
static gboolean
resolve_path (Parser      *parser,
              const char  *relative,
              const char  *member,
              char       **resolved)
{
  g_autofree char *joined = NULL;
  g_autofree char *real = NULL;
  gsize base_len;

  if (parser->base_dir == NULL)
    return fail (parser, MOCKUP_ERROR_NOT_FOUND, member,
                 "\"%s\" cannot be found: the template was loaded from data without a base folder",
                 relative);
  if (relative[0] == '\0')
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member, "the path is empty");
  if (g_path_is_absolute (relative) || relative[0] == '~')
    return fail (parser, MOCKUP_ERROR_PATH_OUTSIDE, member,
                 "\"%s\" is an absolute path; paths are relative to the template's folder",
                 relative);

  joined = g_canonicalize_filename (relative, parser->base_dir);
  if (g_str_equal (joined, parser->base_dir))
    return fail (parser, MOCKUP_ERROR_NOT_FOUND, member,
                 "\"%s\" is the template's folder, not a file", relative);
  base_len = strlen (parser->base_dir);
  if (strncmp (joined, parser->base_dir, base_len) != 0 ||
      (joined[base_len] != G_DIR_SEPARATOR && !G_IS_DIR_SEPARATOR (parser->base_dir[base_len - 1])))
    return fail (parser, MOCKUP_ERROR_PATH_OUTSIDE, member,
                 "\"%s\" lies outside the template's folder", relative);

  real = realpath (joined, NULL);
  if (real == NULL)
    {
      int saved_errno = errno;

      return fail (parser, saved_errno == ENOENT || saved_errno == ENOTDIR ? MOCKUP_ERROR_NOT_FOUND
                                                                           : MOCKUP_ERROR_INVALID_IMAGE,
                   member, "\"%s\": %s", relative, g_strerror (saved_errno));
    }

  base_len = strlen (parser->real_base_dir);
  if (strncmp (real, parser->real_base_dir, base_len) != 0 ||
      (real[base_len] != G_DIR_SEPARATOR && strcmp (parser->real_base_dir, "/") != 0))
    return fail (parser, MOCKUP_ERROR_PATH_OUTSIDE, member,
                 "\"%s\" links to a file outside the template's folder", relative);

  if (!g_file_test (real, G_FILE_TEST_IS_REGULAR))
    return fail (parser, MOCKUP_ERROR_NOT_FOUND, member, "\"%s\" is not a regular file", relative);

  *resolved = g_steal_pointer (&real);
  return TRUE;
}

static void
image_ref_free (MockupImageRef *ref)
{
  if (ref == NULL)
    return;
  mockup_image_source_clear (&ref->source);
  mockup_template_file_clear (&ref->file);
  g_free (ref->member);
  g_free (ref);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupImageRef, image_ref_free)

static MockupImageRef *
read_image (Parser     *parser,
            JsonNode   *node,
            const char *member)
{
  g_autoptr(MockupImageRef) ref = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *relative;

  if (!read_string (parser, node, member, &relative))
    return NULL;
  if (!resolve_path (parser, relative, member, &path))
    return NULL;

  ref = g_new0 (MockupImageRef, 1);
  ref->member = g_strdup (member);
  mockup_image_source_init_path (&ref->source, path);
  g_free (ref->source.display_name);
  ref->source.display_name = g_strdup (relative);
  ref->source.no_symlinks = TRUE;   /* resolved above: a link in it later is a change */

  /* Before the probe, so that a change after it shows in a later stamp. */
  if (!mockup_template_file_stamp (&ref->file, path))
    {
      int saved_errno = errno;

      fail (parser, MOCKUP_ERROR_NOT_FOUND, member, "\"%s\": %s", relative, g_strerror (saved_errno));
      return NULL;
    }

  if (!mockup_image_source_probe (&ref->source, &ref->info, &local_error))
    {
      fail (parser, local_error->code, member, "%s", local_error->message);
      return NULL;
    }

  return g_steal_pointer (&ref);
}

/* "mask": "path" or { "source": "path", "mode": …, "invert": … } */
static gboolean
read_mask (Parser      *parser,
           JsonNode    *node,
           const char  *member,
           MockupLayer *layer)
{
  static const char * const allowed[] = { "source", "mode", "invert", NULL };
  static const char * const modes[] = { "luminance", "alpha" };
  g_autofree char *source_member = g_strdup_printf ("%s.source", member);
  JsonObject *object;
  JsonNode *child;
  gboolean ok;
  guint mode;

  layer->mask_mode = MOCKUP_MASK_LUMINANCE;

  if (is_string (node))
    return (layer->mask = read_image (parser, node, member)) != NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "expected a path or an object, got %s", node_type_name (node));

  object = json_node_get_object (node);
  ok = check_members (parser, object, member, allowed);
  if (!json_object_has_member (object, "source"))
    ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, source_member, "required member is missing");

  if ((child = json_object_get_member (object, "mode")) != NULL)
    {
      g_autofree char *mode_member = g_strdup_printf ("%s.mode", member);

      if (read_enum (parser, child, mode_member, modes, G_N_ELEMENTS (modes), &mode))
        layer->mask_mode = (MockupMaskMode) mode;
      else
        ok = FALSE;
    }
  if ((child = json_object_get_member (object, "invert")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (child) || json_node_get_value_type (child) != G_TYPE_BOOLEAN)
        {
          g_autofree char *invert_member = g_strdup_printf ("%s.invert", member);

          ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, invert_member,
                     "expected true or false, got %s", node_type_name (child));
        }
      else
        layer->mask_invert = json_node_get_boolean (child);
    }

  if (!json_object_has_member (object, "source"))
    return FALSE;
  layer->mask = read_image (parser, json_object_get_member (object, "source"), source_member);
  return ok && layer->mask != NULL;
}

/* "shading"/"displacement": "path" or { "source": …, "strength": …, … } */
static MockupImageRef *
read_map (Parser             *parser,
          JsonNode           *node,
          const char         *member,
          const char * const *allowed,
          double              max_strength,
          double             *strength,
          double             *neutral)
{
  g_autofree char *source_member = g_strdup_printf ("%s.source", member);
  g_autoptr(MockupImageRef) image = NULL;
  JsonObject *object;
  gboolean ok;

  if (is_string (node))
    return read_image (parser, node, member);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
            "expected a path or an object, got %s", node_type_name (node));
      return NULL;
    }
  object = json_node_get_object (node);
  ok = check_members (parser, object, member, allowed);
  if (!json_object_has_member (object, "source"))
    ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, source_member, "required member is missing");
  ok &= read_optional_number (parser, object, member, "strength", 0.0, max_strength, strength);
  if (neutral != NULL)
    ok &= read_optional_number (parser, object, member, "neutral", 0.01, 1.0, neutral);
  if (!json_object_has_member (object, "source"))
    return NULL;
  image = read_image (parser, json_object_get_member (object, "source"), source_member);
  return ok ? g_steal_pointer (&image) : NULL;
}

static gboolean
read_quad (Parser      *parser,
           JsonNode    *node,
           const char  *member,
           MockupShape *shape)
{
  JsonArray *array;
  g_autofree char *problem = NULL;
  gboolean ok = TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "expected 4 points [[x, y], …], got %s", node_type_name (node));
  array = json_node_get_array (node);
  if (json_array_get_length (array) != 4)
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "expected 4 points (top-left, top-right, bottom-right, bottom-left), got %u",
                 json_array_get_length (array));

  shape->kind = MOCKUP_SHAPE_QUAD;
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *item = g_strdup_printf ("%s[%u]", member, i);

      ok &= read_point (parser, json_array_get_element (array, i), item, shape->quad[i]);
    }

  if (!ok)
    return FALSE;
  if (!mockup_shape_validate (shape, &problem))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member, "%s", problem);
  return TRUE;
}

static gboolean
read_mesh (Parser      *parser,
           JsonNode    *node,
           const char  *member,
           MockupShape *shape)
{
  JsonArray *rows;
  guint n_rows, n_columns = 0;
  g_autofree char *problem = NULL;
  gboolean ok = TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "expected rows of points [[[x, y], …], …], got %s", node_type_name (node));
  rows = json_node_get_array (node);
  n_rows = json_array_get_length (rows);
  if (n_rows < 2 || n_rows > MOCKUP_MAX_MESH_POINTS)
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "expected 2 to %d rows of points, got %u", MOCKUP_MAX_MESH_POINTS, n_rows);

  shape->kind = MOCKUP_SHAPE_MESH;
  for (guint r = 0; r < n_rows; r++)
    {
      g_autofree char *row_member = g_strdup_printf ("%s[%u]", member, r);
      JsonNode *row_node = json_array_get_element (rows, r);
      JsonArray *row;
      guint n;

      if (!JSON_NODE_HOLDS_ARRAY (row_node))
        return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, row_member,
                     "expected a row of points, got %s", node_type_name (row_node));
      row = json_node_get_array (row_node);
      n = json_array_get_length (row);
      if (r == 0)
        {
          if (n < 2 || n > MOCKUP_MAX_MESH_POINTS)
            return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, row_member,
                         "expected 2 to %d points a row, got %u", MOCKUP_MAX_MESH_POINTS, n);
          n_columns = n;
          shape->mesh_rows = n_rows;
          shape->mesh_columns = n_columns;
          shape->mesh = g_new0 (double, 2 * n_rows * n_columns);
        }
      else if (n != n_columns)
        return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, row_member,
                     "every row needs the same number of points: row 0 has %u, this one %u",
                     n_columns, n);

      for (guint c = 0; c < n; c++)
        {
          g_autofree char *item = g_strdup_printf ("%s[%u][%u]", member, r, c);

          ok &= read_point (parser, json_array_get_element (row, c), item,
                            shape->mesh + 2 * (r * n_columns + c));
        }
    }

  if (!ok)
    return FALSE;
  if (!mockup_shape_validate (shape, &problem))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member, "%s", problem);
  return TRUE;
}

static gboolean
read_cylinder (Parser      *parser,
               JsonNode    *node,
               const char  *member,
               MockupShape *shape)
{
  static const char * const allowed[] = {
    "left", "right", "top", "bottom", "ellipse", "wrap", "rotation", NULL
  };
  JsonObject *object;
  gboolean ok;
  double wrap = 180.0, rotation = 0.0;
  const double m = MOCKUP_MAX_COORDINATE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                 "expected an object, got %s", node_type_name (node));
  object = json_node_get_object (node);
  ok = check_members (parser, object, member, allowed);

  shape->kind = MOCKUP_SHAPE_CYLINDER;
  ok &= read_required_number (parser, object, member, "left", -m, m, &shape->left);
  ok &= read_required_number (parser, object, member, "right", -m, m, &shape->right);
  ok &= read_required_number (parser, object, member, "top", -m, m, &shape->top);
  ok &= read_required_number (parser, object, member, "bottom", -m, m, &shape->bottom);
  ok &= read_optional_number (parser, object, member, "ellipse", -m, m, &shape->ellipse);
  ok &= read_optional_number (parser, object, member, "wrap", 1.0, 360.0, &wrap);
  ok &= read_optional_number (parser, object, member, "rotation", -180.0, 180.0, &rotation);
  if (!ok)
    return FALSE;

  if (shape->right - shape->left < 1.0)
    {
      g_autofree char *right = g_strdup_printf ("%s.right", member);
      ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, right,
                 "must be at least one pixel right of \"left\"");
    }
  if (shape->bottom - shape->top < 1.0)
    {
      g_autofree char *bottom = g_strdup_printf ("%s.bottom", member);
      ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, bottom,
                 "must be at least one pixel below \"top\"");
    }
  if (!ok)
    return FALSE;

  shape->wrap = wrap * G_PI / 180.0;
  shape->rotation = rotation * G_PI / 180.0;
  return TRUE;
}

static gboolean
read_align (Parser     *parser,
            JsonNode   *node,
            const char *member,
            double      align[2])
{
  static const struct { const char *name; double x, y; } names[] = {
    { "center", 0.5, 0.5 }, { "top", 0.5, 0.0 }, { "bottom", 0.5, 1.0 },
    { "left", 0.0, 0.5 }, { "right", 1.0, 0.5 }, { "top-left", 0.0, 0.0 },
    { "top-right", 1.0, 0.0 }, { "bottom-left", 0.0, 1.0 }, { "bottom-right", 1.0, 1.0 },
  };

  if (is_string (node))
    {
      const char *value = json_node_get_string (node);

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (g_str_equal (value, names[i].name))
          {
            align[0] = names[i].x;
            align[1] = names[i].y;
            return TRUE;
          }
      return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                   "unknown value \"%s\" (expected center, top, bottom, left, right, "
                   "top-left, top-right, bottom-left, bottom-right or [x, y] from 0 to 1)", value);
    }

  if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) == 2)
    {
      JsonArray *array = json_node_get_array (node);

      gboolean ok = TRUE;

      for (guint i = 0; i < 2; i++)
        {
          g_autofree char *item = g_strdup_printf ("%s[%u]", member, i);

          ok &= read_number (parser, json_array_get_element (array, i), item, 0.0, 1.0, &align[i]);
        }
      return ok;
    }

  return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
               "expected a name such as \"center\" or [x, y] from 0 to 1, got %s",
               node_type_name (node));
}

static gboolean
valid_name (const char *name)
{
  if (name[0] == '\0' || strlen (name) > 128)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static void
layer_free (MockupLayer *layer)
{
  g_free (layer->member);
  g_free (layer->name);
  g_free (layer->slot);
  g_free (layer->opacity_parameter);
  g_free (layer->visible_parameter);
  g_free (layer->color_parameter);
  image_ref_free (layer->mask);
  image_ref_free (layer->source);
  image_ref_free (layer->shading);
  image_ref_free (layer->displacement);
  mockup_shape_clear (&layer->shape);
  g_free (layer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupLayer, layer_free)

/* Reads layers[@index]; on a problem returns NULL, having checked all
 * that does not depend on it. @kind receives the layer's type, or -1 if
 * it has none. */
static MockupLayer *
read_layer (Parser   *parser,
            JsonNode *node,
            guint     index,
            int      *kind)
{
  static const char * const types[] = { "image", "artwork", "color" };
  static const char * const fits[] = { "cover", "contain", "stretch" };
  static const char * const common[] = { "type", "name", "blend", "opacity", "visible", "mask" };
  static const char * const image_members[] = { "source", NULL };
  static const char * const color_members[] = { "color", NULL };
  static const char * const artwork_members[] = {
    "slot", "quad", "mesh", "cylinder", "fit", "align", "aspect", "shading", "displacement", NULL
  };
  static const char * const shading_members[] = { "source", "strength", "neutral", NULL };
  static const char * const displacement_members[] = { "source", "strength", NULL };
  g_autoptr(MockupLayer) layer = g_new0 (MockupLayer, 1);
  g_autoptr(GPtrArray) allowed = g_ptr_array_new ();
  g_autofree char *member = g_strdup_printf ("layers[%u]", index);
  const char * const *specific;
  JsonObject *object;
  JsonNode *child;
  gboolean ok;
  guint value;

  *kind = -1;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
            "expected a layer object, got %s", node_type_name (node));
      return NULL;
    }
  object = json_node_get_object (node);
  layer->member = g_strdup (member);
  layer->opacity = 1.0;
  layer->visible = TRUE;
  layer->blend = MOCKUP_BLEND_NORMAL;

  /* the members allowed and needed depend on the type */
  {
    g_autofree char *type_member = g_strdup_printf ("%s.type", member);

    if (!json_object_has_member (object, "type"))
      {
        fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, type_member,
              "required member is missing (image, artwork or color)");
        return NULL;
      }
    if (!read_enum (parser, json_object_get_member (object, "type"), type_member,
                    types, G_N_ELEMENTS (types), &value))
      return NULL;
    layer->kind = (MockupLayerKind) value;
    *kind = (int) value;
  }

  specific = layer->kind == MOCKUP_LAYER_IMAGE ? image_members
           : layer->kind == MOCKUP_LAYER_COLOR ? color_members
           : artwork_members;
  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    g_ptr_array_add (allowed, (gpointer) common[i]);
  for (guint i = 0; specific[i]; i++)
    g_ptr_array_add (allowed, (gpointer) specific[i]);
  g_ptr_array_add (allowed, NULL);
  ok = check_members (parser, object, member, (const char * const *) allowed->pdata);

  if ((child = json_object_get_member (object, "name")) != NULL)
    {
      g_autofree char *name_member = g_strdup_printf ("%s.name", member);
      const char *name;

      if (read_string (parser, child, name_member, &name))
        layer->name = g_strdup (name);
      else
        ok = FALSE;
    }

  if ((child = json_object_get_member (object, "blend")) != NULL)
    {
      g_autofree char *blend_member = g_strdup_printf ("%s.blend", member);

      if (read_enum (parser, child, blend_member, blend_names, G_N_ELEMENTS (blend_names), &value))
        layer->blend = (MockupBlendMode) value;
      else
        ok = FALSE;
    }

  if (is_parameter_ref (child = json_object_get_member (object, "opacity")))
    {
      g_autofree char *opacity_member = g_strdup_printf ("%s.opacity", member);

      if (!read_parameter_ref (parser, child, opacity_member, MOCKUP_PARAMETER_NUMBER,
                               &layer->opacity_parameter))
        ok = FALSE;
      else
        {
          MockupParameter *parameter = find_parameter (parser, layer->opacity_parameter);

          /* so that every value the options may give is an opacity */
          if (mockup_parameter_get_minimum (parameter) < 0 || mockup_parameter_get_maximum (parameter) > 1)
            ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, opacity_member,
                       "parameter \"%s\" must have a minimum of at least 0 and a maximum of at most 1 "
                       "to set an opacity", layer->opacity_parameter);
        }
    }
  else
    ok &= read_optional_number (parser, object, member, "opacity", 0.0, 1.0, &layer->opacity);

  if ((child = json_object_get_member (object, "visible")) != NULL)
    {
      g_autofree char *visible_member = g_strdup_printf ("%s.visible", member);

      if (is_parameter_ref (child))
        ok &= read_parameter_ref (parser, child, visible_member, MOCKUP_PARAMETER_BOOLEAN,
                                  &layer->visible_parameter);
      else if (JSON_NODE_HOLDS_VALUE (child) && json_node_get_value_type (child) == G_TYPE_BOOLEAN)
        layer->visible = json_node_get_boolean (child);
      else
        ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, visible_member,
                   "expected true, false or {\"parameter\": NAME}, got %s", node_type_name (child));
    }

  if ((child = json_object_get_member (object, "mask")) != NULL)
    {
      g_autofree char *mask_member = g_strdup_printf ("%s.mask", member);

      ok &= read_mask (parser, child, mask_member, layer);
    }

  switch (layer->kind)
    {
    case MOCKUP_LAYER_IMAGE:
      {
        g_autofree char *source_member = g_strdup_printf ("%s.source", member);

        if (!json_object_has_member (object, "source"))
          ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, source_member, "required member is missing");
        else if ((layer->source = read_image (parser, json_object_get_member (object, "source"),
                                              source_member)) == NULL)
          ok = FALSE;
      }
      break;

    case MOCKUP_LAYER_COLOR:
      {
        g_autofree char *color_member = g_strdup_printf ("%s.color", member);

        if (!json_object_has_member (object, "color"))
          ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, color_member, "required member is missing");
        else if (is_parameter_ref (json_object_get_member (object, "color")))
          {
            ok &= read_parameter_ref (parser, json_object_get_member (object, "color"), color_member,
                                      MOCKUP_PARAMETER_COLOR, &layer->color_parameter);
            /* the default, for whoever reads the layer without options */
            if (layer->color_parameter != NULL)
              memcpy (layer->color,
                      _mockup_parameter_get_default (find_parameter (parser, layer->color_parameter))->color,
                      sizeof layer->color);
          }
        else
          ok &= read_color (parser, json_object_get_member (object, "color"), color_member, layer->color);
      }
      break;

    case MOCKUP_LAYER_ARTWORK:
      {
        static const char * const shapes[] = { "quad", "mesh", "cylinder" };
        const char *shape_name = NULL;
        gboolean one_shape = TRUE;

        layer->slot = g_strdup (MOCKUP_DEFAULT_SLOT);
        if ((child = json_object_get_member (object, "slot")) != NULL)
          {
            g_autofree char *slot_member = g_strdup_printf ("%s.slot", member);
            const char *slot;

            if (!read_string (parser, child, slot_member, &slot))
              ok = FALSE;
            else if (!valid_name (slot))
              ok = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, slot_member,
                         "\"%s\" is not a slot name (letters, digits, \"-\", \"_\" and \".\")", slot);
            else
              {
                g_free (layer->slot);
                layer->slot = g_strdup (slot);
              }
          }

        for (guint i = 0; i < G_N_ELEMENTS (shapes) && one_shape; i++)
          if (json_object_has_member (object, shapes[i]))
            {
              if (shape_name != NULL)
                one_shape = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                                  "give one of \"quad\", \"mesh\" and \"cylinder\", not both \"%s\" and \"%s\"",
                                  shape_name, shapes[i]);
              else
                shape_name = shapes[i];
            }
        if (shape_name == NULL)
          one_shape = fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
                            "an artwork layer needs \"quad\", \"mesh\" or \"cylinder\"");
        if (one_shape)
          {
            g_autofree char *shape_member = g_strdup_printf ("%s.%s", member, shape_name);

            child = json_object_get_member (object, shape_name);
            ok &= g_str_equal (shape_name, "quad") ? read_quad (parser, child, shape_member, &layer->shape)
                : g_str_equal (shape_name, "mesh") ? read_mesh (parser, child, shape_member, &layer->shape)
                : read_cylinder (parser, child, shape_member, &layer->shape);
          }
        ok &= one_shape;

        layer->fit = MOCKUP_FIT_COVER;
        if ((child = json_object_get_member (object, "fit")) != NULL)
          {
            g_autofree char *fit_member = g_strdup_printf ("%s.fit", member);

            if (read_enum (parser, child, fit_member, fits, G_N_ELEMENTS (fits), &value))
              layer->fit = (MockupFit) value;
            else
              ok = FALSE;
          }

        layer->align[0] = layer->align[1] = 0.5;
        if ((child = json_object_get_member (object, "align")) != NULL)
          {
            g_autofree char *align_member = g_strdup_printf ("%s.align", member);

            ok &= read_align (parser, child, align_member, layer->align);
          }

        ok &= read_optional_number (parser, object, member, "aspect", 0.01, 100.0, &layer->aspect);

        layer->shading_strength = 1.0;
        layer->shading_neutral = 1.0;
        if ((child = json_object_get_member (object, "shading")) != NULL)
          {
            g_autofree char *shading_member = g_strdup_printf ("%s.shading", member);

            layer->shading = read_map (parser, child, shading_member, shading_members, 1.0,
                                       &layer->shading_strength, &layer->shading_neutral);
            ok &= layer->shading != NULL;
          }

        layer->displacement_strength = 10.0;
        if ((child = json_object_get_member (object, "displacement")) != NULL)
          {
            g_autofree char *displacement_member = g_strdup_printf ("%s.displacement", member);

            layer->displacement = read_map (parser, child, displacement_member, displacement_members,
                                            256.0, &layer->displacement_strength, NULL);
            ok &= layer->displacement != NULL;
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }

  return ok ? g_steal_pointer (&layer) : NULL;
}

/* A mask is stretched to the canvas: one of another shape would be
 * distorted and cut the wrong places. It may be smaller, so its sides are
 * rounded: it fits when one side, scaled from the other by the canvas's
 * proportions, is within a pixel of its size. */
static gboolean
check_mask_aspect (Parser            *parser,
                   const MockupLayer *layer,
                   int                canvas_width,
                   int                canvas_height)
{
  double width = layer->mask->info.width;
  double height = layer->mask->info.height;
  double off_x = fabs (width - height * canvas_width / canvas_height);
  double off_y = fabs (height - width * canvas_height / canvas_width);
  g_autofree char *member = g_strdup_printf ("%s.mask", layer->member);

  if (MIN (off_x, off_y) <= 1.0 + 1e-9)
    return TRUE;
  return fail (parser, MOCKUP_ERROR_INVALID_TEMPLATE, member,
               "\"%s\" is %d × %d pixels, not of the canvas's aspect ratio (%d × %d); "
               "a mask is stretched to the canvas, so it must have its proportions",
               layer->mask->source.display_name, layer->mask->info.width, layer->mask->info.height,
               canvas_width, canvas_height);
}

void
mockup_template_data_clear (MockupTemplateData *data)
{
  g_clear_pointer (&data->id, g_free);
  g_clear_pointer (&data->name, g_free);
  g_clear_pointer (&data->layers, g_ptr_array_unref);
  g_clear_pointer (&data->parameters, g_ptr_array_unref);
}

gboolean
mockup_template_parse (JsonNode            *root,
                       const char          *label,
                       const char          *base_dir,
                       const char          *default_id,
                       MockupTemplateData  *data,
                       GError             **error)
{
  static const char * const allowed[] = {
    "$schema", "format", "id", "name", "size", "background", "parameters", "layers", NULL
  };
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  Parser parser = { label, base_dir, NULL, problems, 0, 0, NULL };
  g_autoptr(GPtrArray) layers = NULL;
  JsonObject *object;
  JsonNode *child;
  JsonArray *array;
  double format;
  guint n_layers;
  /* the canvas is unknown when it was to come from a layer that failed */
  gboolean canvas_unknown = FALSE;

  memset (data, 0, sizeof *data);

  if (base_dir != NULL)
    {
      parser.real_base_dir = realpath (base_dir, NULL);
      if (parser.real_base_dir == NULL)
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_NOT_FOUND,
                       "%s: the template's folder \"%s\" cannot be opened: %s",
                       label, base_dir, g_strerror (errno));
          return FALSE;
        }
    }

  parser.parameters = g_ptr_array_new_with_free_func (g_object_unref);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (&parser, MOCKUP_ERROR_INVALID_TEMPLATE, "(root)",
            "expected a template object, got %s", node_type_name (root));
      goto out;
    }
  object = json_node_get_object (root);
  check_members (&parser, object, "(root)", allowed);

  if ((child = json_object_get_member (object, "$schema")) != NULL)
    {
      const char *schema;

      read_string (&parser, child, "$schema", &schema);
    }

  /* another format gives every member another meaning: nothing more to
   * check then */
  if (!json_object_has_member (object, "format"))
    fail (&parser, MOCKUP_ERROR_INVALID_TEMPLATE, "format",
          "required member is missing (this library reads format %d)", MOCKUP_TEMPLATE_FORMAT);
  else if (read_number (&parser, json_object_get_member (object, "format"), "format", 0, G_MAXINT, &format) &&
           format != MOCKUP_TEMPLATE_FORMAT)
    {
      fail (&parser, MOCKUP_ERROR_UNSUPPORTED, "format",
            "format %g is not supported (this library reads format %d)", format, MOCKUP_TEMPLATE_FORMAT);
      goto out;
    }

  if ((child = json_object_get_member (object, "id")) != NULL)
    {
      const char *id;

      if (read_string (&parser, child, "id", &id))
        {
          if (!valid_name (id))
            fail (&parser, MOCKUP_ERROR_INVALID_TEMPLATE, "id",
                  "\"%s\" is not an id (1 to 128 letters, digits, \"-\", \"_\" and \".\")", id);
          else
            data->id = g_strdup (id);
        }
    }
  else
    data->id = g_strdup (default_id);

  if ((child = json_object_get_member (object, "name")) != NULL)
    {
      const char *name;

      if (read_string (&parser, child, "name", &name))
        data->name = g_strdup (name);
    }
  else
    data->name = g_strdup (data->id);

  if ((child = json_object_get_member (object, "background")) != NULL)
    read_color (&parser, child, "background", data->background);

  /* before the layers, which refer to them */
  if ((child = json_object_get_member (object, "parameters")) != NULL)
    read_parameters (&parser, child);

  if ((child = json_object_get_member (object, "size")) != NULL)
    {
      canvas_unknown = TRUE;
      if (!JSON_NODE_HOLDS_ARRAY (child))
        fail (&parser, MOCKUP_ERROR_INVALID_TEMPLATE, "size",
              "expected [width, height], got %s", node_type_name (child));
      else if (json_array_get_length (json_node_get_array (child)) != 2)
        fail (&parser, MOCKUP_ERROR_INVALID_TEMPLATE, "size",
              "expected [width, height] of 2 numbers, got %u",
              json_array_get_length (json_node_get_array (child)));
      else
        {
          JsonArray *size = json_node_get_array (child);
          double w, h;
          gboolean ok;

          ok = read_number (&parser, json_array_get_element (size, 0), "size[0]", 1, MOCKUP_MAX_CANVAS_SIDE, &w);
          ok &= read_number (&parser, json_array_get_element (size, 1), "size[1]", 1, MOCKUP_MAX_CANVAS_SIDE, &h);
          if (!ok)
            ;
          else if (w != floor (w) || h != floor (h))
            fail (&parser, MOCKUP_ERROR_INVALID_TEMPLATE, "size", "width and height must be whole pixels");
          else if (w * h > (double) MOCKUP_MAX_IMAGE_PIXELS)
            fail (&parser, MOCKUP_ERROR_TOO_LARGE, "size", "%g × %g pixels is more than the %" G_GUINT64_FORMAT
                  " megapixels allowed", w, h, MOCKUP_MAX_IMAGE_PIXELS / 1000000);
          else
            {
              data->width = (int) w;
              data->height = (int) h;
              canvas_unknown = FALSE;
            }
        }
    }

  if (!json_object_has_member (object, "layers"))
    {
      fail (&parser, MOCKUP_ERROR_INVALID_TEMPLATE, "layers", "required member is missing");
      goto out;
    }
  child = json_object_get_member (object, "layers");
  if (!JSON_NODE_HOLDS_ARRAY (child))
    {
      fail (&parser, MOCKUP_ERROR_INVALID_TEMPLATE, "layers",
            "expected an array of layers, got %s", node_type_name (child));
      goto out;
    }
  array = json_node_get_array (child);
  n_layers = json_array_get_length (array);
  if (n_layers == 0 || n_layers > MOCKUP_MAX_LAYERS)
    {
      fail (&parser, MOCKUP_ERROR_INVALID_TEMPLATE, "layers",
            "expected 1 to %d layers, got %u", MOCKUP_MAX_LAYERS, n_layers);
      goto out;
    }

  layers = g_ptr_array_new_with_free_func ((GDestroyNotify) layer_free);
  for (guint i = 0; i < n_layers; i++)
    {
      int kind;
      MockupLayer *layer = read_layer (&parser, json_array_get_element (array, i), i, &kind);

      if (layer == NULL)
        {
          if (data->width == 0 && (kind == MOCKUP_LAYER_IMAGE || kind < 0))
            canvas_unknown = TRUE;
          continue;
        }
      g_ptr_array_add (layers, layer);

      if (data->width == 0 && !canvas_unknown && layer->kind == MOCKUP_LAYER_IMAGE)
        {
          data->width = layer->source->info.width;
          data->height = layer->source->info.height;
        }
    }

  if (canvas_unknown)
    goto out;

  if (data->width == 0)
    {
      fail (&parser, MOCKUP_ERROR_INVALID_TEMPLATE, "size",
            "required when no image layer gives the canvas its size");
      goto out;
    }
  if (data->width > MOCKUP_MAX_CANVAS_SIDE || data->height > MOCKUP_MAX_CANVAS_SIDE)
    {
      fail (&parser, MOCKUP_ERROR_TOO_LARGE, "size",
            "the canvas would be %d × %d pixels; give a \"size\" of at most %d a side",
            data->width, data->height, MOCKUP_MAX_CANVAS_SIDE);
      goto out;
    }

  for (guint i = 0; i < layers->len; i++)
    {
      const MockupLayer *layer = g_ptr_array_index (layers, i);

      if (layer->mask != NULL)
        check_mask_aspect (&parser, layer, data->width, data->height);
    }

out:
  free (parser.real_base_dir);
  if (parser.n_problems > 0)
    {
      report_problems (&parser, error);
      g_ptr_array_unref (parser.parameters);
      mockup_template_data_clear (data);
      return FALSE;
    }
  data->layers = g_steal_pointer (&layers);
  data->parameters = g_steal_pointer (&parser.parameters);
  return TRUE;
}
