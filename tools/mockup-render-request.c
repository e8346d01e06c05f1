/* mockup-render-request.c
 *
 * One line of `mockup-render --server`'s input, turned into a job request:
 * every member checked, defaults filled in, nothing opened or loaded. A
 * line comes from whoever can write to the server, so the checks run in an
 * order that keeps a hostile line cheap: its length is bounded by the
 * reader, its nesting depth is checked before json-glib's recursive parser
 * sees it, and array and object sizes before their elements are looked at.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>

#include "mockup-glib/mockup-json-depth-private.h"
#include "mockup-render-request.h"
#include "mockup-render-util.h"

static gboolean
invalid (GError     **error,
         const char  *member,
         const char  *format,
         ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError     **error,
         const char  *member,
         const char  *format,
         ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  if (member != NULL)
    g_set_error (error, MR_ERROR, MR_ERROR_INVALID_JOB, "%s: %s", member, problem);
  else
    g_set_error_literal (error, MR_ERROR, MR_ERROR_INVALID_JOB, problem);
  return FALSE;
}

/* For a message that quotes what the line said: at most 64 characters.
 * (g_utf8_substring () must not be asked for more than there is.) */
static char *
shorten (const char *text)
{
  g_autofree char *start = NULL;

  if (g_utf8_strlen (text, -1) <= 64)
    return g_strdup (text);
  start = g_utf8_substring (text, 0, 64);
  return g_strconcat (start, "…", NULL);
}

/* @label: how errors name the member: "slots.left" for "left" */
static gboolean
get_string (JsonObject  *object,
            const char  *member,
            const char  *label,
            const char **value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, label, "expected a string");
  *value = json_node_get_string (node);
  if (**value == '\0')
    return invalid (error, label, "the string is empty");
  if (strlen (*value) > MR_REQUEST_MAX_PATH_LENGTH)
    return invalid (error, label, "longer than %d bytes", MR_REQUEST_MAX_PATH_LENGTH);
  return TRUE;
}

static gboolean
get_integer (JsonObject  *object,
             const char  *member,
             gint64       min,
             gint64       max,
             gint64      *value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, member, "expected an integer");
  *value = json_node_get_int (node);
  if (*value < min || *value > max)
    return invalid (error, member, "%" G_GINT64_FORMAT " is out of range (%" G_GINT64_FORMAT
                    " to %" G_GINT64_FORMAT ")", *value, min, max);
  return TRUE;
}

/* The id first, so that any later complaint carries it. */
static gboolean
get_id (JsonObject  *object,
        JsonNode   **id,
        GError     **error)
{
  JsonNode *node = json_object_get_member (object, "id");
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_STRING && type != G_TYPE_INT64)
    return invalid (error, "id", "expected a string or an integer");
  /* an id is copied into every line of the job: keep them short */
  if (type == G_TYPE_STRING && strlen (json_node_get_string (node)) > MR_REQUEST_MAX_ID_LENGTH)
    return invalid (error, "id", "longer than %d bytes", MR_REQUEST_MAX_ID_LENGTH);
  *id = json_node_copy (node);
  return TRUE;
}

static gboolean
check_members (JsonObject  *object,
               GError     **error)
{
  static const char * const allowed[] = {
    "id", "artwork", "templates", "output_dir", "format", "quality", "max_size", "slots",
    "parameters", "placement", "jpeg_passthrough", NULL
  };
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *list = g_strjoinv (", ", (char **) allowed);
        g_autofree char *shown = shorten (l->data);

        return invalid (error, NULL, "unknown member \"%s\" (allowed: %s)", shown, list);
      }
  return TRUE;
}

static gboolean
get_templates (JsonObject   *object,
               MrJobRequest *request,
               GError      **error)
{
  JsonNode *node = json_object_get_member (object, "templates");
  JsonArray *array;
  guint n;

  if (node == NULL)
    return invalid (error, "templates", "required member is missing");
  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return invalid (error, "templates", "expected a non-empty array of paths");
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > MR_REQUEST_MAX_TEMPLATES)
    return invalid (error, "templates", "%u entries, more than the %d a job may have "
                    "(give a folder of templates instead)", n, MR_REQUEST_MAX_TEMPLATES);

  request->templates = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *member = g_strdup_printf ("templates[%u]", i);
      const char *path;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          *(path = json_node_get_string (element)) == '\0')
        return invalid (error, member, "expected a path (a string)");
      if (strlen (path) > MR_REQUEST_MAX_PATH_LENGTH)
        return invalid (error, member, "longer than %d bytes", MR_REQUEST_MAX_PATH_LENGTH);
      request->templates[i] = g_strdup (path);
    }
  return TRUE;
}

static gboolean
get_slots (JsonObject   *object,
           MrJobRequest *request,
           GError      **error)
{
  JsonNode *node = json_object_get_member (object, "slots");
  JsonObject *slots;
  g_autoptr(GList) names = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "slots", "expected an object of slot names and artwork paths");
  slots = json_node_get_object (node);
  if (json_object_get_size (slots) > MR_REQUEST_MAX_SLOTS)
    return invalid (error, "slots", "%u slots, more than the %d a job may fill",
                    json_object_get_size (slots), MR_REQUEST_MAX_SLOTS);

  request->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  names = json_object_get_members (slots);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *member = g_strdup_printf ("slots.%s", (char *) l->data);
      const char *path;

      if (!get_string (slots, l->data, member, &path, error))
        return FALSE;
      g_hash_table_insert (request->slots, g_strdup (l->data), g_strdup (path));
    }
  return TRUE;
}

static MockupRenderOptions *
request_options (MrJobRequest *request)
{
  if (request->options == NULL)
    request->options = mockup_render_options_new ();
  return request->options;
}

/* "parameters": {"shirt": "navy", "glare": 0.5, "logo": false}: values
 * become the strings MockupRenderOptions takes; the library checks them
 * against each template. */
static gboolean
get_parameters (JsonObject   *object,
                MrJobRequest *request,
                GError      **error)
{
  JsonNode *node = json_object_get_member (object, "parameters");
  JsonObject *parameters;
  g_autoptr(GList) names = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "parameters", "expected an object of parameter names and values");
  parameters = json_node_get_object (node);
  if (json_object_get_size (parameters) > MR_REQUEST_MAX_PARAMETERS)
    return invalid (error, "parameters", "%u parameters, more than the %d a job may set",
                    json_object_get_size (parameters), MR_REQUEST_MAX_PARAMETERS);

  names = json_object_get_members (parameters);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (parameters, name);
      g_autofree char *shown = shorten (name);
      g_autofree char *member = g_strdup_printf ("parameters.%s", shown);
      g_autofree char *text = NULL;
      GType type = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;

      if (strlen (name) > MR_REQUEST_MAX_NAME_LENGTH || *name == '\0')
        return invalid (error, "parameters", "\"%s\" is not a parameter name (1 to %d bytes)",
                        shown, MR_REQUEST_MAX_NAME_LENGTH);
      if (type == G_TYPE_STRING)
        {
          if (strlen (json_node_get_string (value)) > MR_REQUEST_MAX_VALUE_LENGTH)
            return invalid (error, member, "longer than %d bytes", MR_REQUEST_MAX_VALUE_LENGTH);
          text = g_strdup (json_node_get_string (value));
        }
      else if (type == G_TYPE_BOOLEAN)
        text = g_strdup (json_node_get_boolean (value) ? "true" : "false");
      else if (type == G_TYPE_INT64)
        text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
      else if (type == G_TYPE_DOUBLE)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          if (!isfinite (json_node_get_double (value)))
            return invalid (error, member, "the number is not finite");
          text = g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (value)));
        }
      else
        return invalid (error, member, "expected a string, a number or a boolean");
      mockup_render_options_set_parameter (request_options (request), name, text);
    }
  return TRUE;
}

static gboolean
get_placement_number (JsonObject  *object,
                      const char  *name,
                      const char  *parent,
                      gboolean     required,
                      double      *value,
                      GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autofree char *member = g_strdup_printf ("%s.%s", parent, name);
  GType type;

  if (node == NULL)
    return !required || invalid (error, member, "required member is missing");
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return invalid (error, member, "expected a number");
  *value = json_node_get_double (node);
  if (!isfinite (*value) || fabs (*value) > MR_PLACEMENT_MAX)
    return invalid (error, member, "out of range (-%g to %g)", MR_PLACEMENT_MAX, MR_PLACEMENT_MAX);
  return TRUE;
}

/* "placement": {"front": {"left": 0.1, "top": 0.1, "width": 0.3,
 * "degrees": 15}} */
static gboolean
get_placement (JsonObject   *object,
               MrJobRequest *request,
               GError      **error)
{
  static const char * const allowed[] = { "left", "top", "width", "degrees", NULL };
  JsonNode *node = json_object_get_member (object, "placement");
  JsonObject *slots;
  g_autoptr(GList) names = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "placement", "expected an object of slot names and placements");
  slots = json_node_get_object (node);
  if (json_object_get_size (slots) > MR_REQUEST_MAX_SLOTS)
    return invalid (error, "placement", "%u slots, more than the %d a job may place",
                    json_object_get_size (slots), MR_REQUEST_MAX_SLOTS);

  names = json_object_get_members (slots);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *slot = l->data;
      JsonNode *value = json_object_get_member (slots, slot);
      g_autofree char *shown = shorten (slot);
      g_autofree char *member = g_strdup_printf ("placement.%s", shown);
      g_autoptr(GList) keys = NULL;
      double left = 0, top = 0, width = 0, degrees = 0;

      if (strlen (slot) > MR_REQUEST_MAX_NAME_LENGTH * 2 || *slot == '\0')
        return invalid (error, "placement", "\"%s\" is not a slot name", shown);
      if (!JSON_NODE_HOLDS_OBJECT (value))
        return invalid (error, member, "expected {\"left\": …, \"top\": …, \"width\": …, \"degrees\": …}");
      keys = json_object_get_members (json_node_get_object (value));
      for (GList *k = keys; k != NULL; k = k->next)
        if (!g_strv_contains (allowed, k->data))
          {
            g_autofree char *key = shorten (k->data);

            return invalid (error, member, "unknown member \"%s\" (allowed: left, top, width, degrees)", key);
          }
      if (!get_placement_number (json_node_get_object (value), "left", member, TRUE, &left, error) ||
          !get_placement_number (json_node_get_object (value), "top", member, TRUE, &top, error) ||
          !get_placement_number (json_node_get_object (value), "width", member, TRUE, &width, error) ||
          !get_placement_number (json_node_get_object (value), "degrees", member, FALSE, &degrees, error))
        return FALSE;
      if (width <= 0)
        return invalid (error, member, "width must be positive");
      mockup_render_options_set_placement (request_options (request), slot, left, top, width, degrees);
    }
  return TRUE;
}

/**
 * mr_job_request_parse:
 * @text: the line, without its end of line
 * @length: its length in bytes
 * @line_number: the line's number, for the label of a job without an id
 * @id: (out) (transfer full) (nullable): the job's id, as soon as it is
 *   known: also set when a later member fails
 *
 * Returns: (transfer full): the request, or %NULL with @error set
 *   (MR_ERROR_INVALID_JOB)
 */
MrJobRequest *
mr_job_request_parse (const char              *text,
                      gsize                    length,
                      guint                    line_number,
                      const MrServerDefaults  *defaults,
                      JsonNode               **id,
                      GError                 **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(MrJobRequest) request = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *artwork, *output_dir, *format_name, *passthrough;
  gint64 quality = defaults->quality, max_size = defaults->max_size;
  JsonObject *object;
  JsonNode *root;

  *id = NULL;

  if (length > MR_REQUEST_MAX_LINE_LENGTH)
    {
      invalid (error, NULL, "the line is longer than %d bytes", MR_REQUEST_MAX_LINE_LENGTH);
      return NULL;
    }
  /* (fails on a NUL byte too) */
  if (!g_utf8_validate (text, length, NULL))
    {
      invalid (error, NULL, "malformed JSON: the line is not valid UTF-8");
      return NULL;
    }
  if (!mockup_json_check_text (text, length, MR_REQUEST_MAX_DEPTH, &local_error))
    {
      invalid (error, NULL, "malformed JSON: %s", local_error->message);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, length, &local_error))
    {
      /* (json-glib may quote bytes that are not UTF-8) */
      const char *message = local_error->message;
      g_autofree char *valid = NULL;

      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      valid = g_utf8_make_valid (message, -1);
      invalid (error, NULL, "malformed JSON at line:column %s", valid);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, NULL, "a job must be a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);

  request = g_new0 (MrJobRequest, 1);
  request->format = defaults->format;
  if (!get_id (object, id, error) ||
      !check_members (object, error) ||
      !get_templates (object, request, error) ||
      !get_string (object, "artwork", "artwork", &artwork, error) ||
      !get_string (object, "output_dir", "output_dir", &output_dir, error) ||
      !get_string (object, "format", "format", &format_name, error) ||
      !get_integer (object, "quality", 1, 100, &quality, error) ||
      !get_integer (object, "max_size", 0, G_MAXINT, &max_size, error) ||
      !get_string (object, "jpeg_passthrough", "jpeg_passthrough", &passthrough, error) ||
      !get_slots (object, request, error) ||
      !get_parameters (object, request, error) ||
      !get_placement (object, request, error))
    return NULL;

  if (format_name != NULL &&
      (!mockup_format_from_string (format_name, &request->format) ||
       request->format == MOCKUP_FORMAT_PIXBUF))
    {
      g_autofree char *shown = shorten (format_name);

      invalid (error, "format", "\"%s\" is not an output format (jpeg, png or webp)", shown);
      return NULL;
    }
  request->jpeg_passthrough = defaults->jpeg_passthrough;
  if (passthrough != NULL)
    {
      if (g_strcmp0 (passthrough, "auto") != 0 && g_strcmp0 (passthrough, "never") != 0)
        {
          g_autofree char *shown = shorten (passthrough);

          invalid (error, "jpeg_passthrough", "\"%s\" is neither \"auto\" nor \"never\"", shown);
          return NULL;
        }
      request->jpeg_passthrough = g_strcmp0 (passthrough, "auto") == 0;
    }
  if (artwork == NULL && (request->slots == NULL || g_hash_table_size (request->slots) == 0))
    {
      invalid (error, "artwork", "required member is missing (or give \"slots\")");
      return NULL;
    }

  request->id = *id != NULL ? json_node_copy (*id) : NULL;
  if (request->id == NULL)
    request->label = g_strdup_printf ("line %u", line_number);
  else if (json_node_get_value_type (request->id) == G_TYPE_STRING)
    request->label = g_strdup (json_node_get_string (request->id));
  else
    request->label = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (request->id));
  request->artwork = g_strdup (artwork);
  request->output_dir = g_strdup (output_dir != NULL ? output_dir : defaults->output_dir);
  request->quality = quality;
  request->max_size = max_size;
  return g_steal_pointer (&request);
}

void
mr_job_request_free (MrJobRequest *self)
{
  g_clear_pointer (&self->id, json_node_unref);
  g_free (self->label);
  g_free (self->artwork);
  g_strfreev (self->templates);
  g_free (self->output_dir);
  g_clear_pointer (&self->slots, g_hash_table_unref);
  g_clear_object (&self->options);
  g_free (self);
}
