/* webp-bench.c: one template photo rendered at preview size, any format
 *
 * webp-bench [--max-size N] [--runs K] [--linear-light=0|1] [--width W --height H] PHOTO
 *
 * Makes a template of PHOTO (its folder is the template's) with one
 * artwork slot in its middle, renders it K times as JPEG q90 at most N
 * pixels a side (0: the photo's own size), and prints one JSON line: each
 * render's wall time and CPU time (user and system, all threads: the
 * figure to compare on a busy machine), their medians and the process's
 * peak RSS (VmHWM).
 * Run once per photo, a process each, so that the peaks are each its own:
 * tests/benchmarks/webp-preview does, with the same photo as WebP and as
 * JPEG. The artwork is small and made in memory: the photo's decode is
 * what is measured.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <mockup-glib/mockup.h>

static guint64
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmHWM:");
  return line != NULL ? g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int    argc,
      char **argv)
{
  int max_size = 800, runs = 5, linear_light = 1, width = 4096, height = 4096;
  GOptionEntry entries[] = {
    { "max-size", 0, 0, G_OPTION_ARG_INT, &max_size, "Longest side of the render (0: full size)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Renders to time", "K" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "The photo's width", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "The photo's height", "H" },
    { "linear-light", 0, 0, G_OPTION_ARG_INT, &linear_light, "Resample in linear light (1, the default) or not (0)", "0|1" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("PHOTO");
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) art = NULL;
  g_autoptr(MockupArtwork) artwork = NULL;
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(MockupRenderer) renderer = NULL;
  g_autofree char *dir = NULL, *name = NULL, *manifest = NULL;
  g_autoptr(GString) times = g_string_new ("");
  g_autoptr(GString) cpu_times = g_string_new ("");
  double *seconds, *cpu;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || runs < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "usage: webp-bench [OPTION…] PHOTO");
      return 2;
    }

  dir = g_path_get_dirname (argv[1]);
  name = g_path_get_basename (argv[1]);
  manifest = g_strdup_printf ("{\"format\": 1, \"size\": [%d, %d], \"layers\": ["
                              "{\"type\": \"image\", \"source\": \"%s\"},"
                              "{\"type\": \"artwork\", \"fit\": \"cover\", \"quad\": "
                              "[[%.1f, %.1f], [%.1f, %.1f], [%.1f, %.1f], [%.1f, %.1f]]}]}",
                              width, height, name,
                              0.30 * width, 0.30 * height, 0.70 * width, 0.32 * height,
                              0.68 * width, 0.70 * height, 0.32 * width, 0.68 * height);
  template = mockup_template_new_from_data (manifest, -1, dir, &error);
  if (template == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  art = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 512, 512);
  gdk_pixbuf_fill (art, 0x3366ccff);
  artwork = mockup_artwork_new_from_pixbuf (art);

  renderer = mockup_renderer_new ();
  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_JPEG);
  mockup_renderer_set_quality (renderer, 90);
  mockup_renderer_set_max_size (renderer, (guint) max_size);
  mockup_renderer_set_linear_light (renderer, linear_light != 0);

  seconds = g_new (double, runs);
  cpu = g_new (double, runs);
  for (int i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cpu_seconds ();
      g_autoptr(MockupResult) result = mockup_renderer_render (renderer, artwork, template, NULL, &error);

      if (result == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      seconds[i] = (g_get_monotonic_time () - start) / 1e6;
      cpu[i] = cpu_seconds () - cpu_start;
      g_string_append_printf (times, "%s%.4f", i > 0 ? ", " : "", seconds[i]);
      g_string_append_printf (cpu_times, "%s%.4f", i > 0 ? ", " : "", cpu[i]);
    }
  qsort (seconds, runs, sizeof (double), compare_doubles);
  qsort (cpu, runs, sizeof (double), compare_doubles);

  g_print ("{\"photo\": \"%s\", \"max_size\": %d, \"linear_light\": %s, \"runs\": [%s], "
           "\"cpu_runs\": [%s], \"median_s\": %.4f, \"min_s\": %.4f, \"median_cpu_s\": %.4f, "
           "\"peak_rss_kb\": %" G_GUINT64_FORMAT "}\n",
           name, max_size, linear_light ? "true" : "false", times->str, cpu_times->str,
           seconds[runs / 2], seconds[0], cpu[runs / 2], peak_rss_kb ());
  g_free (seconds);
  g_free (cpu);
  return 0;
}
