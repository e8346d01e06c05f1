/* mockup-render-server.c
 *
 * `mockup-render --server` reads jobs from stdin, one JSON object a line,
 * and answers on stdout, one JSON object a line: a line for each result,
 * then one closing line for the job, either
 *   {"job": ID, "done": true, "rendered": N, "failed": M, …}
 * or, for a line that is not a valid job or a job that could render
 * nothing at all,
 *   {"job": ID-or-null, "line": L, "error": "…", "error_code": "…"}.
 * Every input line that is not blank gets exactly one closing line, so a
 * client can match answers to requests by counting.
 *
 * Jobs run one after another. Each batch already renders its templates in
 * parallel on every core, within the renderer's one memory budget, so
 * running jobs side by side would not render faster; it would only make
 * the output interleave. Templates stay loaded between jobs, in a cache
 * keyed by manifest path and checked against the manifest's and its
 * images' modification times, sizes and inodes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>

#include <gio/gunixinputstream.h>
#include <json-glib/json-glib.h>

#include "mockup-render-job.h"
#include "mockup-render-server.h"
#include "mockup-render-template-cache.h"
#include "mockup-render-util.h"

typedef struct
{
  MockupRenderer *renderer;
  MrProgress *progress;
  const MrServerDefaults *defaults;
  MrTemplateCache *cache;
  GDataInputStream *input;
  GCancellable *cancellable;
  GMainLoop *loop;
  int status;

  guint line_number;
  JsonNode *job_id;             /* of the job running, or NULL */
  gint64 job_started_at;
} Server;

static void read_next_line (Server *self);

static void
print_error_line (Server       *self,
                  const GError *error)
{
  MrJsonLine line;

  mr_json_line_init (&line);
  mr_json_line_add_node (&line, "job", self->job_id);
  mr_json_line_add_int (&line, "line", self->line_number);
  mr_json_line_add_error (&line, error);
  mr_json_line_print (&line);

  mr_progress_error (self->progress, "line %u: %s", self->line_number, error->message);
}

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

static gboolean
get_string (JsonObject  *object,
            const char  *member,
            const char **value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, member, "expected a string");
  *value = json_node_get_string (node);
  if (**value == '\0')
    return invalid (error, member, "the string is empty");
  return TRUE;
}

static gboolean
get_integer (JsonObject  *object,
             const char  *member,
             gint64       min,
             gint64       max,
             gboolean    *given,
             gint64      *value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *given = node != NULL;
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

static MockupArtwork *
load_artwork (const char  *path,
              const char  *member,
              GError     **error)
{
  MockupArtwork *artwork = mockup_artwork_new_from_file (path, error);

  if (artwork == NULL)
    g_prefix_error (error, "%s: ", member);
  return artwork;
}

/* Reads the job's id first, so that any later complaint carries it. */
static JsonObject *
parse_line (Server      *self,
            const char  *text,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root, *id;
  JsonObject *object;

  if (!g_utf8_validate (text, -1, NULL))
    {
      invalid (error, NULL, "malformed JSON: the line is not valid UTF-8");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, -1, &local_error))
    {
      const char *message = local_error->message;

      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      invalid (error, NULL, "malformed JSON at line:column %s", message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, NULL, "a job must be a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);

  id = json_object_get_member (object, "id");
  if (id != NULL && !JSON_NODE_HOLDS_NULL (id))
    {
      GType type = JSON_NODE_HOLDS_VALUE (id) ? json_node_get_value_type (id) : G_TYPE_INVALID;

      if (type != G_TYPE_STRING && type != G_TYPE_INT64)
        {
          invalid (error, "id", "expected a string or an integer");
          return NULL;
        }
      self->job_id = json_node_copy (id);
    }

  return json_object_ref (object);
}

static MrJob *
build_job (Server      *self,
           JsonObject  *object,
           GError     **error)
{
  static const char * const allowed[] = {
    "id", "artwork", "templates", "output_dir", "format", "quality", "max_size", "slots", NULL
  };
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(MrJob) job = NULL;
  g_autoptr(MockupArtwork) artwork = NULL;
  g_autoptr(GHashTable) slots = NULL;
  g_autofree char *label = NULL;
  const char *artwork_path, *output_dir, *format_name;
  JsonNode *templates, *slots_node;
  MockupFormat format = self->defaults->format;
  gint64 quality = self->defaults->quality, max_size = self->defaults->max_size;
  gboolean given;

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *list = g_strjoinv (", ", (char **) allowed);

        invalid (error, NULL, "unknown member \"%s\" (allowed: %s)", (char *) l->data, list);
        return NULL;
      }

  templates = json_object_get_member (object, "templates");
  if (templates == NULL)
    {
      invalid (error, "templates", "required member is missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (templates) || json_array_get_length (json_node_get_array (templates)) == 0)
    {
      invalid (error, "templates", "expected a non-empty array of paths");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (templates)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (templates), i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          *json_node_get_string (node) == '\0')
        {
          g_autofree char *member = g_strdup_printf ("templates[%u]", i);

          invalid (error, member, "expected a path (a string)");
          return NULL;
        }
    }

  if (!get_string (object, "artwork", &artwork_path, error) ||
      !get_string (object, "output_dir", &output_dir, error) ||
      !get_string (object, "format", &format_name, error))
    return NULL;

  if (format_name != NULL &&
      (!mockup_format_from_string (format_name, &format) || format == MOCKUP_FORMAT_PIXBUF))
    {
      invalid (error, "format", "\"%s\" is not an output format (jpeg, png or webp)", format_name);
      return NULL;
    }
  if (!get_integer (object, "quality", 1, 100, &given, &quality, error) ||
      !get_integer (object, "max_size", 0, G_MAXINT, &given, &max_size, error))
    return NULL;

  slots_node = json_object_get_member (object, "slots");
  if (slots_node != NULL && !JSON_NODE_HOLDS_NULL (slots_node))
    {
      JsonObject *slot_object;
      g_autoptr(GList) names = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (slots_node))
        {
          invalid (error, "slots", "expected an object of slot names and artwork paths");
          return NULL;
        }
      slot_object = json_node_get_object (slots_node);
      names = json_object_get_members (slot_object);
      slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *member = g_strdup_printf ("slots.%s", (char *) l->data);
          const char *path;
          MockupArtwork *slot_artwork;

          if (!get_string (slot_object, l->data, &path, error))
            {
              g_prefix_error (error, "slots.");
              return NULL;
            }
          slot_artwork = load_artwork (path, member, error);
          if (slot_artwork == NULL)
            return NULL;
          g_hash_table_insert (slots, g_strdup (l->data), slot_artwork);
        }
    }

  if (artwork_path == NULL && (slots == NULL || g_hash_table_size (slots) == 0))
    {
      invalid (error, "artwork", "required member is missing (or give \"slots\")");
      return NULL;
    }
  if (artwork_path != NULL && (artwork = load_artwork (artwork_path, "artwork", error)) == NULL)
    return NULL;

  /* The renderer reads its settings when a batch starts, and jobs run one
   * at a time: setting them per job is safe. */
  mockup_renderer_set_format (self->renderer, format);
  mockup_renderer_set_quality (self->renderer, quality);
  mockup_renderer_set_max_size (self->renderer, max_size);

  if (self->job_id == NULL)
    label = g_strdup_printf ("line %u", self->line_number);
  else if (json_node_get_value_type (self->job_id) == G_TYPE_STRING)
    label = g_strdup (json_node_get_string (self->job_id));
  else
    label = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (self->job_id));

  job = mr_job_new (self->renderer, self->progress);
  mr_job_set_server_id (job, self->job_id, label);
  mr_job_set_json (job, TRUE);
  mr_job_set_artwork (job, artwork);
  mr_job_set_slot_artworks (job, slots);
  mr_job_set_output_dir (job, output_dir != NULL ? output_dir : self->defaults->output_dir);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (templates)); i++)
    mr_job_add_templates (job, json_array_get_string_element (json_node_get_array (templates), i),
                          self->cache);

  return g_steal_pointer (&job);
}

static void
job_done (Server *self)
{
  g_clear_pointer (&self->job_id, json_node_unref);
  read_next_line (self);
}

static void
job_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Server *self = user_data;
  MrJob *job = MR_JOB (source);
  g_autoptr(GError) error = NULL;

  if (!mr_job_run_finish (job, result, &error))
    {
      print_error_line (self, error);
      g_object_unref (job);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_main_loop_quit (self->loop);
          return;
        }
    }
  else
    {
      MrJsonLine line;

      mr_json_line_init (&line);
      mr_json_line_add_node (&line, "job", self->job_id);
      mr_json_line_add_boolean (&line, "done", TRUE);
      mr_json_line_add_int (&line, "rendered", mr_job_get_n_rendered (job));
      mr_json_line_add_int (&line, "failed", mr_job_get_n_failed (job));
      mr_json_line_add_int (&line, "cached", mr_job_get_n_cached (job));
      mr_json_line_add_double (&line, "milliseconds",
                               (g_get_monotonic_time () - self->job_started_at) / 1000.0);
      mr_json_line_add_int (&line, "resident_memory", mockup_get_resident_memory ());
      mr_json_line_print (&line);
      g_object_unref (job);
    }

  job_done (self);
}

static void
handle_line (Server *self,
             char   *text)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  MrJob *job;

  g_strstrip (text);
  if (*text == '\0')
    {
      read_next_line (self);
      return;
    }

  self->job_started_at = g_get_monotonic_time ();
  object = parse_line (self, text, &error);
  job = object != NULL ? build_job (self, object, &error) : NULL;
  if (job == NULL)
    {
      print_error_line (self, error);
      job_done (self);
      return;
    }

  mr_job_run_async (job, self->cancellable, job_cb, self);
}

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Server *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (text == NULL)
    {
      /* EOF ends the server; a read error or a signal too */
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          mr_progress_error (self->progress, "cannot read jobs from stdin: %s", error->message);
          self->status = MR_EXIT_FAILED;
        }
      g_main_loop_quit (self->loop);
      return;
    }

  self->line_number++;
  handle_line (self, text);
}

static void
read_next_line (Server *self)
{
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable,
                                       line_cb, self);
}

/**
 * mr_server_run:
 *
 * Serves jobs from stdin until it ends, or @cancellable is cancelled.
 *
 * Returns: the exit status: 0 at the end of the input, 1 if it could not
 *   be read
 */
int
mr_server_run (MockupRenderer         *renderer,
               MrProgress             *progress,
               const MrServerDefaults *defaults,
               GCancellable           *cancellable)
{
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(MrTemplateCache) cache = mr_template_cache_new (defaults->cache_limit);
  g_autoptr(GDataInputStream) input = g_data_input_stream_new (stdin_stream);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Server self = {
    .renderer = renderer,
    .progress = progress,
    .defaults = defaults,
    .cache = cache,
    .input = input,
    .cancellable = cancellable,
    .loop = loop,
    .status = MR_EXIT_OK,
  };

  /* "\n" or "\r\n"; the \r goes with the surrounding blanks */
  g_data_input_stream_set_newline_type (input, G_DATA_STREAM_NEWLINE_TYPE_LF);

  read_next_line (&self);
  g_main_loop_run (loop);

  g_clear_pointer (&self.job_id, json_node_unref);
  return self.status;
}
