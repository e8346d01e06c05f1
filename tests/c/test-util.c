/* test-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <string.h>

#include "test-util.h"

static GPtrArray *dirs;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
remove_dirs (void)
{
  for (guint i = 0; i < dirs->len; i++)
    remove_tree (dirs->pdata[i]);
  g_ptr_array_unref (dirs);
}

char *
test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("mockup-test-XXXXXX", &error);

  g_assert_no_error (error);
  if (dirs == NULL)
    {
      dirs = g_ptr_array_new_with_free_func (g_free);
      atexit (remove_dirs);
    }
  g_ptr_array_add (dirs, g_strdup (dir));
  return dir;
}

char *
test_write_png (const char *dir,
                const char *name,
                int         width,
                int         height,
                guint32     argb)
{
  char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_rgba (cr, ((argb >> 16) & 0xff) / 255.0, ((argb >> 8) & 0xff) / 255.0,
                         (argb & 0xff) / 255.0, (argb >> 24) / 255.0);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

char *
test_write_jpeg (const char *dir,
                 const char *name,
                 int         width,
                 int         height,
                 guint32     rgb)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, (rgb << 8) | 0xff);
  gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "95", NULL);
  g_assert_no_error (error);
  return path;
}

char *
test_write_file (const char *dir,
                 const char *name,
                 const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

MockupTemplate *
test_template (const char *dir,
               const char *json)
{
  g_autoptr(GError) error = NULL;
  MockupTemplate *template = mockup_template_new_from_data (json, -1, dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (template);
  return template;
}

void
test_template_fails (const char *dir,
                     const char *json,
                     int         code,
                     ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupTemplate) template = mockup_template_new_from_data (json, -1, dir, &error);
  const char *part;
  va_list args;

  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, code);

  va_start (args, code);
  while ((part = va_arg (args, const char *)) != NULL)
    {
      if (strstr (error->message, part) == NULL)
        g_error ("error message \"%s\" lacks \"%s\"", error->message, part);
    }
  va_end (args);
}

guint32
test_pixel (GdkPixbuf *pixbuf,
            int        x,
            int        y)
{
  const guint8 *p = gdk_pixbuf_read_pixels (pixbuf) +
                    (gsize) y * gdk_pixbuf_get_rowstride (pixbuf) +
                    (gsize) x * gdk_pixbuf_get_n_channels (pixbuf);
  guint8 a = gdk_pixbuf_get_has_alpha (pixbuf) ? p[3] : 255;

  return ((guint32) a << 24) | ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
}
