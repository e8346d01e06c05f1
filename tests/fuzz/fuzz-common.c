/* fuzz-common.c: what the fuzz targets share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

static gboolean verbose;

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  /* A critical is a failed precondition: a bug whoever emits it, and one
   * that G_DEBUG=fatal-criticals turns into a crash in applications. */
  if (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    {
      g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
      g_abort ();
    }
  /* FUZZ_VERBOSE shows the library's debug messages too: which path a
   * render took (such as "no JPEG pass-through: …"). */
  if (verbose)
    return g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}


void
fuzz_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      verbose = g_getenv ("FUZZ_VERBOSE") != NULL;
      g_log_set_writer_func (log_writer, NULL, NULL);
      g_once_init_leave (&initialized, 1);
    }
}

gboolean
fuzz_verbose (void)
{
  return verbose;
}

const char *
fuzz_fixtures_dir (void)
{
  return FUZZ_FIXTURES_DIR;
}

void
fuzz_check_error (const GError *error,
                  const char   *what)
{
  if (verbose)
    g_printerr ("  %s%s\n", what, error != NULL ? error->message : "(no error)");
  g_assert_nonnull (error);
  g_assert_true (error->domain == MOCKUP_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

MockupRenderer *
fuzz_renderer_new (gboolean linear_light)
{
  MockupRenderer *renderer = mockup_renderer_new ();

  mockup_renderer_set_max_size (renderer, FUZZ_MAX_SIZE);
  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  mockup_renderer_set_threads (renderer, 1);
  mockup_renderer_set_memory_limit (renderer, 256 * 1024 * 1024);
  mockup_renderer_set_linear_light (renderer, linear_light);
  return renderer;
}

MockupArtwork *
fuzz_artwork_new (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 12, 8);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 12; x++)
      {
        guint8 *p = pixels + y * stride + x * 4;

        p[0] = x * 21;
        p[1] = y * 32;
        p[2] = 255 - x * 21;
        p[3] = (x + y) % 5 == 0 ? 0 : 255;
      }
  return mockup_artwork_new_from_pixbuf (pixbuf);
}

void
fuzz_render (MockupRenderer *renderer,
             MockupArtwork  *artwork,
             MockupTemplate *template)
{
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;
  int longest;

  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  if (result == NULL)
    {
      fuzz_check_error (error, "render: ");
      return;
    }
  g_assert_no_error (error);
  g_assert_true (mockup_result_check (result, NULL));

  longest = MAX (mockup_template_get_width (template), mockup_template_get_height (template));
  g_assert_cmpint (MAX (mockup_result_get_width (result), mockup_result_get_height (result)), ==,
                   MIN (longest, FUZZ_MAX_SIZE));
  g_assert_cmpint (mockup_result_get_width (result), >=, 1);
  g_assert_cmpint (mockup_result_get_height (result), >=, 1);

  if (verbose)
    g_printerr ("  rendered %d x %d\n", mockup_result_get_width (result), mockup_result_get_height (result));
  pixbuf = mockup_result_get_pixbuf (result);
  g_assert_nonnull (pixbuf);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, mockup_result_get_width (result));
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, mockup_result_get_height (result));
}
