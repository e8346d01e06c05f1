/* mockup-render.c: the command-line batch renderer
 *
 *   mockup-render [OPTION…] ARTWORK TEMPLATE.json|TEMPLATE_DIR…
 *   mockup-render --server [OPTION…] < jobs.jsonl
 *
 * Puts one artwork into every template given and writes
 * <output-dir>/<template-id>.<ext>. The whole run is one batch: templates
 * render in parallel, the artwork is decoded once, results come back in
 * order and are saved as they come. See doc/mockup-render.md.
 *
 * The batch is driven with render_batch_async() and next_async() in a main
 * loop rather than the blocking calls in a thread: the batch's progress
 * signal is emitted in the main context of the thread that started it,
 * the terminal progress bar needs a timer, SIGINT and SIGTERM arrive as
 * main-loop sources, and server mode reads stdin asynchronously, all in
 * one thread with no locking.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <mockup-glib/mockup.h>

#include "mockup-render-job.h"
#include "mockup-render-progress.h"
#include "mockup-render-server.h"
#include "mockup-render-util.h"

/* Templates kept between server jobs may take this share of the memory
 * limit, by their estimates; decoded artworks kept between jobs this one
 * (they are charged to the budget, and given back when renders wait). */
#define CACHE_SHARE 8
#define CACHE_LIMIT_UNBOUNDED ((guint64) 64 << 20)
#define ARTWORK_CACHE_SHARE 4
#define ARTWORK_CACHE_LIMIT_UNBOUNDED ((guint64) 256 << 20)

typedef struct
{
  char *output_dir;
  char *format_name;
  char *jpeg_passthrough;
  int quality;
  int max_size;
  char **slots;
  char **parameters;
  char **placements;
  guint64 memory_limit;
  gboolean memory_limit_set;
  int threads;
  int jobs;
  double min_ppi;
  gboolean min_ppi_set;
  double max_upscale;
  gboolean max_upscale_set;
  gboolean json;
  gboolean quiet;
  gboolean server;
  gboolean version;
  char **arguments;

  MockupFormat format;
} Options;

/* G_MININT: not given */
static Options options = {
  .quality = G_MININT,
  .max_size = G_MININT,
  .threads = G_MININT,
  .jobs = G_MININT,
};

typedef struct
{
  GMainLoop *loop;
  GCancellable *cancellable;
  MrProgress *progress;
  int status;
  int signal;
} Run;

static gboolean
parse_memory_limit (const char  *option_name,
                    const char  *value,
                    gpointer     data,
                    GError     **error)
{
  if (!mr_parse_size (value, &options.memory_limit, error))
    {
      g_prefix_error (error, "%s: ", option_name);
      return FALSE;
    }
  options.memory_limit_set = TRUE;
  return TRUE;
}

/* --min-ppi and --max-upscale: a number within 0 and @max */
static gboolean
parse_threshold (const char  *option_name,
                 const char  *value,
                 double       max,
                 double      *out,
                 gboolean    *set,
                 GError     **error)
{
  char *end = NULL;
  double v = g_ascii_strtod (value, &end);

  if (end == value || *end != '\0' || !(v >= 0.0 && v <= max))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s: “%s” is not a number from 0 to %g", option_name, value, max);
      return FALSE;
    }
  *out = v;
  *set = TRUE;
  return TRUE;
}

static gboolean
parse_min_ppi (const char  *option_name,
               const char  *value,
               gpointer     data,
               GError     **error)
{
  return parse_threshold (option_name, value, 10000.0, &options.min_ppi, &options.min_ppi_set, error);
}

static gboolean
parse_max_upscale (const char  *option_name,
                   const char  *value,
                   gpointer     data,
                   GError     **error)
{
  return parse_threshold (option_name, value, 1000.0, &options.max_upscale,
                          &options.max_upscale_set, error);
}

static const GOptionEntry entries[] = {
  { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &options.output_dir,
    "Write the mockups into DIR, made if missing (default: the current folder)", "DIR" },
  { "format", 0, 0, G_OPTION_ARG_STRING, &options.format_name,
    "Output format: jpeg (the default), png or webp", "FORMAT" },
  { "quality", 0, 0, G_OPTION_ARG_INT, &options.quality,
    "JPEG and WebP quality, 1 to 100 (default: 90; WebP at 100 is lossless)", "N" },
  { "jpeg-passthrough", 0, 0, G_OPTION_ARG_STRING, &options.jpeg_passthrough,
    "auto (the default): code again only the blocks of a JPEG photo that a mockup changes, when it can; never: code every block", "auto|never" },
  { "max-size", 0, 0, G_OPTION_ARG_INT, &options.max_size,
    "Scale mockups down so that their longest side is at most N pixels (0: each template's own size)", "N" },
  { "slot", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options.slots,
    "Put ARTWORK into the template slot NAME; repeat for each slot", "NAME=ARTWORK" },
  { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.parameters,
    "Give the template parameter NAME the value VALUE (a colour #rrggbb or a choice's name, a number, "
    "true or false, text); repeat for each parameter", "NAME=VALUE" },
  { "place", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.placements,
    "Place the artwork of SLOT at LEFT, TOP and WIDTH, fractions of the print area, turned by DEGREES, "
    "instead of fitting it; repeat for each slot", "SLOT=LEFT,TOP,WIDTH[,DEGREES]" },
  { "memory-limit", 0, 0, G_OPTION_ARG_CALLBACK, parse_memory_limit,
    "Memory budget for rendering, such as 256M or 1G (default: 512M; 0: none)", "SIZE" },
  { "threads", 0, 0, G_OPTION_ARG_INT, &options.threads,
    "Render N templates at once (default, 0: one per processor)", "N" },
  { "min-ppi", 0, 0, G_OPTION_ARG_CALLBACK, parse_min_ppi,
    "Warn when the artwork prints at fewer than N pixels per inch, where the template gives its "
    "print size (default: 150; 0: never)", "N" },
  { "max-upscale", 0, 0, G_OPTION_ARG_CALLBACK, parse_max_upscale,
    "Warn when the artwork is enlarged more than X times (default: 1.5; 0: never)", "X" },
  { "jobs", 0, 0, G_OPTION_ARG_INT, &options.jobs,
    "With --server: run up to N jobs at once (default: one more than the processors)", "N" },
  { "json", 0, 0, G_OPTION_ARG_NONE, &options.json,
    "Print one JSON object per result on stdout", NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &options.quiet,
    "Show no progress, only errors", NULL },
  { "server", 0, 0, G_OPTION_ARG_NONE, &options.server,
    "Read jobs from stdin, one JSON object a line, and answer on stdout", NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, &options.version,
    "Show the version and exit", NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options.arguments,
    NULL, "ARTWORK TEMPLATE.json|TEMPLATE_DIR…" },
  { NULL }
};

static const char description[] =
  "ARTWORK fills every slot of every template that --slot does not fill.\n"
  "It may be left out when --slot gives every slot: the first argument is\n"
  "then a template (a folder, or a file whose name ends in .json).\n"
  "A TEMPLATE_DIR is a template's folder (holding template.json) or a\n"
  "folder of templates. Each mockup is written to DIR/ID.EXT, atomically.\n"
  "\n"
  "Exit status:\n"
  "  0  every mockup was rendered and written\n"
  "  1  some or all were not (those written are complete)\n"
  "  2  the command line is wrong\n"
  "  130, 143  interrupted by SIGINT, SIGTERM (those written are complete)\n"
  "\n"
  "Examples:\n"
  "  mockup-render -o out art.png templates/\n"
  "  mockup-render --format png --max-size 1200 --json art.png poster.json mug/\n"
  "  mockup-render --slot left=a.png --slot right=b.png gallery-wall/\n"
  "  mockup-render --set shirt=navy --place artwork=0.55,0.1,0.3 logo.png tshirt/\n"
  "  mockup-render --server -o /srv/out < jobs.jsonl\n"
  "\n"
  "Full documentation: doc/mockup-render.md";

static int G_GNUC_PRINTF (1, 2)
usage_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\nTry “%s --help” for more information.\n",
              g_get_prgname (), message, g_get_prgname ());
  return MR_EXIT_USAGE;
}

/* Checks what GOption cannot: ranges, names, the arguments' shape. */
static int
check_options (void)
{
  guint n_arguments = options.arguments ? g_strv_length (options.arguments) : 0;

  options.format = MOCKUP_FORMAT_JPEG;
  if (options.format_name != NULL &&
      (!mockup_format_from_string (options.format_name, &options.format) ||
       options.format == MOCKUP_FORMAT_PIXBUF))
    return usage_error ("--format: “%s” is not an output format (jpeg, png or webp)",
                        options.format_name);
  if (options.jpeg_passthrough != NULL && g_strcmp0 (options.jpeg_passthrough, "auto") != 0 &&
      g_strcmp0 (options.jpeg_passthrough, "never") != 0)
    return usage_error ("--jpeg-passthrough: “%s” is neither auto nor never", options.jpeg_passthrough);
  if (options.quality != G_MININT && (options.quality < 1 || options.quality > 100))
    return usage_error ("--quality: %d is out of range (1 to 100)", options.quality);
  if (options.max_size != G_MININT && options.max_size < 0)
    return usage_error ("--max-size: %d is negative", options.max_size);
  if (options.threads != G_MININT && (options.threads < 0 || options.threads > 1024))
    return usage_error ("--threads: %d is out of range (0 to 1024)", options.threads);
  if (options.jobs != G_MININT && (options.jobs < 1 || options.jobs > 256))
    return usage_error ("--jobs: %d is out of range (1 to 256)", options.jobs);
  if (options.jobs != G_MININT && !options.server)
    return usage_error ("--jobs is for --server: a single run is one job");

  for (guint i = 0; options.slots != NULL && options.slots[i] != NULL; i++)
    {
      const char *equals = strchr (options.slots[i], '=');

      if (equals == NULL || equals == options.slots[i] || equals[1] == '\0')
        return usage_error ("--slot: “%s” is not NAME=ARTWORK", options.slots[i]);
      for (guint j = 0; j < i; j++)
        if (strncmp (options.slots[j], options.slots[i], equals - options.slots[i] + 1) == 0)
          return usage_error ("--slot: slot “%.*s” is given twice",
                              (int) (equals - options.slots[i]), options.slots[i]);
    }

  for (guint i = 0; options.parameters != NULL && options.parameters[i] != NULL; i++)
    {
      const char *equals = strchr (options.parameters[i], '=');

      if (equals == NULL || equals == options.parameters[i])
        return usage_error ("--set: “%s” is not NAME=VALUE", options.parameters[i]);
      for (guint j = 0; j < i; j++)
        if (strncmp (options.parameters[j], options.parameters[i], equals - options.parameters[i] + 1) == 0)
          return usage_error ("--set: parameter “%.*s” is given twice",
                              (int) (equals - options.parameters[i]), options.parameters[i]);
    }

  for (guint i = 0; options.placements != NULL && options.placements[i] != NULL; i++)
    {
      const char *equals = strchr (options.placements[i], '=');
      g_autoptr(GError) error = NULL;
      double values[4];

      if (equals == NULL || equals == options.placements[i])
        return usage_error ("--place: “%s” is not SLOT=LEFT,TOP,WIDTH[,DEGREES]", options.placements[i]);
      if (!mr_parse_placement (equals + 1, values, &error))
        return usage_error ("--place: %s", error->message);
      for (guint j = 0; j < i; j++)
        if (strncmp (options.placements[j], options.placements[i], equals - options.placements[i] + 1) == 0)
          return usage_error ("--place: slot “%.*s” is given twice",
                              (int) (equals - options.placements[i]), options.placements[i]);
    }

  if (options.server)
    {
      if (options.parameters != NULL || options.placements != NULL)
        return usage_error ("--set and --place are not used with --server: jobs give their own "
                            "\"parameters\" and \"placement\"");
      if (n_arguments > 0)
        return usage_error ("--server takes its jobs from stdin, not from arguments");
      if (options.slots != NULL)
        return usage_error ("--slot is not used with --server: jobs give their own \"slots\"");
      return MR_EXIT_OK;
    }

  if (n_arguments == 0)
    return usage_error ("missing ARTWORK and TEMPLATE arguments");
  return MR_EXIT_OK;
}

/* The first argument is the artwork unless it can only be a template: a
 * folder, or a .json file. Artworks are images, never either. */
static gboolean
first_argument_is_template (void)
{
  const char *first = options.arguments[0];

  return g_file_test (first, G_FILE_TEST_IS_DIR) || g_str_has_suffix (first, ".json");
}

/* Nothing could be rendered: says why, on stderr and, with --json, as an
 * error line on stdout. */
static int
fail (Run          *run,
      const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    mr_progress_error (run->progress, "%s", error->message);
  if (options.json)
    {
      MrJsonLine line;

      mr_json_line_init (&line);
      mr_json_line_add_error (&line, error);
      mr_json_line_print (&line);
    }
  return MR_EXIT_FAILED;
}

static void
job_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!mr_job_run_finish (MR_JOB (source), result, &error))
    run->status = fail (run, error);
  else if (mr_job_get_n_failed (MR_JOB (source)) > 0)
    run->status = MR_EXIT_FAILED;
  else
    run->status = MR_EXIT_OK;

  g_main_loop_quit (run->loop);
}

/* One signal stops cleanly: renders stop, files already written stay and
 * none is left half written. The handler goes with it, so a second signal
 * kills at once. */
static gboolean
stop (Run *run,
      int  signal_number)
{
  run->signal = signal_number;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
on_sigint (gpointer user_data)
{
  return stop (user_data, SIGINT);
}

static gboolean
on_sigterm (gpointer user_data)
{
  return stop (user_data, SIGTERM);
}

static int
run_batch (MockupRenderer *renderer,
           Run            *run)
{
  g_autoptr(MrJob) job = mr_job_new (renderer, run->progress);
  g_autoptr(GHashTable) slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_autoptr(MockupArtwork) artwork = NULL;
  g_autoptr(GError) error = NULL;
  guint first_template = 1;

  for (guint i = 0; options.slots != NULL && options.slots[i] != NULL; i++)
    {
      const char *equals = strchr (options.slots[i], '=');
      MockupArtwork *slot_artwork = mockup_artwork_new_from_file (equals + 1, &error);

      if (slot_artwork == NULL)
        {
          g_prefix_error (&error, "--slot %s: ", options.slots[i]);
          return fail (run, error);
        }
      g_hash_table_insert (slots, g_strndup (options.slots[i], equals - options.slots[i]),
                           slot_artwork);
    }

  if (first_argument_is_template ())
    {
      if (g_hash_table_size (slots) == 0)
        return usage_error ("missing ARTWORK: “%s” is a template; give the artwork first, "
                            "or fill every slot with --slot", options.arguments[0]);
      first_template = 0;
    }
  else
    {
      artwork = mockup_artwork_new_from_file (options.arguments[0], &error);
      /* a file problem, not a usage one: nothing could be rendered */
      if (artwork == NULL)
        return fail (run, error);
    }

  if (options.arguments[first_template] == NULL)
    return usage_error ("missing TEMPLATE arguments");

  mr_job_set_json (job, options.json);
  mr_job_set_artwork (job, artwork);
  mr_job_set_slot_artworks (job, slots);
  if (options.parameters != NULL || options.placements != NULL)
    {
      g_autoptr(MockupRenderOptions) render_options = mockup_render_options_new ();

      /* checked by check_options () */
      for (guint i = 0; options.parameters != NULL && options.parameters[i] != NULL; i++)
        {
          g_autofree char *name = g_strndup (options.parameters[i],
                                             strchr (options.parameters[i], '=') - options.parameters[i]);

          mockup_render_options_set_parameter (render_options, name, strchr (options.parameters[i], '=') + 1);
        }
      for (guint i = 0; options.placements != NULL && options.placements[i] != NULL; i++)
        {
          const char *equals = strchr (options.placements[i], '=');
          g_autofree char *slot = g_strndup (options.placements[i], equals - options.placements[i]);
          double values[4];

          mr_parse_placement (equals + 1, values, NULL);
          mockup_render_options_set_placement (render_options, slot, values[0], values[1], values[2], values[3]);
        }
      mr_job_set_options (job, render_options);
    }
  mr_job_set_output_dir (job, options.output_dir != NULL ? options.output_dir : ".");
  for (guint i = first_template; options.arguments[i] != NULL; i++)
    mr_job_add_templates (job, options.arguments[i], NULL);

  mr_job_run_async (job, run->cancellable, job_cb, run);
  g_main_loop_run (run->loop);
  return run->status;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(MockupRenderer) renderer = NULL;
  g_autoptr(MrProgress) progress = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  guint sigint, sigterm;
  int status;

  setlocale (LC_ALL, "");
  g_set_prgname ("mockup-render");

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Put artwork into mockup templates: product photos, framed posters, mugs.");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);

  if (options.version)
    {
      g_print ("mockup-render %s (mockup-glib %u.%u.%u)\n", MOCKUP_VERSION_S,
               MOCKUP_MAJOR_VERSION, MOCKUP_MINOR_VERSION, MOCKUP_MICRO_VERSION);
      return MR_EXIT_OK;
    }

  if ((status = check_options ()) != MR_EXIT_OK)
    return status;

  renderer = mockup_renderer_new ();
  mockup_renderer_set_format (renderer, options.format);
  if (options.quality != G_MININT)
    mockup_renderer_set_quality (renderer, options.quality);
  if (g_strcmp0 (options.jpeg_passthrough, "never") == 0)
    mockup_renderer_set_jpeg_passthrough (renderer, FALSE);
  if (options.max_size != G_MININT)
    mockup_renderer_set_max_size (renderer, options.max_size);
  if (options.threads != G_MININT)
    mockup_renderer_set_threads (renderer, options.threads);
  if (options.memory_limit_set)
    mockup_renderer_set_memory_limit (renderer, options.memory_limit);
  if (options.min_ppi_set)
    mockup_renderer_set_min_ppi (renderer, options.min_ppi);
  if (options.max_upscale_set)
    mockup_renderer_set_max_upscale (renderer, options.max_upscale);

  progress = mr_progress_new (options.quiet, FALSE);
  cancellable = g_cancellable_new ();
  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.cancellable = cancellable;
  run.progress = progress;

  sigint = g_unix_signal_add (SIGINT, on_sigint, &run);
  sigterm = g_unix_signal_add (SIGTERM, on_sigterm, &run);

  if (options.server)
    {
      guint64 limit = mockup_renderer_get_memory_limit (renderer);
      MrServerDefaults defaults = {
        .output_dir = options.output_dir != NULL ? options.output_dir : ".",
        .format = options.format,
        .quality = mockup_renderer_get_quality (renderer),
        .max_size = mockup_renderer_get_max_size (renderer),
        .jpeg_passthrough = mockup_renderer_get_jpeg_passthrough (renderer),
        .cache_limit = limit != 0 ? limit / CACHE_SHARE : CACHE_LIMIT_UNBOUNDED,
        .artwork_cache_limit = limit != 0 ? limit / ARTWORK_CACHE_SHARE : ARTWORK_CACHE_LIMIT_UNBOUNDED,
      };
      /* one more job than cores: while a job's artwork decodes on one core,
       * the others' renders keep every core busy */
      guint jobs = options.jobs != G_MININT ? (guint) options.jobs : g_get_num_processors () + 1;

      status = mr_server_run (renderer, options.quiet, &defaults, jobs, cancellable);
    }
  else
    status = run_batch (renderer, &run);

  if (run.signal != 0)
    {
      mr_progress_stop (progress);
      mr_progress_error (progress, "interrupted by %s", run.signal == SIGINT ? "SIGINT" : "SIGTERM");
      /* Jobs that did not stop in time still run in other threads: end
       * now, without the exit handlers that would free what they use. */
      if (status == MR_SERVER_ABANDONED)
        {
          fflush (stdout);
          _exit (128 + run.signal);
        }
      status = 128 + run.signal;
    }
  else
    {
      g_source_remove (sigint);
      g_source_remove (sigterm);
    }

  return status;
}
