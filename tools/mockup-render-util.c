/* mockup-render-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mockup-render-util.h"

G_DEFINE_QUARK (mr-error-quark, mr_error)

/* Parses a byte count as people write it: "1073741824", "256M", "1G",
 * "512KiB", "2 GB". Units are binary (K = 1024), as the library's
 * memory-limit messages count MiB. */
gboolean
mr_parse_size (const char  *text,
               guint64     *bytes,
               GError     **error)
{
  static const struct { const char *suffix; guint shift; } units[] = {
    { "", 0 }, { "b", 0 },
    { "k", 10 }, { "kb", 10 }, { "kib", 10 },
    { "m", 20 }, { "mb", 20 }, { "mib", 20 },
    { "g", 30 }, { "gb", 30 }, { "gib", 30 },
    { "t", 40 }, { "tb", 40 }, { "tib", 40 },
  };
  guint64 value;
  char *end = NULL;

  if (text == NULL || !g_ascii_isdigit (*text))
    goto invalid;

  errno = 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (errno != 0 || end == text)
    goto invalid;
  while (g_ascii_isspace (*end))
    end++;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (g_ascii_strcasecmp (end, units[i].suffix) != 0)
        continue;
      if (units[i].shift != 0 && value > (G_MAXUINT64 >> units[i].shift))
        goto invalid;
      *bytes = value << units[i].shift;
      return TRUE;
    }

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "“%s” is not a size: give bytes, or a number followed by K, M or G",
               text != NULL ? text : "");
  return FALSE;
}

gboolean
mr_parse_placement (const char  *text,
                    double       values[4],
                    GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  guint n = g_strv_length (parts);

  if (n < 3 || n > 4)
    goto invalid;
  values[3] = 0;
  for (guint i = 0; i < n; i++)
    {
      char *end = NULL;
      const char *part = parts[i];

      while (g_ascii_isspace (*part))
        part++;
      if (*part == '\0')
        goto invalid;
      values[i] = g_ascii_strtod (part, &end);
      while (g_ascii_isspace (*end))
        end++;
      if (*end != '\0' || !isfinite (values[i]) || fabs (values[i]) > MR_PLACEMENT_MAX)
        goto invalid;
    }
  if (values[2] <= 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "“%s”: the width must be positive", text);
      return FALSE;
    }
  return TRUE;

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "“%s” is not LEFT,TOP,WIDTH[,DEGREES] (numbers, fractions of the print area)",
               text);
  return FALSE;
}

/* The MockupError nick ("invalid-template", "too-large", …), "cancelled"
 * for cancellation, "failed" for anything else, so that scripts can act
 * on the kind of failure without parsing messages. */
const char *
mr_error_code_name (const GError *error)
{
  if (error->domain == MOCKUP_ERROR)
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (MOCKUP_TYPE_ERROR);
      GEnumValue *value = g_enum_get_value (klass, error->code);

      if (value != NULL)
        return value->value_nick;
    }
  if (error->domain == MR_ERROR)
    return "invalid-job";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";
  if (error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR)
    return "io";
  return "failed";
}

void
mr_json_line_init (MrJsonLine *line)
{
  line->text = g_string_new ("{");
}

static void
add_key (MrJsonLine *line,
         const char *key)
{
  if (line->text->len > 1)
    g_string_append (line->text, ", ");
  g_string_append_printf (line->text, "\"%s\": ", key);
}

static void
append_quoted (GString    *text,
               const char *value)
{
  g_string_append_c (text, '"');
  for (const char *p = value; *p; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (text, "\\\"");
          break;
        case '\\':
          g_string_append (text, "\\\\");
          break;
        case '\n':
          g_string_append (text, "\\n");
          break;
        case '\r':
          g_string_append (text, "\\r");
          break;
        case '\t':
          g_string_append (text, "\\t");
          break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (text, "\\u%04x", (guchar) *p);
          else
            g_string_append_c (text, *p);
        }
    }
  g_string_append_c (text, '"');
}

void
mr_json_line_add_string (MrJsonLine *line,
                         const char *key,
                         const char *value)
{
  add_key (line, key);
  if (value == NULL)
    g_string_append (line->text, "null");
  else if (g_utf8_validate (value, -1, NULL))
    append_quoted (line->text, value);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      append_quoted (line->text, valid);
    }
}

void
mr_json_line_add_int (MrJsonLine *line,
                      const char *key,
                      gint64      value)
{
  add_key (line, key);
  g_string_append_printf (line->text, "%" G_GINT64_FORMAT, value);
}

void
mr_json_line_add_double (MrJsonLine *line,
                         const char *key,
                         double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  add_key (line, key);
  /* three decimals: microseconds when the value is milliseconds */
  g_string_append (line->text, g_ascii_formatd (buffer, sizeof buffer, "%.3f", value));
}

void
mr_json_line_add_boolean (MrJsonLine *line,
                          const char *key,
                          gboolean    value)
{
  add_key (line, key);
  g_string_append (line->text, value ? "true" : "false");
}

void
mr_json_line_add_null (MrJsonLine *line,
                       const char *key)
{
  add_key (line, key);
  g_string_append (line->text, "null");
}

void
mr_json_line_add_node (MrJsonLine *line,
                       const char *key,
                       JsonNode   *value)
{
  g_autofree char *text = NULL;

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    {
      mr_json_line_add_null (line, key);
      return;
    }
  add_key (line, key);
  text = json_to_string (value, FALSE);
  g_string_append (line->text, text);
}

/* "error" and "error_code", both null without an error. */
void
mr_json_line_add_error (MrJsonLine   *line,
                        const GError *error)
{
  mr_json_line_add_string (line, "error", error != NULL ? error->message : NULL);
  mr_json_line_add_string (line, "error_code", error != NULL ? mr_error_code_name (error) : NULL);
}

/* Writes the line and flushes it: whoever reads the other end of a pipe
 * acts on each result as it comes. */
void
mr_json_line_print (MrJsonLine *line)
{
  g_string_append (line->text, "}\n");
  fwrite (line->text->str, 1, line->text->len, stdout);
  fflush (stdout);
  g_string_free (g_steal_pointer (&line->text), TRUE);
}
