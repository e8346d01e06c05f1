/* mockup-bench.c: render the benchmark batch through the public API
 *
 * mockup-bench [OPTION…] FIXTURES
 *
 * Renders the artwork (FIXTURES/artwork.png unless --artwork says
 * otherwise) into every template under FIXTURES with one MockupRenderer, as
 * a server would, and prints one JSON line: wall time, peak resident
 * memory, bytes produced and each result's timings.
 *
 * --batches N starts N batches at once from N threads, all on the same
 * renderer (one worker pool, one memory budget: the way a server shares
 * one renderer between its users). Each batch gets its own MockupArtwork
 * made from the same file, because N concurrent users bring N different
 * artworks: nothing decoded by one batch can serve another, so the
 * measurement shows the real cost of concurrency. --shared-artwork passes
 * one MockupArtwork to every batch instead (one customer, many requests),
 * where the artwork is decoded once.
 *
 * Results are taken one at a time, their encoded bytes counted and then
 * dropped, as a server that streams each result out would (the reference
 * pipeline, likewise, encodes into a BytesIO and drops it). --save DIR
 * writes them out as well.
 *
 * Memory: "peak_rss_kb" is VmHWM from /proc/self/status, the high-water
 * mark of this process's own address space; "sampled_rss_kb" the largest
 * VmRSS seen by a thread that reads /proc/self/statm every --sample-ms
 * milliseconds; "ru_maxrss_kb" is getrusage's figure, which on Linux
 * includes the memory of the parent at the moment it forked this process
 * (the kernel carries the pre-exec high-water mark over), so it is only an
 * upper bound when the parent is large.
 *
 * --variants N renders one template (--template, which must have a colour
 * parameter) in N colours instead, as a shop showing a design on every
 * colour of a shirt would: --variants-mode grouped (the default) makes one
 * render_batch_full() call of 1 template × N variants, whose group decodes
 * the template's images once; sequential makes N render_full() calls one
 * after another, and parallel the same N calls split between one thread
 * per renderer thread, each decoding the template's images again.
 *
 * --repeat N renders every template N times in the batch (its templates
 * loaded once, as MockupTemplate objects, the list then given N times
 * over), as a server that keeps its templates loaded renders many
 * artworks on each: what a template caches after its first render (block
 * maps, the JPEG pass-through's band starts) serves the later ones.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <json-glib/json-glib.h>
#include <mockup-glib/mockup.h>

typedef struct
{
  guint batch;
  guint index;
  char *id;
  int width, height;
  gsize bytes;
  guint64 render_us;
  guint64 wait_us;
  gint64 delivered_us;          /* since the start of the run */
  guint64 rss_kb;
  char *error;
} Record;

typedef struct
{
  guint number;
  MockupRenderer *renderer;
  MockupArtwork *artwork;       /* shared, or NULL: make one */
  const char *artwork_path;
  char **manifests;
  guint repeat;                 /* renders of each template, see --repeat */
  const char *save_dir;
  const char *extension;
  gboolean use_async;
  gint64 t0;

  /* out */
  GArray *records;              /* Record */
  gint64 prepared_us;           /* render_batch returned, since t0 */
  gint64 first_us;              /* first result, since t0 */
  gint64 done_us;               /* last result, since t0 */
  gsize bytes;
  guint errors;
  char *batch_error;
} BatchRun;

static GMutex start_lock;
static GCond start_cond;
static gboolean start_flag;

static gint sampling = 1;
static guint64 sampled_max_kb;
static guint sample_ms = 10;

static guint64
status_kb (const char *field)
{
  g_autofree char *contents = NULL;
  gsize len = strlen (field);

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return 0;
  for (char *line = contents; line != NULL && *line != '\0';)
    {
      char *next = strchr (line, '\n');

      if (strncmp (line, field, len) == 0 && line[len] == ':')
        return g_ascii_strtoull (line + len + 1, NULL, 10);
      line = next ? next + 1 : NULL;
    }
  return 0;
}

static guint64
statm_rss_kb (void)
{
  unsigned long long size = 0, resident = 0;
  FILE *file = fopen ("/proc/self/statm", "re");

  if (file == NULL)
    return 0;
  if (fscanf (file, "%llu %llu", &size, &resident) != 2)
    resident = 0;
  fclose (file);
  return resident * (guint64) sysconf (_SC_PAGESIZE) / 1024;
}

static gpointer
sampler_thread (gpointer data)
{
  while (g_atomic_int_get (&sampling))
    {
      guint64 kb = statm_rss_kb ();

      if (kb > sampled_max_kb)
        sampled_max_kb = kb;
      g_usleep (sample_ms * 1000);
    }
  return NULL;
}

/* --variants */
typedef struct
{
  MockupRenderer *renderer;
  MockupArtwork *artwork;
  MockupTemplate *template;
  MockupRenderOptions **variants;
  guint first, step, n;
  BatchRun *run;
  GMutex *lock;
} SingleRenders;

static void take_result (BatchRun *run, MockupResult *result);

static gpointer
single_renders_thread (gpointer data)
{
  SingleRenders *job = data;

  for (guint v = job->first; v < job->n; v += job->step)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MockupResult) result = mockup_renderer_render_full (job->renderer, job->artwork,
                                                                    job->template, job->variants[v],
                                                                    NULL, &error);

      g_mutex_lock (job->lock);
      if (result != NULL)
        take_result (job->run, result);
      else
        {
          g_free (job->run->batch_error);
          job->run->batch_error = g_strdup (error->message);
          job->run->errors++;
        }
      g_mutex_unlock (job->lock);
    }
  return NULL;
}

/* N colours for the template's first colour parameter: its named
 * choices, then a spread of hues. */
static MockupRenderOptions **
colour_variants (MockupTemplate  *template,
                 guint            n,
                 GError         **error)
{
  g_auto(GStrv) names = mockup_template_dup_parameter_names (template);
  MockupParameter *parameter = NULL;
  g_auto(GStrv) choices = NULL;
  MockupRenderOptions **variants;
  guint n_choices;

  for (guint i = 0; names != NULL && names[i] != NULL && parameter == NULL; i++)
    if (mockup_parameter_get_parameter_type (mockup_template_get_parameter (template, names[i])) ==
        MOCKUP_PARAMETER_COLOR)
      parameter = mockup_template_get_parameter (template, names[i]);
  if (parameter == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "template %s has no colour parameter", mockup_template_get_id (template));
      return NULL;
    }

  choices = mockup_parameter_dup_choice_names (parameter);
  n_choices = choices != NULL ? g_strv_length (choices) : 0;
  variants = g_new0 (MockupRenderOptions *, n + 1);
  for (guint v = 0; v < n; v++)
    {
      g_autofree char *value = NULL;

      if (v < n_choices)
        value = g_strdup (choices[v]);
      else
        {
          double h = 6.0 * v / n, x = 1.0 - fabs (fmod (h, 2.0) - 1.0);
          double rgb[3][6] = { { 1, x, 0, 0, x, 1 }, { x, 1, 1, x, 0, 0 }, { 0, 0, x, 1, 1, x } };
          int k = (int) h % 6;

          value = g_strdup_printf ("#%02x%02x%02x", (int) (40 + 160 * rgb[0][k]),
                                   (int) (40 + 160 * rgb[1][k]), (int) (40 + 160 * rgb[2][k]));
        }
      variants[v] = mockup_render_options_new ();
      mockup_render_options_set_parameter (variants[v], mockup_parameter_get_name (parameter), value);
    }
  return variants;
}

/* The --variants run: the template in N colours, grouped in one batch or
 * as N single renders. */
static void
run_variants (BatchRun       *run,
              MockupTemplate *template,
              guint           n,
              const char     *mode,
              guint           threads)
{
  g_autoptr(MockupArtwork) artwork = NULL;
  g_autoptr(GError) error = NULL;
  MockupRenderOptions **variants = NULL;

  if ((artwork = mockup_artwork_new_from_file (run->artwork_path, &error)) == NULL ||
      (variants = colour_variants (template, n, &error)) == NULL)
    goto failed;

  if (g_str_equal (mode, "grouped"))
    {
      g_autoptr(GListStore) templates = g_list_store_new (MOCKUP_TYPE_TEMPLATE);
      g_autoptr(MockupBatch) batch = NULL;
      MockupResult *result;

      g_list_store_append (templates, template);
      batch = mockup_renderer_render_batch_full (run->renderer, artwork, G_LIST_MODEL (templates),
                                                 NULL, variants, n, NULL, &error);
      run->prepared_us = g_get_monotonic_time () - run->t0;
      if (batch == NULL)
        goto failed;
      while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
        {
          take_result (run, result);
          g_object_unref (result);
        }
      if (error != NULL)
        goto failed;
    }
  else
    {
      GMutex lock;
      guint n_threads = g_str_equal (mode, "parallel") ? MAX (1, threads) : 1;
      GThread **workers = g_new0 (GThread *, n_threads);
      SingleRenders *jobs = g_new0 (SingleRenders, n_threads);

      g_mutex_init (&lock);
      for (guint t = 0; t < n_threads; t++)
        {
          jobs[t] = (SingleRenders) { run->renderer, artwork, template, variants, t, n_threads, n, run, &lock };
          workers[t] = g_thread_new ("single-renders", single_renders_thread, &jobs[t]);
        }
      for (guint t = 0; t < n_threads; t++)
        g_thread_join (workers[t]);
      g_mutex_clear (&lock);
      g_free (workers);
      g_free (jobs);
    }

  run->done_us = g_get_monotonic_time () - run->t0;
  for (guint v = 0; v < n; v++)
    g_object_unref (variants[v]);
  g_free (variants);
  return;

failed:
  run->batch_error = g_strdup (error->message);
  run->errors++;
  run->done_us = g_get_monotonic_time () - run->t0;
  for (guint v = 0; variants != NULL && v < n; v++)
    g_object_unref (variants[v]);
  g_free (variants);
}

static void
take_result (BatchRun     *run,
             MockupResult *result)
{
  Record record = { 0 };
  const GError *error = mockup_result_get_error (result);

  record.batch = run->number;
  record.index = mockup_result_get_index (result);
  record.id = g_strdup (mockup_result_get_template_id (result));
  record.width = mockup_result_get_width (result);
  record.height = mockup_result_get_height (result);
  record.render_us = mockup_result_get_render_time (result);
  record.wait_us = mockup_result_get_wait_time (result);
  record.rss_kb = mockup_result_get_resident_memory (result) / 1024;
  record.delivered_us = g_get_monotonic_time () - run->t0;

  if (error != NULL)
    {
      record.error = g_strdup (error->message);
      run->errors++;
    }
  else
    {
      GBytes *bytes = mockup_result_get_bytes (result);

      /* Only a pixbuf result is asked for its pixbuf: for encoded results
       * get_pixbuf() decodes the bytes, which is work a server does not do. */
      if (bytes != NULL)
        record.bytes = g_bytes_get_size (bytes);
      else if (mockup_result_get_pixbuf (result) != NULL)
        record.bytes = gdk_pixbuf_get_byte_length (mockup_result_get_pixbuf (result));
      run->bytes += record.bytes;

      if (run->save_dir != NULL)
        {
          g_autofree char *name = g_strdup_printf ("%s%s%u.%s", record.id,
                                                   run->number ? "-b" : "",
                                                   run->number, run->extension);
          g_autofree char *path = NULL;
          g_autoptr(GError) save_error = NULL;

          if (run->number == 0)
            {
              g_free (name);
              name = g_strdup_printf ("%s.%s", record.id, run->extension);
            }
          path = g_build_filename (run->save_dir, name, NULL);
          if (!mockup_result_save (result, path, &save_error))
            {
              record.error = g_strdup (save_error->message);
              run->errors++;
            }
        }
    }

  if (run->first_us == 0)
    run->first_us = record.delivered_us;
  g_array_append_val (run->records, record);
}

/* --repeat: the templates loaded once, given @repeat times */
static GListModel *
template_objects (char   **manifests,
                  guint    repeat,
                  GError **error)
{
  g_autoptr(GListStore) store = g_list_store_new (MOCKUP_TYPE_TEMPLATE);
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; manifests[i] != NULL; i++)
    {
      MockupTemplate *template = mockup_template_new_from_file (manifests[i], error);

      if (template == NULL)
        return NULL;
      g_ptr_array_add (loaded, template);
    }
  for (guint r = 0; r < repeat; r++)
    for (guint i = 0; i < loaded->len; i++)
      g_list_store_append (store, loaded->pdata[i]);
  return G_LIST_MODEL (g_steal_pointer (&store));
}

static GListModel *
template_files (char **manifests)
{
  GListStore *store = g_list_store_new (G_TYPE_FILE);

  for (guint i = 0; manifests[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (manifests[i]);

      g_list_store_append (store, file);
    }
  return G_LIST_MODEL (store);
}

/* The async path: render_batch_async and next_async on this thread's own
 * main context, the way an application drives a batch. */
typedef struct
{
  GMainLoop *loop;
  BatchRun *run;
  MockupBatch *batch;
  GError *error;
} AsyncState;

static void next_ready (GObject *source, GAsyncResult *res, gpointer data);

static void
request_next (AsyncState *state)
{
  mockup_batch_next_async (state->batch, NULL, next_ready, state);
}

static void
next_ready (GObject      *source,
            GAsyncResult *res,
            gpointer      data)
{
  AsyncState *state = data;
  g_autoptr(MockupResult) result = mockup_batch_next_finish (MOCKUP_BATCH (source), res, &state->error);

  if (result == NULL)
    {
      g_main_loop_quit (state->loop);
      return;
    }
  take_result (state->run, result);
  g_clear_object (&result);
  request_next (state);
}

static void
batch_ready (GObject      *source,
             GAsyncResult *res,
             gpointer      data)
{
  AsyncState *state = data;

  state->batch = mockup_renderer_render_batch_finish (MOCKUP_RENDERER (source), res, &state->error);
  state->run->prepared_us = g_get_monotonic_time () - state->run->t0;
  if (state->batch == NULL)
    {
      g_main_loop_quit (state->loop);
      return;
    }
  request_next (state);
}

static gpointer
batch_thread (gpointer data)
{
  BatchRun *run = data;
  g_autoptr(MockupArtwork) artwork = NULL;
  g_autoptr(GListModel) templates = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&start_lock);
  while (!start_flag)
    g_cond_wait (&start_cond, &start_lock);
  g_mutex_unlock (&start_lock);

  /* Everything a request does counts: opening the artwork, loading the
   * templates (the batch parses them), decoding, rendering, encoding. */
  if (run->artwork != NULL)
    artwork = g_object_ref (run->artwork);
  else if ((artwork = mockup_artwork_new_from_file (run->artwork_path, &error)) == NULL)
    goto failed;
  if (run->repeat <= 1)
    templates = template_files (run->manifests);
  else if ((templates = template_objects (run->manifests, run->repeat, &error)) == NULL)
    goto failed;

  if (run->use_async)
    {
      g_autoptr(GMainContext) context = g_main_context_new ();
      AsyncState state = { 0 };

      g_main_context_push_thread_default (context);
      state.loop = g_main_loop_new (context, FALSE);
      state.run = run;
      mockup_renderer_render_batch_async (run->renderer, artwork, templates, NULL, NULL,
                                          batch_ready, &state);
      g_main_loop_run (state.loop);
      g_main_loop_unref (state.loop);
      g_clear_object (&state.batch);
      g_main_context_pop_thread_default (context);
      if (state.error != NULL)
        {
          g_propagate_error (&error, state.error);
          goto failed;
        }
    }
  else
    {
      g_autoptr(MockupBatch) batch = NULL;
      MockupResult *result;

      batch = mockup_renderer_render_batch (run->renderer, artwork, templates, NULL, NULL, &error);
      run->prepared_us = g_get_monotonic_time () - run->t0;
      if (batch == NULL)
        goto failed;

      while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
        {
          take_result (run, result);
          g_object_unref (result);
        }
      if (error != NULL)
        goto failed;
    }

  run->done_us = g_get_monotonic_time () - run->t0;
  return NULL;

failed:
  run->batch_error = g_strdup (error->message);
  run->errors++;
  run->done_us = g_get_monotonic_time () - run->t0;
  return NULL;
}

static gboolean
parse_bytes (const char  *text,
             guint64     *value)
{
  char *end = NULL;
  double v;

  errno = 0;
  v = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || v < 0)
    return FALSE;
  switch (g_ascii_toupper (*end))
    {
    case '\0': break;
    case 'K': v *= 1024; end++; break;
    case 'M': v *= 1024 * 1024; end++; break;
    case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
    default: return FALSE;
    }
  if (*end == 'i' || *end == 'B')
    end++;
  if (*end == 'B')
    end++;
  if (*end != '\0')
    return FALSE;
  *value = (guint64) v;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *format_name = g_strdup ("jpeg");
  g_autofree char *artwork_path = NULL;
  g_autofree char *memory_limit_text = NULL;
  g_autofree char *save_dir = NULL;
  g_autofree char *label = NULL;
  g_autofree char *template_path = NULL;
  g_autofree char *variants_mode = g_strdup ("grouped");
  int n_variants = 0, repeat = 1;
  g_autofree char *passthrough = NULL;
  int quality = 90, max_size = 0, threads = 0, n_batches = 1;
  gboolean shared_artwork = FALSE, use_async = FALSE;
  int sample_interval = 10;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "jpeg, png, webp or pixbuf (default jpeg)", "FORMAT" },
    { "quality", 'q', 0, G_OPTION_ARG_INT, &quality, "JPEG/WebP quality (default 90)", "Q" },
    { "max-size", 's', 0, G_OPTION_ARG_INT, &max_size, "longest output side; 0: full size (default)", "PX" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "renderer threads; 0: one per processor (default)", "N" },
    { "batches", 'b', 0, G_OPTION_ARG_INT, &n_batches, "concurrent batches, each from its own thread (default 1)", "N" },
    { "memory-limit", 'm', 0, G_OPTION_ARG_STRING, &memory_limit_text, "renderer memory budget, bytes or with K/M/G (default: the renderer's)", "BYTES" },
    { "artwork", 'a', 0, G_OPTION_ARG_FILENAME, &artwork_path, "artwork file (default FIXTURES/artwork.png)", "FILE" },
    { "shared-artwork", 0, 0, G_OPTION_ARG_NONE, &shared_artwork, "one MockupArtwork for all batches instead of one each", NULL },
    { "async", 0, 0, G_OPTION_ARG_NONE, &use_async, "use render_batch_async and next_async instead of the blocking calls", NULL },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save_dir, "also write the results into DIR", "DIR" },
    { "sample-ms", 0, 0, G_OPTION_ARG_INT, &sample_interval, "RSS sampling interval (default 10)", "MS" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, "a name to put in the JSON", "TEXT" },
    { "variants", 0, 0, G_OPTION_ARG_INT, &n_variants, "render --template in N colours instead of FIXTURES' templates", "N" },
    { "variants-mode", 0, 0, G_OPTION_ARG_STRING, &variants_mode, "grouped (one batch, the default), sequential or parallel single renders", "MODE" },
    { "template", 0, 0, G_OPTION_ARG_FILENAME, &template_path, "the manifest --variants renders", "FILE" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "render each template N times, its template loaded once (default 1)", "N" },
    { "jpeg-passthrough", 0, 0, G_OPTION_ARG_STRING, &passthrough, "auto (default) or never", "MODE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FIXTURES");
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupRenderer) renderer = NULL;
  g_autoptr(MockupArtwork) shared = NULL;
  g_autoptr(MockupTemplate) variants_template = NULL;
  g_auto(GStrv) manifests = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  MockupFormat format;
  guint64 memory_limit = 0;
  GThread **workers;
  GThread *sampler;
  BatchRun *runs;
  gint64 t0, wall_us;
  guint64 start_rss_kb;
  gsize total_bytes = 0;
  guint total_errors = 0, n_results = 0;
  struct rusage usage;

  g_option_context_set_summary (context, "Renders the benchmark batch with mockup-glib and prints one JSON line.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("mockup-bench: %s\n", error->message);
      return 2;
    }
  if (argc != 2)
    {
      g_printerr ("mockup-bench: give the fixtures folder (see --help)\n");
      return 2;
    }
  if (!mockup_format_from_string (format_name, &format))
    {
      g_printerr ("mockup-bench: unknown format “%s”\n", format_name);
      return 2;
    }
  if (memory_limit_text != NULL && !parse_bytes (memory_limit_text, &memory_limit))
    {
      g_printerr ("mockup-bench: bad --memory-limit “%s”\n", memory_limit_text);
      return 2;
    }
  if (n_batches < 1 || quality < 1 || quality > 100 || max_size < 0 || threads < 0 || sample_interval < 1)
    {
      g_printerr ("mockup-bench: bad option value\n");
      return 2;
    }
  sample_ms = (guint) sample_interval;
  if (artwork_path == NULL)
    artwork_path = g_build_filename (argv[1], "artwork.png", NULL);
  if (save_dir != NULL && g_mkdir_with_parents (save_dir, 0755) != 0)
    {
      g_printerr ("mockup-bench: cannot create %s: %s\n", save_dir, g_strerror (errno));
      return 2;
    }

  if (n_variants > 0)
    {
      if (template_path == NULL || n_batches != 1 ||
          !(g_str_equal (variants_mode, "grouped") || g_str_equal (variants_mode, "sequential") ||
            g_str_equal (variants_mode, "parallel")))
        {
          g_printerr ("mockup-bench: --variants needs --template, one batch and a --variants-mode "
                      "of grouped, sequential or parallel\n");
          return 2;
        }
      if ((variants_template = mockup_template_new_from_file (template_path, &error)) == NULL)
        {
          g_printerr ("mockup-bench: %s\n", error->message);
          return 1;
        }
      manifests = g_new0 (char *, 2);
      manifests[0] = g_strdup (template_path);
    }
  else
    manifests = mockup_template_find_in_folder (argv[1], &error);
  if (manifests == NULL || manifests[0] == NULL)
    {
      g_printerr ("mockup-bench: no templates in %s%s%s\n", argv[1],
                  error ? ": " : "", error ? error->message : "");
      return 2;
    }

  sampler = g_thread_new ("rss-sampler", sampler_thread, NULL);

  renderer = mockup_renderer_new ();
  mockup_renderer_set_format (renderer, format);
  mockup_renderer_set_quality (renderer, (guint) quality);
  mockup_renderer_set_max_size (renderer, (guint) max_size);
  mockup_renderer_set_threads (renderer, (guint) threads);
  mockup_renderer_set_jpeg_passthrough (renderer, g_strcmp0 (passthrough, "never") != 0);
  if (memory_limit_text != NULL)
    mockup_renderer_set_memory_limit (renderer, memory_limit);

  /* the process before any work: libraries loaded, nothing decoded */
  start_rss_kb = status_kb ("VmRSS");

  runs = g_new0 (BatchRun, n_batches);
  workers = g_new0 (GThread *, n_batches);

  t0 = g_get_monotonic_time ();
  if (shared_artwork && (shared = mockup_artwork_new_from_file (artwork_path, &error)) == NULL)
    {
      g_printerr ("mockup-bench: %s\n", error->message);
      return 1;
    }

  for (int b = 0; b < n_batches; b++)
    {
      BatchRun *run = &runs[b];

      run->number = (guint) b;
      run->renderer = renderer;
      run->artwork = shared;
      run->artwork_path = artwork_path;
      run->manifests = manifests;
      run->repeat = (guint) MAX (1, repeat);
      run->save_dir = save_dir;
      run->extension = format == MOCKUP_FORMAT_PIXBUF ? "png" : mockup_format_get_extension (format);
      run->use_async = use_async;
      run->t0 = t0;
      run->records = g_array_new (FALSE, TRUE, sizeof (Record));
      if (n_variants == 0)
        workers[b] = g_thread_new ("batch", batch_thread, run);
    }
  if (n_variants > 0)
    run_variants (&runs[0], variants_template, (guint) n_variants, variants_mode,
                  mockup_renderer_get_threads (renderer) ? mockup_renderer_get_threads (renderer)
                                                         : g_get_num_processors ());

  g_mutex_lock (&start_lock);
  start_flag = TRUE;
  g_cond_broadcast (&start_cond);
  g_mutex_unlock (&start_lock);

  for (int b = 0; b < n_batches && n_variants == 0; b++)
    g_thread_join (workers[b]);
  wall_us = g_get_monotonic_time () - t0;

  g_atomic_int_set (&sampling, 0);
  g_thread_join (sampler);
  getrusage (RUSAGE_SELF, &usage);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "program");
  json_builder_add_string_value (builder, "mockup-bench");
  if (label != NULL)
    {
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, label);
    }
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, format_name);
  json_builder_set_member_name (builder, "quality");
  json_builder_add_int_value (builder, quality);
  json_builder_set_member_name (builder, "max_size");
  json_builder_add_int_value (builder, max_size);
  json_builder_set_member_name (builder, "threads");
  json_builder_add_int_value (builder, mockup_renderer_get_threads (renderer));
  json_builder_set_member_name (builder, "processors");
  json_builder_add_int_value (builder, g_get_num_processors ());
  json_builder_set_member_name (builder, "batches");
  json_builder_add_int_value (builder, n_batches);
  json_builder_set_member_name (builder, "shared_artwork");
  json_builder_add_boolean_value (builder, shared_artwork);
  json_builder_set_member_name (builder, "async");
  json_builder_add_boolean_value (builder, use_async);
  json_builder_set_member_name (builder, "memory_limit");
  json_builder_add_int_value (builder, (gint64) mockup_renderer_get_memory_limit (renderer));
  json_builder_set_member_name (builder, "templates");
  json_builder_add_int_value (builder, g_strv_length (manifests));
  json_builder_set_member_name (builder, "repeat");
  json_builder_add_int_value (builder, MAX (1, repeat));
  if (n_variants > 0)
    {
      json_builder_set_member_name (builder, "variants");
      json_builder_add_int_value (builder, n_variants);
      json_builder_set_member_name (builder, "variants_mode");
      json_builder_add_string_value (builder, variants_mode);
    }
  json_builder_set_member_name (builder, "wall_s");
  json_builder_add_double_value (builder, wall_us / 1e6);
  json_builder_set_member_name (builder, "cpu_s");
  json_builder_add_double_value (builder, usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
                                          usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6);
  json_builder_set_member_name (builder, "peak_rss_kb");
  json_builder_add_int_value (builder, (gint64) status_kb ("VmHWM"));
  json_builder_set_member_name (builder, "start_rss_kb");
  json_builder_add_int_value (builder, (gint64) start_rss_kb);
  json_builder_set_member_name (builder, "sampled_rss_kb");
  json_builder_add_int_value (builder, (gint64) sampled_max_kb);
  json_builder_set_member_name (builder, "ru_maxrss_kb");
  json_builder_add_int_value (builder, usage.ru_maxrss);
  json_builder_set_member_name (builder, "minor_faults");
  json_builder_add_int_value (builder, usage.ru_minflt);

  json_builder_set_member_name (builder, "batch_runs");
  json_builder_begin_array (builder);
  for (int b = 0; b < n_batches; b++)
    {
      BatchRun *run = &runs[b];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "prepared_s");
      json_builder_add_double_value (builder, run->prepared_us / 1e6);
      json_builder_set_member_name (builder, "first_result_s");
      json_builder_add_double_value (builder, run->first_us / 1e6);
      json_builder_set_member_name (builder, "done_s");
      json_builder_add_double_value (builder, run->done_us / 1e6);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) run->bytes);
      if (run->batch_error != NULL)
        {
          json_builder_set_member_name (builder, "error");
          json_builder_add_string_value (builder, run->batch_error);
        }
      json_builder_end_object (builder);
      total_bytes += run->bytes;
      total_errors += run->errors;
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (int b = 0; b < n_batches; b++)
    for (guint i = 0; i < runs[b].records->len; i++)
      {
        Record *r = &g_array_index (runs[b].records, Record, i);

        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "batch");
        json_builder_add_int_value (builder, r->batch);
        json_builder_set_member_name (builder, "index");
        json_builder_add_int_value (builder, r->index);
        json_builder_set_member_name (builder, "id");
        json_builder_add_string_value (builder, r->id);
        json_builder_set_member_name (builder, "width");
        json_builder_add_int_value (builder, r->width);
        json_builder_set_member_name (builder, "height");
        json_builder_add_int_value (builder, r->height);
        json_builder_set_member_name (builder, "bytes");
        json_builder_add_int_value (builder, (gint64) r->bytes);
        json_builder_set_member_name (builder, "render_ms");
        json_builder_add_double_value (builder, r->render_us / 1000.0);
        json_builder_set_member_name (builder, "wait_ms");
        json_builder_add_double_value (builder, r->wait_us / 1000.0);
        json_builder_set_member_name (builder, "delivered_s");
        json_builder_add_double_value (builder, r->delivered_us / 1e6);
        json_builder_set_member_name (builder, "rss_kb");
        json_builder_add_int_value (builder, (gint64) r->rss_kb);
        if (r->error != NULL)
          {
            json_builder_set_member_name (builder, "error");
            json_builder_add_string_value (builder, r->error);
          }
        json_builder_end_object (builder);
        n_results++;
      }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "n_results");
  json_builder_add_int_value (builder, n_results);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) total_bytes);
  json_builder_set_member_name (builder, "errors");
  json_builder_add_int_value (builder, total_errors);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  g_print ("%s\n", json);

  for (int b = 0; b < n_batches; b++)
    {
      for (guint i = 0; i < runs[b].records->len; i++)
        {
          Record *r = &g_array_index (runs[b].records, Record, i);

          if (r->error != NULL)
            g_printerr ("mockup-bench: batch %d: %s\n", b, r->error);
          g_free (r->id);
          g_free (r->error);
        }
      if (runs[b].batch_error != NULL)
        g_printerr ("mockup-bench: batch %d: %s\n", b, runs[b].batch_error);
      g_array_unref (runs[b].records);
      g_free (runs[b].batch_error);
    }
  g_free (runs);
  g_free (workers);

  return total_errors == 0 &&
         n_results == (guint) n_batches * g_strv_length (manifests) * (guint) MAX (1, n_variants) *
         (guint) MAX (1, repeat) ? 0 : 1;
}
