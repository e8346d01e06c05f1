/* mockup-render-job.c
 *
 * A job is one batch: the artwork (and slot artworks) rendered into every
 * template named on the command line or in a server job. Results come from
 * the library in template order; each is saved under the output folder and
 * reported as it comes, on stdout (a path, or a JSON line) and to the
 * progress display.
 *
 * A template argument that never reaches the batch (a folder that cannot
 * be read, or holds no manifest) still takes its place in the order and is
 * reported as a failed item, so that the reported indices run from 0 with
 * no gap and every argument is accounted for.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mockup-render-job.h"
#include "mockup-render-util.h"

typedef struct
{
  char *id;
  GError *error;        /* set for an item that failed before the batch */
} Item;

struct _MrJob
{
  GObject parent_instance;

  MockupRenderer *renderer;
  MrProgress *progress;         /* the caller's, outlives the job */
  gboolean server;
  JsonNode *server_id;
  char *label;
  gboolean json;
  MockupArtwork *artwork;
  GHashTable *slot_artworks;
  MockupRenderOptions *options; /* parameters and placements, or NULL */
  char *output_dir;
  MockupFormat format;
  guint quality;
  guint max_size;
  gboolean jpeg_passthrough;
  gboolean settings_given;

  GPtrArray *items;             /* Item, in reporting order */
  GListStore *batch_items;      /* MockupTemplate or GFile */
  GHashTable *template_slots;   /* the slots of the MockupTemplates */
  gboolean slots_unknown;       /* some batch item is a GFile */
  GArray *positions;            /* batch index → item position */
  guint n_cached;

  MockupBatch *batch;
  gulong progress_handler;
  GCancellable *cancellable;    /* the caller's */
  gulong cancel_handler;
  GCancellable *prepare_cancellable;
  guint cancel_idle;
  GArray *started;              /* gboolean per item: "Processing" shown */
  GHashTable *names;            /* output file names taken by this job */
  guint next_position;
  guint n_rendered;
  guint n_failed;
};

G_DEFINE_FINAL_TYPE (MrJob, mr_job, G_TYPE_OBJECT)

static void
item_free (Item *item)
{
  g_free (item->id);
  g_clear_error (&item->error);
  g_free (item);
}

static void
mr_job_dispose (GObject *object)
{
  MrJob *self = (MrJob *) object;

  g_clear_handle_id (&self->cancel_idle, g_source_remove);
  if (self->cancel_handler != 0)
    {
      g_cancellable_disconnect (self->cancellable, self->cancel_handler);
      self->cancel_handler = 0;
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->prepare_cancellable);

  if (self->batch != NULL)
    {
      g_clear_signal_handler (&self->progress_handler, self->batch);
      /* dropping it cancels whatever has not been taken */
      g_clear_object (&self->batch);
    }

  G_OBJECT_CLASS (mr_job_parent_class)->dispose (object);
}

static void
mr_job_finalize (GObject *object)
{
  MrJob *self = (MrJob *) object;

  g_clear_object (&self->renderer);
  g_clear_pointer (&self->server_id, json_node_unref);
  g_free (self->label);
  g_clear_object (&self->artwork);
  g_clear_pointer (&self->slot_artworks, g_hash_table_unref);
  g_clear_object (&self->options);
  g_free (self->output_dir);
  g_ptr_array_unref (self->items);
  g_object_unref (self->batch_items);
  g_hash_table_unref (self->template_slots);
  g_array_unref (self->positions);
  g_clear_pointer (&self->started, g_array_unref);
  g_hash_table_unref (self->names);

  G_OBJECT_CLASS (mr_job_parent_class)->finalize (object);
}

static void
mr_job_class_init (MrJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mr_job_dispose;
  object_class->finalize = mr_job_finalize;
}

static void
mr_job_init (MrJob *self)
{
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  self->batch_items = g_list_store_new (G_TYPE_OBJECT);
  self->template_slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->positions = g_array_new (FALSE, FALSE, sizeof (guint));
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->output_dir = g_get_current_dir ();
}

MrJob *
mr_job_new (MockupRenderer *renderer,
            MrProgress     *progress)
{
  MrJob *self = g_object_new (MR_TYPE_JOB, NULL);

  self->renderer = g_object_ref (renderer);
  self->progress = progress;
  return self;
}

/* Marks the job as a server job: every line it prints carries "job": @id
 * (null if %NULL), and progress lines start with [@label]. */
void
mr_job_set_server_id (MrJob      *self,
                      JsonNode   *id,
                      const char *label)
{
  self->server = TRUE;
  g_clear_pointer (&self->server_id, json_node_unref);
  self->server_id = id != NULL ? json_node_copy (id) : NULL;
  g_free (self->label);
  self->label = g_strdup (label);
}

void
mr_job_set_json (MrJob    *self,
                 gboolean  json)
{
  self->json = json;
}

void
mr_job_set_artwork (MrJob         *self,
                    MockupArtwork *artwork)
{
  g_set_object (&self->artwork, artwork);
}

void
mr_job_set_slot_artworks (MrJob      *self,
                          GHashTable *slot_artworks)
{
  g_clear_pointer (&self->slot_artworks, g_hash_table_unref);
  if (slot_artworks != NULL && g_hash_table_size (slot_artworks) > 0)
    self->slot_artworks = g_hash_table_ref (slot_artworks);
}

/* --set and --place, or a server job's "parameters" and "placement". */
void
mr_job_set_options (MrJob               *self,
                    MockupRenderOptions *options)
{
  g_set_object (&self->options, options);
}

void
mr_job_set_output_dir (MrJob      *self,
                       const char *output_dir)
{
  g_free (self->output_dir);
  self->output_dir = g_canonicalize_filename (output_dir, NULL);
}

/* The output settings of this job's batch, where they differ from the
 * renderer's: the server's jobs share one renderer. */
void
mr_job_set_settings (MrJob        *self,
                     MockupFormat  format,
                     guint         quality,
                     guint         max_size)
{
  self->format = format;
  self->quality = quality;
  self->max_size = max_size;
  self->settings_given = TRUE;
}

void
mr_job_set_jpeg_passthrough (MrJob    *self,
                             gboolean  jpeg_passthrough)
{
  self->jpeg_passthrough = jpeg_passthrough;
}

static void
add_failure (MrJob      *self,
             const char *argument,
             GError     *error)
{
  Item *item = g_new0 (Item, 1);
  g_autofree char *basename = g_path_get_basename (argument);

  item->id = g_filename_display_name (basename);
  item->error = error;
  g_ptr_array_add (self->items, item);
}

static void
add_to_batch (MrJob    *self,
              gpointer  object)
{
  guint position = self->items->len;

  g_ptr_array_add (self->items, g_new0 (Item, 1));
  g_array_append_val (self->positions, position);
  g_list_store_append (self->batch_items, object);

  if (MOCKUP_IS_TEMPLATE (object))
    {
      g_auto(GStrv) slots = mockup_template_dup_slots (object);

      for (guint i = 0; slots[i] != NULL; i++)
        g_hash_table_add (self->template_slots, g_steal_pointer (&slots[i]));
    }
  else
    self->slots_unknown = TRUE;
}

static gboolean
has_placements (MrJob *self)
{
  g_auto(GStrv) slots = NULL;

  if (self->options == NULL)
    return FALSE;
  slots = mockup_render_options_dup_placement_slots (self->options);
  return slots[0] != NULL;
}

static void
add_manifest (MrJob           *self,
              const char      *path,
              MrTemplateCache *cache)
{
  g_autoptr(GFile) file = NULL;

  if (cache != NULL)
    {
      g_autoptr(MockupTemplate) template = NULL;
      gboolean hit = FALSE;

      template = mr_template_cache_load (cache, path, &hit, NULL);
      if (template != NULL)
        {
          self->n_cached += hit ? 1 : 0;
          add_to_batch (self, template);
          return;
        }
    }

  /* With slot artworks or placements, load it here to learn its slots, so
   * that a slot name no template has can be pointed out
   * (warn_unused_slots ()). */
  if (cache == NULL && (self->slot_artworks != NULL || has_placements (self)))
    {
      g_autoptr(MockupTemplate) template = mockup_template_new_from_file (path, NULL);

      if (template != NULL)
        {
          add_to_batch (self, template);
          return;
        }
    }

  /* Given as a file, a manifest that does not load becomes that item's
   * error result in the batch, with the id and message the library gives
   * it; the other templates still render. */
  file = g_file_new_for_commandline_arg (path);
  add_to_batch (self, file);
}

/**
 * mr_job_add_templates:
 * @argument: a manifest, or a folder of templates
 * @cache: (nullable): where loaded templates are kept between jobs
 *
 * Adds the templates one command-line argument names.
 */
void
mr_job_add_templates (MrJob           *self,
                      const char      *argument,
                      MrTemplateCache *cache)
{
  g_auto(GStrv) paths = NULL;
  GError *error = NULL;

  if (!g_file_test (argument, G_FILE_TEST_IS_DIR))
    {
      add_manifest (self, argument, cache);
      return;
    }

  paths = mockup_template_find_in_folder (argument, &error);
  if (paths == NULL)
    add_failure (self, argument, error);
  else if (paths[0] == NULL)
    {
      g_autofree char *label = g_filename_display_name (argument);

      add_failure (self, argument,
                   g_error_new (MOCKUP_ERROR, MOCKUP_ERROR_NOT_FOUND,
                                "%s: no template manifest in this folder "
                                "(template.json, */template.json or *.json)", label));
    }
  else
    for (guint i = 0; paths[i] != NULL; i++)
      add_manifest (self, paths[i], cache);
}

guint
mr_job_get_n_rendered (MrJob *self)
{
  return self->n_rendered;
}

guint
mr_job_get_n_failed (MrJob *self)
{
  return self->n_failed;
}

/* How many templates came from the server's cache, unparsed. */
guint
mr_job_get_n_cached (MrJob *self)
{
  return self->n_cached;
}

/* <id>.<ext>, or <id>-2.<ext> and so on when two templates of one job
 * share an id: a job never overwrites its own output. */
static char *
output_path (MrJob        *self,
             const char   *id,
             MockupFormat  format)
{
  const char *extension = mockup_format_get_extension (format);
  g_autofree char *safe_id = g_strdelimit (g_strdup (id), G_DIR_SEPARATOR_S "/", '_');
  g_autofree char *name = g_strdup_printf ("%s.%s", safe_id, extension);

  for (guint n = 2; g_hash_table_contains (self->names, name); n++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%u.%s", safe_id, n, extension);
    }
  g_hash_table_add (self->names, g_strdup (name));
  return g_build_filename (self->output_dir, name, NULL);
}

static void
print_result_line (MrJob        *self,
                   guint         position,
                   const char   *id,
                   const char   *name,
                   const char   *path,
                   MockupResult *result,
                   gsize         bytes,
                   const GError *error)
{
  MrJsonLine line;

  mr_json_line_init (&line);
  if (self->server)
    mr_json_line_add_node (&line, "job", self->server_id);
  mr_json_line_add_int (&line, "index", position);
  mr_json_line_add_string (&line, "id", id);
  mr_json_line_add_string (&line, "name", name);
  if (path != NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      mr_json_line_add_string (&line, "path", display);
    }
  else
    mr_json_line_add_null (&line, "path");
  mr_json_line_add_int (&line, "width", error == NULL ? mockup_result_get_width (result) : 0);
  mr_json_line_add_int (&line, "height", error == NULL ? mockup_result_get_height (result) : 0);
  mr_json_line_add_int (&line, "bytes", bytes);
  mr_json_line_add_double (&line, "milliseconds",
                           result ? mockup_result_get_render_time (result) / 1000.0 : 0.0);
  mr_json_line_add_double (&line, "wait_milliseconds",
                           result ? mockup_result_get_wait_time (result) / 1000.0 : 0.0);
  mr_json_line_add_int (&line, "resident_memory",
                        result ? mockup_result_get_resident_memory (result)
                               : mockup_get_resident_memory ());
  /* the artwork's resolution: ppi null where no slot gives a print size */
  if (error == NULL && result != NULL)
    {
      double ppi = mockup_result_get_effective_ppi (result);

      mr_json_line_begin_object (&line, "resolution");
      if (ppi > 0)
        mr_json_line_add_double (&line, "ppi", ppi);
      else
        mr_json_line_add_null (&line, "ppi");
      mr_json_line_add_double (&line, "upscale", mockup_result_get_upscale (result));
      mr_json_line_add_string (&line, "warning", mockup_result_get_resolution_warning (result));
      mr_json_line_end_object (&line);
    }
  else
    mr_json_line_add_null (&line, "resolution");
  mr_json_line_add_error (&line, error);
  mr_json_line_print (&line);
}

static void
report_failed_item (MrJob *self,
                    guint  position)
{
  Item *item = self->items->pdata[position];

  self->n_failed++;
  if (self->json)
    print_result_line (self, position, item->id, item->id, NULL, NULL, 0, item->error);
  mr_progress_done (self->progress, position, item->id, 0, mockup_get_resident_memory (),
                    item->error->message);
}

/* Reports, in order, the items before @position that never were in the
 * batch. */
static void
report_items_before (MrJob *self,
                     guint  position)
{
  for (; self->next_position < position; self->next_position++)
    {
      Item *item = self->items->pdata[self->next_position];

      if (item->error != NULL)
        report_failed_item (self, self->next_position);
    }
}

static void
handle_result (MrJob        *self,
               MockupResult *result)
{
  guint index = mockup_result_get_index (result);
  guint position = index < self->positions->len
                     ? g_array_index (self->positions, guint, index) : self->items->len;
  const char *id = mockup_result_get_template_id (result);
  const char *name = mockup_result_get_template_name (result);
  const GError *error = mockup_result_get_error (result);
  g_autoptr(GError) save_error = NULL;
  g_autofree char *path = NULL;
  gsize bytes = 0;

  report_items_before (self, position);
  self->next_position = position + 1;

  /* The batch emits "progress" from the moment it starts, which can be
   * before render_batch_async()'s callback has the batch to connect to:
   * the first templates' starts may never be seen. Show them now. */
  if (position < self->started->len && !g_array_index (self->started, gboolean, position))
    mr_progress_started (self->progress, position, name);

  if (error == NULL)
    {
      path = output_path (self, id, mockup_result_get_format (result));
      if (mockup_result_save (result, path, &save_error))
        {
          GBytes *data = mockup_result_get_bytes (result);

          bytes = data != NULL ? g_bytes_get_size (data) : 0;
        }
      else
        {
          g_clear_pointer (&path, g_free);
          error = save_error;
        }
    }

  if (error == NULL)
    self->n_rendered++;
  else
    self->n_failed++;

  if (self->json)
    print_result_line (self, position, id, name, path, result, bytes, error);
  else if (path != NULL)
    {
      /* for scripts: the files written, one a line */
      g_print ("%s\n", path);
      fflush (stdout);
    }

  mr_progress_done (self->progress, position, name, mockup_result_get_render_time (result),
                    mockup_result_get_resident_memory (result),
                    error != NULL ? error->message : NULL);

  /* a blurry print is worth a line even with --quiet, like any warning */
  if (error == NULL && mockup_result_get_resolution_warning (result) != NULL)
    mr_progress_warning (self->progress, "%s: %s", name,
                         mockup_result_get_resolution_warning (result));
}

static void
on_progress (MockupBatch *batch,
             guint        index,
             guint        n_items,
             const char  *name,
             gpointer     user_data)
{
  MrJob *self = user_data;

  guint position;

  if (index >= self->positions->len)
    return;
  position = g_array_index (self->positions, guint, index);
  g_array_index (self->started, gboolean, position) = TRUE;
  mr_progress_started (self->progress, position, name);
}

/* Runs from the main loop, never inside a "cancelled" emission. */
static void
stop_listening (MrJob *self)
{
  g_clear_handle_id (&self->cancel_idle, g_source_remove);
  if (self->cancel_handler != 0)
    {
      g_cancellable_disconnect (self->cancellable, self->cancel_handler);
      self->cancel_handler = 0;
    }
  if (self->batch != NULL)
    {
      g_clear_signal_handler (&self->progress_handler, self->batch);
      g_clear_object (&self->batch);
    }
}

static void
finish_batch (GTask *task)
{
  MrJob *self = g_task_get_source_object (task);

  report_items_before (self, self->items->len);
  stop_listening (self);
  mr_progress_end (self->progress, self->n_rendered, self->n_failed);
  g_task_return_boolean (task, TRUE);
}

static void
fail_job (GTask  *task,
          GError *error)
{
  MrJob *self = g_task_get_source_object (task);

  stop_listening (self);
  mr_progress_stop (self->progress);
  g_task_return_error (task, error);
}

static void
next_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MrJob *self = g_task_get_source_object (task);
  g_autoptr(MockupResult) result = NULL;
  GError *error = NULL;

  result = mockup_batch_next_finish (MOCKUP_BATCH (source), res, &error);
  if (error != NULL)
    {
      fail_job (task, error);
      return;
    }
  if (result == NULL)
    {
      finish_batch (task);
      return;
    }

  handle_result (self, result);
  /* Drop the result before waiting: the encoded image is all it holds. */
  g_clear_object (&result);

  mockup_batch_next_async (self->batch, NULL, next_cb, g_steal_pointer (&task));
}

static void
batch_started_cb (GObject      *source,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MrJob *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->batch = mockup_renderer_render_batch_full_finish (MOCKUP_RENDERER (source), res, &error);
  if (self->batch == NULL)
    {
      fail_job (task, error);
      return;
    }

  self->progress_handler = g_signal_connect (self->batch, "progress", G_CALLBACK (on_progress), self);
  /* (arguments are evaluated in any order: not with the steal) */
  mockup_batch_next_async (self->batch, NULL, next_cb, g_steal_pointer (&task));
}

/* Cancelling steers clear of a hang in the library: a GCancellable given
 * to both render_batch_async() and next_async() deadlocks in
 * g_cancellable_disconnect() when it is cancelled while next_async()
 * waits, and a batch whose last reference goes inside a "cancelled"
 * emission of its cancellable would do the same. So the library never
 * sees the caller's cancellable: preparation gets a private one, the
 * running batch is stopped with mockup_batch_cancel(), and both happen
 * from an idle callback, outside any emission. */
static gboolean
cancel_cb (gpointer user_data)
{
  MrJob *self = user_data;

  self->cancel_idle = 0;
  if (self->batch != NULL)
    {
      g_autoptr(MockupBatch) batch = g_object_ref (self->batch);

      mockup_batch_cancel (batch);
    }
  else
    g_cancellable_cancel (self->prepare_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  MrJob *self = user_data;

  if (self->cancel_idle == 0)
    self->cancel_idle = g_idle_add (cancel_cb, self);
}

/**
 * mr_job_run_async:
 *
 * Renders the job. It fails as a whole only when nothing could be
 * rendered: the output folder cannot be made, an artwork cannot be
 * decoded or does not fit the memory limit, or it was cancelled. A
 * template that fails is reported as a failed item and counted in
 * mr_job_get_n_failed().
 */
static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* A slot artwork or a placement that no template has a slot for is most
 * likely misspelt: it would go nowhere, and the slot meant would show the
 * default artwork, or the artwork fitted, without a word. Only said when
 * every template is known: one that failed to load might have had the
 * slot. */
static void
warn_unused_slots (MrJob *self)
{
  g_autofree const char **names = NULL;
  g_autofree const char **known = NULL;
  g_auto(GStrv) placed = NULL;
  g_autofree char *list = NULL;
  guint n_names = 0;

  if ((self->slot_artworks == NULL && !has_placements (self)) || self->slots_unknown ||
      g_list_model_get_n_items (G_LIST_MODEL (self->batch_items)) == 0)
    return;

  known = (const char **) g_hash_table_get_keys_as_array (self->template_slots, NULL);
  qsort (known, g_hash_table_size (self->template_slots), sizeof (char *), compare_names);
  list = known[0] != NULL ? g_strjoinv (", ", (char **) known) : g_strdup ("none");

  if (self->slot_artworks != NULL)
    {
      names = (const char **) g_hash_table_get_keys_as_array (self->slot_artworks, &n_names);
      qsort (names, n_names, sizeof (char *), compare_names);
    }
  for (guint i = 0; i < n_names; i++)
    {
      if (g_hash_table_contains (self->template_slots, names[i]))
        continue;
      mr_progress_warning (self->progress,
                           "%s%s: no template has a slot “%s” (they have: %s); its artwork is not used",
                           self->server ? "slots." : "--slot ", names[i], names[i], list);
    }

  placed = self->options != NULL ? mockup_render_options_dup_placement_slots (self->options) : NULL;
  for (guint i = 0; placed != NULL && placed[i] != NULL; i++)
    {
      if (g_hash_table_contains (self->template_slots, placed[i]))
        continue;
      mr_progress_warning (self->progress,
                           "%s%s: no template has a slot “%s” (they have: %s); the placement is not used",
                           self->server ? "placement." : "--place ", placed[i], placed[i], list);
    }
}

void
mr_job_run_async (MrJob               *self,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, mr_job_run_async);

  if (g_mkdir_with_parents (self->output_dir, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *label = g_filename_display_name (self->output_dir);

      g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                               "Cannot create the output folder %s: %s", label,
                               g_strerror (saved_errno));
      return;
    }

  mr_progress_begin (self->progress, self->label, self->items->len);
  warn_unused_slots (self);
  self->started = g_array_sized_new (FALSE, TRUE, sizeof (gboolean), self->items->len);
  g_array_set_size (self->started, self->items->len);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->batch_items)) == 0)
    {
      finish_batch (task);
      return;
    }

  self->prepare_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);
    }

  /* A batch copies the renderer's settings when it starts, right here:
   * setting them per job is safe while jobs start from one thread. */
  if (self->settings_given)
    {
      mockup_renderer_set_format (self->renderer, self->format);
      mockup_renderer_set_quality (self->renderer, self->quality);
      mockup_renderer_set_max_size (self->renderer, self->max_size);
      mockup_renderer_set_jpeg_passthrough (self->renderer, self->jpeg_passthrough);
    }
  mockup_renderer_render_batch_full_async (self->renderer, self->artwork,
                                           G_LIST_MODEL (self->batch_items), self->slot_artworks,
                                           self->options != NULL ? &self->options : NULL,
                                           self->options != NULL ? 1 : 0,
                                           self->prepare_cancellable, batch_started_cb,
                                           g_steal_pointer (&task));
}

gboolean
mr_job_run_finish (MrJob         *self,
                   GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
