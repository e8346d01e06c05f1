/* mockup-render-server.c
 *
 * `mockup-render --server` reads jobs from stdin, one JSON object a line,
 * and answers on stdout, one JSON object a line: a line for each result,
 * then one closing line for the job, either
 *   {"job": ID, "done": true, "rendered": N, "failed": M, …}
 * or, for a line that is not a valid job or a job that could render
 * nothing at all,
 *   {"job": ID-or-null, "line": L, "error": "…", "error_code": "…"}.
 * Every input line that is not blank gets exactly one closing line.
 *
 * Several jobs run at once (--jobs), all in one renderer and so within its
 * one memory budget: while one job's artwork decodes, mostly on one core,
 * the others' templates render on the rest. A job's result lines come in
 * template order; lines of different jobs interleave, each naming its job.
 *
 * The main loop only reads lines, checks them and prints answers, so that
 * it stays responsive to signals whatever the jobs do: a job's artworks and
 * templates are looked up in a thread (their files are opened, templates
 * parsed), and its renders run on the library's workers.
 *
 * Back-pressure: a line is read only when fewer than --jobs jobs are in
 * flight, and no line is kept past MR_REQUEST_MAX_LINE_LENGTH, so a client
 * that sends faster than the server renders is held back by the pipe.
 * A job whose batch does not fit in the memory budget waits inside the
 * library for room, holding its slot.
 *
 * Between jobs the server keeps loaded templates and decoded artworks: see
 * mockup-render-template-cache.c and mockup-render-artwork-cache.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>

#include <gio/gunixinputstream.h>

#include "mockup-render-artwork-cache.h"
#include "mockup-render-job.h"
#include "mockup-render-line-reader.h"
#include "mockup-render-request.h"
#include "mockup-render-server.h"
#include "mockup-render-template-cache.h"
#include "mockup-render-util.h"

/* How often the server looks whether renders wait for memory that its
 * artwork cache could give back, while jobs run. */
#define RECLAIM_INTERVAL_MS 50
/* How long jobs get to stop after a signal before the process leaves them. */
#define STOP_GRACE_MS 1000

typedef struct
{
  MockupRenderer *renderer;
  gboolean quiet;
  const MrServerDefaults *defaults;
  guint max_jobs;
  MrTemplateCache *templates;
  MrArtworkCache *artworks;
  MrLineReader *reader;
  MrProgress *progress;         /* for what is not a job's */
  GCancellable *cancellable;
  gulong cancel_handler;
  GMainLoop *loop;
  int status;

  guint line_number;
  gboolean reading;
  gboolean eof;
  gboolean stopping;
  gboolean abandoned;
  GPtrArray *jobs;              /* ServerJob, in flight */
  GHashTable *running;          /* label → ServerJob, of those with an id */
  guint reclaim_timer;
  guint stop_timer;
} Server;

typedef struct
{
  Server *server;
  MrJobRequest *request;
  guint line_number;
  gint64 started_at;
  MrProgress *progress;
  GPtrArray *artworks;          /* acquired from the artwork cache */
  gboolean artworks_cached;
  MrJob *job;
} ServerJob;

static void pump (Server *self);

/* The label of a line's job on stderr: its id, or "line N" without one. */
static MrProgress *
progress_new (Server     *self,
              const char *label)
{
  MrProgress *progress = mr_progress_new (self->quiet, TRUE);
  g_autofree char *line = NULL;

  if (label == NULL)
    label = line = g_strdup_printf ("line %u", self->line_number);
  mr_progress_set_job (progress, label);
  return progress;
}

static void
print_error_line (MrProgress   *progress,
                  JsonNode     *id,
                  guint         line_number,
                  const GError *error)
{
  MrJsonLine line;

  mr_json_line_init (&line);
  mr_json_line_add_node (&line, "job", id);
  mr_json_line_add_int (&line, "line", line_number);
  mr_json_line_add_error (&line, error);
  mr_json_line_print (&line);

  /* (the label says the line already when there is no id) */
  if (id != NULL)
    mr_progress_error (progress, "line %u: %s", line_number, error->message);
  else
    mr_progress_error (progress, "%s", error->message);
}

static void
server_job_free (ServerJob *sj)
{
  g_clear_object (&sj->job);
  /* after the job: the artworks are idle once it has let go of them */
  for (guint i = 0; sj->artworks != NULL && i < sj->artworks->len; i++)
    mr_artwork_cache_release (sj->server->artworks, sj->artworks->pdata[i]);
  g_clear_pointer (&sj->artworks, g_ptr_array_unref);
  g_clear_pointer (&sj->progress, mr_progress_free);
  g_clear_pointer (&sj->request, mr_job_request_free);
  g_free (sj);
}

static void
quit_if_done (Server *self)
{
  if (self->jobs->len == 0 && (self->eof || self->stopping) && !self->reading)
    g_main_loop_quit (self->loop);
}

static void
job_ended (ServerJob *sj)
{
  Server *self = sj->server;

  if (sj->request->id != NULL)
    g_hash_table_remove (self->running, sj->request->label);
  g_ptr_array_remove_fast (self->jobs, sj);
  server_job_free (sj);
  if (self->jobs->len == 0)
    g_clear_handle_id (&self->reclaim_timer, g_source_remove);

  quit_if_done (self);
  pump (self);
}

static void
print_done_line (ServerJob *sj)
{
  MrJsonLine line;

  mr_json_line_init (&line);
  mr_json_line_add_node (&line, "job", sj->request->id);
  mr_json_line_add_boolean (&line, "done", TRUE);
  mr_json_line_add_int (&line, "rendered", mr_job_get_n_rendered (sj->job));
  mr_json_line_add_int (&line, "failed", mr_job_get_n_failed (sj->job));
  mr_json_line_add_int (&line, "cached", mr_job_get_n_cached (sj->job));
  mr_json_line_add_boolean (&line, "artwork_cached", sj->artworks_cached);
  mr_json_line_add_double (&line, "milliseconds", (g_get_monotonic_time () - sj->started_at) / 1000.0);
  mr_json_line_add_int (&line, "resident_memory", mockup_get_resident_memory ());
  mr_json_line_print (&line);
}

static void
job_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  ServerJob *sj = user_data;
  g_autoptr(GError) error = NULL;

  if (!mr_job_run_finish (MR_JOB (source), result, &error))
    print_error_line (sj->progress, sj->request->id, sj->line_number, error);
  else
    print_done_line (sj);
  job_ended (sj);
}

static MockupArtwork *
acquire_artwork (ServerJob   *sj,
                 const char  *path,
                 const char  *member,
                 GError     **error)
{
  MockupArtwork *artwork;
  gboolean hit;

  artwork = mr_artwork_cache_acquire (sj->server->artworks, path, &hit, error);
  if (artwork == NULL)
    {
      g_prefix_error (error, "%s: ", member);
      return NULL;
    }
  g_ptr_array_add (sj->artworks, artwork);
  sj->artworks_cached &= hit;
  return artwork;
}

/* In a thread: opens the job's artworks and loads its templates, which
 * reads files and parses manifests. */
static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ServerJob *sj = task_data;
  Server *self = sj->server;
  MrJobRequest *request = sj->request;
  g_autoptr(GHashTable) slots = NULL;
  g_autoptr(MrJob) job = NULL;
  MockupArtwork *artwork = NULL;
  GError *error = NULL;

  sj->artworks = g_ptr_array_new ();
  sj->artworks_cached = TRUE;

  if (request->slots != NULL)
    {
      GHashTableIter iter;
      gpointer name, path;

      slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      g_hash_table_iter_init (&iter, request->slots);
      while (g_hash_table_iter_next (&iter, &name, &path))
        {
          g_autofree char *member = g_strdup_printf ("slots.%s", (char *) name);
          MockupArtwork *slot_artwork = acquire_artwork (sj, path, member, &error);

          if (slot_artwork == NULL)
            {
              g_task_return_error (task, error);
              return;
            }
          g_hash_table_insert (slots, g_strdup (name), g_object_ref (slot_artwork));
        }
    }
  if (request->artwork != NULL &&
      (artwork = acquire_artwork (sj, request->artwork, "artwork", &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  job = mr_job_new (self->renderer, sj->progress);
  mr_job_set_server_id (job, request->id, request->label);
  mr_job_set_json (job, TRUE);
  mr_job_set_artwork (job, artwork);
  mr_job_set_slot_artworks (job, slots);
  mr_job_set_output_dir (job, request->output_dir);
  mr_job_set_options (job, request->options);
  mr_job_set_settings (job, request->format, request->quality, request->max_size);
  mr_job_set_jpeg_passthrough (job, request->jpeg_passthrough);
  for (guint i = 0; request->templates[i] != NULL; i++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      mr_job_add_templates (job, request->templates[i], self->templates);
    }

  sj->job = g_steal_pointer (&job);
  g_task_return_boolean (task, TRUE);
}

static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ServerJob *sj = user_data;
  Server *self = sj->server;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      print_error_line (sj->progress, sj->request->id, sj->line_number, error);
      job_ended (sj);
      return;
    }
  mr_job_run_async (sj->job, self->cancellable, job_cb, sj);
}

/* While jobs run: renders that wait for room get what idle cached
 * artworks hold, one at a time, oldest first. */
static gboolean
reclaim_cb (gpointer user_data)
{
  Server *self = user_data;

  if (mockup_renderer_get_memory_pending (self->renderer) > 0)
    mr_artwork_cache_reclaim (self->artworks);
  return G_SOURCE_CONTINUE;
}

static void
start_job (Server       *self,
           MrJobRequest *request)
{
  ServerJob *sj = g_new0 (ServerJob, 1);
  g_autoptr(GTask) task = NULL;

  sj->server = self;
  sj->request = request;
  sj->line_number = self->line_number;
  sj->started_at = g_get_monotonic_time ();
  sj->progress = progress_new (self, request->label);

  if (request->id != NULL)
    g_hash_table_insert (self->running, request->label, sj);
  g_ptr_array_add (self->jobs, sj);
  if (self->reclaim_timer == 0)
    self->reclaim_timer = g_timeout_add (RECLAIM_INTERVAL_MS, reclaim_cb, self);

  task = g_task_new (NULL, self->cancellable, prepared_cb, sj);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, sj, NULL);
  g_task_run_in_thread (task, prepare_thread);
}

static void
handle_line (Server     *self,
             const char *text,
             gsize       length,
             gboolean    too_long)
{
  g_autoptr(MrJobRequest) request = NULL;
  g_autoptr(JsonNode) id = NULL;
  g_autoptr(GError) error = NULL;

  if (too_long)
    g_set_error (&error, MR_ERROR, MR_ERROR_INVALID_JOB,
                 "the line is longer than %d bytes", MR_REQUEST_MAX_LINE_LENGTH);
  else
    {
      /* blank lines are skipped, with the blanks around a line */
      while (length > 0 && g_ascii_isspace (text[length - 1]))
        length--;
      while (length > 0 && g_ascii_isspace (*text))
        text++, length--;
      if (length == 0)
        return;
      request = mr_job_request_parse (text, length, self->line_number, self->defaults, &id, &error);
    }

  if (request != NULL && request->id != NULL && g_hash_table_contains (self->running, request->label))
    {
      g_set_error (&error, MR_ERROR, MR_ERROR_INVALID_JOB,
                   "id: a job \"%s\" is running already: ids must tell running jobs apart",
                   request->label);
      g_clear_pointer (&request, mr_job_request_free);
    }

  if (request == NULL)
    {
      g_autofree char *label = id == NULL ? NULL
                               : json_node_get_value_type (id) == G_TYPE_STRING
                               ? g_strdup (json_node_get_string (id))
                               : g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
      g_autoptr(MrProgress) progress = progress_new (self, label);

      print_error_line (progress, id, self->line_number, error);
      return;
    }

  start_job (self, g_steal_pointer (&request));
}

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Server *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean too_long;
  gsize length;

  self->reading = FALSE;
  text = mr_line_reader_read_finish (self->reader, result, &length, &too_long, &error);
  if (text == NULL)
    {
      /* the end of the input ends the server once its jobs are done; so
       * does a read error, or a signal */
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          mr_progress_error (self->progress, "cannot read jobs from stdin: %s", error->message);
          self->status = MR_EXIT_FAILED;
        }
      self->eof = TRUE;
      quit_if_done (self);
      return;
    }

  self->line_number++;
  if (!self->stopping)
    handle_line (self, text, length, too_long);
  pump (self);
}

/* Reads the next line if a job could start. */
static void
pump (Server *self)
{
  if (self->reading || self->eof || self->stopping || self->jobs->len >= self->max_jobs)
    return;
  self->reading = TRUE;
  mr_line_reader_read_async (self->reader, self->cancellable, line_cb, self);
}

/* Jobs stop within a band of rows or a few decoded rows; one that does not
 * within the grace period is left behind: its files are written atomically,
 * so the process can end without leaving half a file. */
static gboolean
stop_timeout_cb (gpointer user_data)
{
  Server *self = user_data;

  self->stop_timer = 0;
  if (self->jobs->len == 0)
    return G_SOURCE_REMOVE;

  /* each job still gets its one closing line */
  for (guint i = 0; i < self->jobs->len; i++)
    {
      ServerJob *sj = self->jobs->pdata[i];
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             "stopped by a signal; did not stop within %d ms "
                                             "and was left behind", STOP_GRACE_MS);

      print_error_line (sj->progress, sj->request->id, sj->line_number, error);
    }
  self->abandoned = TRUE;
  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
stop_cb (gpointer user_data)
{
  Server *self = user_data;

  self->stopping = TRUE;
  self->stop_timer = g_timeout_add (STOP_GRACE_MS, stop_timeout_cb, self);
  quit_if_done (self);
  return G_SOURCE_REMOVE;
}

/* (may run in any thread: the main loop takes it from there) */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  Server *self = user_data;

  g_main_context_invoke (NULL, stop_cb, self);
}

/**
 * mr_server_run:
 * @max_jobs: how many jobs may be in flight at once
 *
 * Serves jobs from stdin until it ends, or @cancellable is cancelled.
 *
 * Returns: the exit status: 0 at the end of the input, 1 if it could not
 *   be read, or MR_SERVER_ABANDONED when jobs did not stop in time after
 *   @cancellable was cancelled: they still run, and the process must end
 *   with _exit ()
 */
int
mr_server_run (MockupRenderer         *renderer,
               gboolean                quiet,
               const MrServerDefaults *defaults,
               guint                   max_jobs,
               GCancellable           *cancellable)
{
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(MrTemplateCache) templates = mr_template_cache_new (defaults->cache_limit);
  g_autoptr(MrArtworkCache) artworks = mr_artwork_cache_new (renderer, defaults->artwork_cache_limit);
  g_autoptr(MrLineReader) reader = mr_line_reader_new (stdin_stream, MR_REQUEST_MAX_LINE_LENGTH);
  g_autoptr(MrProgress) progress = mr_progress_new (quiet, TRUE);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) jobs = g_ptr_array_new ();
  g_autoptr(GHashTable) running = g_hash_table_new (g_str_hash, g_str_equal);
  Server self = {
    .renderer = renderer,
    .quiet = quiet,
    .defaults = defaults,
    .max_jobs = MAX (max_jobs, 1),
    .templates = templates,
    .artworks = artworks,
    .reader = reader,
    .progress = progress,
    .cancellable = cancellable,
    .loop = loop,
    .status = MR_EXIT_OK,
    .jobs = jobs,
    .running = running,
  };

  self.cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), &self, NULL);
  pump (&self);
  g_main_loop_run (loop);
  g_cancellable_disconnect (cancellable, self.cancel_handler);

  if (self.abandoned)
    {
      /* the jobs left running use all of this: keep it */
      g_steal_pointer (&templates);
      g_steal_pointer (&artworks);
      g_steal_pointer (&reader);
      g_steal_pointer (&jobs);
      g_steal_pointer (&running);
      return MR_SERVER_ABANDONED;
    }

  g_clear_handle_id (&self.stop_timer, g_source_remove);
  g_clear_handle_id (&self.reclaim_timer, g_source_remove);
  return self.status;
}
